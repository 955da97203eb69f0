package instrument

import (
	"fmt"
)

// Immediate layouts of the one-byte opcodes.
type imm uint8

const (
	immBad      imm = iota // unknown or unsupported opcode
	immNone                // no immediate
	immBlock               // block type
	immU32                 // one u32 (index, label, lane count...)
	immU32x2               // two u32
	immBrTable             // vec(u32) u32
	immMemarg              // memory argument
	immI32                 // s32
	immI64                 // s64
	immF32                 // 4 bytes
	immF64                 // 8 bytes
	immSelectT             // vec(valtype)
	immHeapType            // ref.null's heap type
	immPrefixFC            // 0xfc prefix
	immPrefixFD            // 0xfd prefix (SIMD)
)

var opImm [256]imm

func init() {
	set := func(lo, hi int, k imm) {
		for op := lo; op <= hi; op++ {
			opImm[op] = k
		}
	}
	set(0x00, 0x01, immNone)     // unreachable nop
	set(0x02, 0x04, immBlock)    // block loop if
	set(0x05, 0x05, immNone)     // else
	set(0x0b, 0x0b, immNone)     // end
	set(0x0c, 0x0d, immU32)      // br br_if
	set(0x0e, 0x0e, immBrTable)  // br_table
	set(0x0f, 0x0f, immNone)     // return
	set(0x10, 0x10, immU32)      // call
	set(0x11, 0x11, immU32x2)    // call_indirect
	set(0x12, 0x12, immU32)      // return_call
	set(0x13, 0x13, immU32x2)    // return_call_indirect
	set(0x1a, 0x1b, immNone)     // drop select
	set(0x1c, 0x1c, immSelectT)  // select t*
	set(0x20, 0x26, immU32)      // local.*, global.*, table.get/set
	set(0x28, 0x3e, immMemarg)   // loads and stores
	set(0x3f, 0x40, immU32)      // memory.size memory.grow
	set(0x41, 0x41, immI32)      // i32.const
	set(0x42, 0x42, immI64)      // i64.const
	set(0x43, 0x43, immF32)      // f32.const
	set(0x44, 0x44, immF64)      // f64.const
	set(0x45, 0xc4, immNone)     // numeric, sign extension
	set(0xd0, 0xd0, immHeapType) // ref.null
	set(0xd1, 0xd1, immNone)     // ref.is_null
	set(0xd2, 0xd2, immU32)      // ref.func
	set(0xfc, 0xfc, immPrefixFC)
	set(0xfd, 0xfd, immPrefixFD)
}

// Scalar instructions whose operand on top of the stack is observed.
const (
	opF32Store       = 0x38
	opF64Store       = 0x39
	opI32ReinterpF32 = 0xbc
	opI64ReinterpF64 = 0xbd
	opF32Copysign    = 0x98
	opF64Copysign    = 0xa6
	opLocalGet       = 0x20
	opLocalTee       = 0x22
	opGlobalGet      = 0x23
	opGlobalSet      = 0x24
	opMemoryGrow     = 0x40
)

// SIMD instructions (0xfd prefix) that take a scalar float on top of the
// stack into a vector.
const (
	simdF32x4Splat       = 0x13
	simdF64x2Splat       = 0x14
	simdF32x4ReplaceLane = 0x20
	simdF64x2ReplaceLane = 0x22
)

// Stack effects (values popped, pushed) of the instructions the scanner
// follows within straight-line code; any other instruction ends what it
// knows of the stack (flush).
type effect struct{ pop, push int8 }

var (
	flush    = effect{-1, -1}
	opEffect [256]effect
	simdEff  = map[uint32]effect{}
)

func init() {
	set := func(t *[256]effect, lo, hi int, e effect) {
		for op := lo; op <= hi; op++ {
			t[op] = e
		}
	}
	set(&opEffect, 0, 255, flush)
	set(&opEffect, 0x1a, 0x1a, effect{1, 0}) // drop
	set(&opEffect, 0x1b, 0x1b, effect{3, 1}) // select
	set(&opEffect, 0x20, 0x20, effect{0, 1}) // local.get
	set(&opEffect, 0x21, 0x21, effect{1, 0}) // local.set
	set(&opEffect, 0x22, 0x22, effect{1, 1}) // local.tee
	set(&opEffect, 0x23, 0x23, effect{0, 1}) // global.get
	set(&opEffect, 0x24, 0x24, effect{1, 0}) // global.set
	set(&opEffect, 0x28, 0x35, effect{1, 1}) // loads
	set(&opEffect, 0x36, 0x3e, effect{2, 0}) // stores
	set(&opEffect, 0x3f, 0x3f, effect{0, 1}) // memory.size
	set(&opEffect, 0x40, 0x40, effect{1, 1}) // memory.grow
	set(&opEffect, 0x41, 0x44, effect{0, 1}) // consts
	for _, r := range [][3]int{
		{0x45, 0x45, 1}, {0x46, 0x4f, 2}, {0x50, 0x50, 1}, {0x51, 0x66, 2}, // tests, comparisons
		{0x67, 0x69, 1}, {0x6a, 0x78, 2}, {0x79, 0x7b, 1}, {0x7c, 0x8a, 2}, // integer arithmetic
		{0x8b, 0x91, 1}, {0x92, 0x98, 2}, {0x99, 0x9f, 1}, {0xa0, 0xa6, 2}, // float arithmetic
		{0xa7, 0xc4, 1}, // conversions, sign extension
	} {
		set(&opEffect, r[0], r[1], effect{int8(r[2]), 1})
	}

	simd := func(lo, hi uint32, e effect) {
		for op := lo; op <= hi; op++ {
			simdEff[op] = e
		}
	}
	simd(0x00, 0x0a, effect{1, 1}) // loads
	simd(0x0b, 0x0b, effect{2, 0}) // v128.store
	simd(0x0c, 0x0c, effect{0, 1}) // v128.const
	simd(0x0d, 0x0e, effect{2, 1}) // shuffle swizzle
	simd(0x0f, 0x14, effect{1, 1}) // splats
	for _, op := range []uint32{0x15, 0x16, 0x18, 0x19, 0x1b, 0x1d, 0x1f, 0x21} {
		simdEff[op] = effect{1, 1} // extract_lane
	}
	for _, op := range []uint32{0x17, 0x1a, 0x1c, 0x1e, 0x20, 0x22} {
		simdEff[op] = effect{2, 1} // replace_lane
	}
	simd(0x23, 0x4c, effect{2, 1}) // comparisons
	simd(0x4d, 0x4d, effect{1, 1}) // v128.not
	simd(0x4e, 0x51, effect{2, 1}) // and andnot or xor
	simd(0x52, 0x52, effect{3, 1}) // bitselect
	simd(0x53, 0x53, effect{1, 1}) // any_true
	simd(0x54, 0x57, effect{2, 1}) // load_lane
	simd(0x58, 0x5b, effect{2, 0}) // store_lane
	simd(0x5c, 0x5f, effect{1, 1}) // load_zero, demote, promote
	simd(0x67, 0x6a, effect{1, 1}) // f32x4 rounding
	for _, op := range []uint32{0x74, 0x75, 0x7a, 0x94} {
		simdEff[op] = effect{1, 1} // f64x2 rounding
	}
	simd(0xe0, 0xe3, effect{1, 1})   // f32x4.abs neg (0xe2 unused) sqrt
	simd(0xe4, 0xeb, effect{2, 1})   // f32x4 binary
	simd(0xec, 0xef, effect{1, 1})   // f64x2.abs neg sqrt
	simd(0xf0, 0xf7, effect{2, 1})   // f64x2 binary
	simd(0x105, 0x108, effect{3, 1}) // relaxed fused multiply-add
	simd(0x10d, 0x110, effect{2, 1}) // relaxed min max
}

// scanner walks a function's code, collecting sites. It follows the
// operand stack through straight-line code to drop the canonicalisation
// of a vector result whose only use is another canonicalised vector
// operation of the same lane shape: a NaN in stays a NaN out, and that
// result is canonicalised (or its own use is). Wasm values on the stack
// are used exactly once, so nothing else can see the first one.
type scanner struct {
	r       reader
	globals uint32 // the original module's
	locals  uint64 // the function's, parameters included
	sites   *[]site
	stack   []int // per value followed: 1 + index of its site, or 0
}

// scan walks the instructions in code, which may use globals globals and
// locals locals, and appends the sites.
func scan(code []byte, globals uint32, locals uint64, sites *[]site) error {
	start := len(*sites)
	s := &scanner{r: reader{b: code}, globals: globals, locals: locals, sites: sites}
	if err := s.run(); err != nil {
		return err
	}
	// Drop the sites found unneeded.
	kept := (*sites)[:start]
	for _, x := range (*sites)[start:] {
		if !x.dead {
			kept = append(kept, x)
		}
	}
	*sites = kept
	return nil
}

// apply follows an instruction's effect on the stack. canonIn, when
// non-negative, is the lane shape whose pending results the instruction
// consumes harmlessly; site, when non-negative, the site of its result.
func (s *scanner) apply(e effect, canonIn siteKind, consumes bool, site int) {
	if e == flush {
		s.stack = s.stack[:0]
		return
	}
	for i := 0; i < int(e.pop); i++ {
		n := len(s.stack)
		if n == 0 {
			break // from before what we follow
		}
		v := s.stack[n-1]
		s.stack = s.stack[:n-1]
		if v > 0 && consumes && (*s.sites)[v-1].kind == canonIn {
			(*s.sites)[v-1].dead = true
		}
	}
	for i := 0; i < int(e.push); i++ {
		v := 0
		if site >= 0 {
			v = site + 1
		}
		s.stack = append(s.stack, v)
	}
	if len(s.stack) > 256 {
		s.stack = s.stack[:0] // deep stacks are not worth following
	}
}

func (s *scanner) run() error {
	r := &s.r
	sites := s.sites
	code := r.b
	for r.off < len(code) && r.err == nil {
		pos := r.off
		op := r.byte()
		switch op {
		case opF32Store, opI32ReinterpF32, opF32Copysign:
			*sites = append(*sites, site{pos: pos, kind: canonF32})
		case opF64Store, opI64ReinterpF64, opF64Copysign:
			*sites = append(*sites, site{pos: pos, kind: canonF64})
		case opMemoryGrow:
			*sites = append(*sites, site{pos: pos, kind: growBefore})
		}
		switch opImm[op] {
		case immBad:
			return fmt.Errorf("%w: opcode 0x%02x at byte %d of the function's code", ErrUnsupported, op, pos)
		case immNone:
		case immBlock:
			r.blockType()
		case immU32:
			idx := r.u32()
			// An index valid only with what the rewrite adds.
			if (op == opGlobalGet || op == opGlobalSet) && idx >= s.globals && r.err == nil {
				return fmt.Errorf("%w: global %d of %d", ErrMalformed, idx, s.globals)
			}
			if op >= opLocalGet && op <= opLocalTee && uint64(idx) >= s.locals && r.err == nil {
				return fmt.Errorf("%w: local %d of %d", ErrMalformed, idx, s.locals)
			}
			if op == opMemoryGrow && r.err == nil {
				*sites = append(*sites, site{pos: r.off, kind: growAfter})
			}
		case immU32x2:
			r.u32()
			r.u32()
		case immBrTable:
			n := r.u32()
			for i := uint32(0); i <= n && r.err == nil; i++ {
				r.u32()
			}
		case immMemarg:
			r.memarg()
		case immI32:
			r.sleb(5)
		case immI64:
			r.sleb(10)
		case immF32:
			r.bytes(4)
		case immF64:
			r.bytes(8)
		case immSelectT:
			if _, err := r.valtypes(); err != nil {
				return err
			}
		case immHeapType:
			r.sleb(5)
		case immPrefixFC:
			if err := scanFC(r, pos); err != nil {
				return err
			}
		case immPrefixFD:
			if err := s.simd(pos); err != nil {
				return err
			}
			continue
		}
		s.apply(opEffect[op], 0, false, -1)
	}
	if r.err != nil {
		return fmt.Errorf("%w: code: %v", ErrMalformed, r.err)
	}
	return nil
}

// scanFC reads the rest of a 0xfc-prefixed instruction.
func scanFC(r *reader, pos int) error {
	sub := r.u32()
	switch {
	case r.err != nil:
	case sub <= 7: // trunc_sat
	case sub == 8, sub == 10, sub == 12, sub == 14: // memory.init memory.copy table.init table.copy
		r.u32()
		r.u32()
	case sub <= 17: // data.drop memory.fill elem.drop table.grow table.size table.fill
		r.u32()
	default:
		return fmt.Errorf("%w: opcode 0xfc %d at byte %d of the function's code", ErrUnsupported, sub, pos)
	}
	return nil
}

// simd reads the rest of a SIMD instruction, notes its sites and follows
// its effect on the stack.
func (s *scanner) simd(pos int) error {
	r := &s.r
	sub := r.u32()
	if r.err != nil {
		return nil
	}
	switch sub {
	case simdF32x4Splat, simdF32x4ReplaceLane:
		*s.sites = append(*s.sites, site{pos: pos, kind: canonF32})
	case simdF64x2Splat, simdF64x2ReplaceLane:
		*s.sites = append(*s.sites, site{pos: pos, kind: canonF64})
	}
	switch {
	case sub <= 0x0b: // loads, v128.store
		r.memarg()
	case sub <= 0x0d: // v128.const, i8x16.shuffle
		r.bytes(16)
	case sub <= 0x14: // swizzle, splats
	case sub <= 0x22: // extract_lane, replace_lane
		r.bytes(1)
	case sub <= 0x53: // comparisons, bitwise
	case sub <= 0x5b: // load/store lane
		r.memarg()
		r.bytes(1)
	case sub <= 0x5d: // load32_zero load64_zero
		r.memarg()
	case sub <= 0x113: // arithmetic, conversions, relaxed SIMD
	default:
		return fmt.Errorf("%w: opcode 0xfd %d at byte %d of the function's code", ErrUnsupported, sub, pos)
	}
	if r.err != nil {
		return nil
	}
	e, ok := simdEff[sub]
	if !ok {
		e = flush
	}
	if k, ok := simdNaN[sub]; ok {
		*s.sites = append(*s.sites, site{pos: r.off, kind: k.out})
		s.apply(e, k.in, true, len(*s.sites)-1)
		return nil
	}
	s.apply(e, 0, false, -1)
	return nil
}
