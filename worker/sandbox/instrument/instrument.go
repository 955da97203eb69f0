// Package instrument rewrites a job's WebAssembly module before the
// sandbox compiles it, for two things the engine cannot do cheaply or at
// all: NaNs that are the same on every CPU, and knowing that a job failed
// because its memory.grow was refused.
//
// # NaNs
//
// WebAssembly pins every float result to IEEE 754 except one thing: when
// an operation produces a NaN, its sign and payload are left to the
// hardware (x86 sets the sign bit, Arm does not). Two honest nodes on
// different CPUs could then return different bytes for the same job, and
// the network could not compare their results. Cranelift can canonicalise
// the result of every float operation, but that costs a compare and a
// select on each one: 2.9x native time instead of 1.06x on a Mandelbrot
// kernel whose inner loop is all float arithmetic.
//
// A NaN's bits only matter where they can be seen. A scalar f32 or f64
// becomes visible when it is stored to memory, reinterpreted as an
// integer, gives f32/f64.copysign its sign, or is put into a vector
// (splat, replace_lane); everywhere else (arithmetic, comparisons,
// conversions to integers, locals, globals, calls within the module) its
// bits are either never observed or only its NaN-ness is, which is the
// same on every CPU. The rewrite inserts, right before each of those
// instructions, a canonicalisation of the operand on top of the stack:
//
//	local.tee $t  f64.const nan  local.get $t  local.get $t  f64.eq  select
//
// which turns any NaN into the canonical quiet NaN (0x7ff8000000000000,
// 0x7fc00000 for f32) and leaves every other value alone. A vector has no
// type, so a float vector result is canonicalised right after each vector
// operation that can produce a new NaN (arithmetic, sqrt, rounding, min and
// max, conversions between widths, relaxed fused multiply-add), with
// f32x4.eq/f64x2.eq and v128.bitselect, unless its only use is another
// such operation of the same lane shape (a NaN in gives a NaN out, which
// is canonicalised there). Vector abs, neg, pmin and pmax only move bits
// and need nothing. Every NaN a job stores is therefore the canonical one.
// Cranelift's own canonicalisation gives the same bytes but for one case:
// it canonicalises results, so a NaN it has canonicalised and then
// negated (neg, abs, copysign) is stored with its sign flipped; the
// rewrite stores the canonical NaN. Both are the same on every CPU.
//
// Host functions are not an escape: the sandbox offers only WASI preview 1,
// which takes no float parameters, and reads no exported float.
//
// # Refused memory.grow
//
// The sandbox caps a job's memory by refusing memory.grow (it returns -1),
// which the job usually turns into a crash or an exit code of its own.
// Each memory.grow is followed by a check that stores the requested page
// count in a new exported global, GrowRefusedExport, when the grow
// returned -1, so the sandbox can say "memory limit" with certainty.
//
// # Validity
//
// The inserted code takes a value of the type the instruction consumes and
// leaves one of the same type, and every index in the original code is
// checked against the original module, so the rewritten module is valid
// exactly when the original is; the engine validates it as usual. A
// function gains at most five locals (f32, f64, v128 and two i32).
//
// Anything the rewrite does not know (GC, exceptions, threads, memory64,
// stack switching, wide arithmetic: features the sandbox's engine has
// turned off) is refused with ErrUnsupported rather than passed through
// unexamined.
package instrument

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Errors. A malformed module is ErrMalformed; a well-formed one using a
// feature this package does not rewrite is ErrUnsupported.
var (
	ErrMalformed   = errors.New("malformed WebAssembly module")
	ErrUnsupported = errors.New("WebAssembly feature not supported")
)

// Version names the rewrite; it belongs in any cache key of compiled
// rewritten modules.
const Version = "instrument-2"

// GrowRefusedExport names the mutable i32 global the rewrite adds and
// exports: 0, or the page count (as uint32) that the last refused
// memory.grow asked for.
const GrowRefusedExport = "idlenode:grow-refused"

// Stats describes a rewrite.
type Stats struct {
	Functions int // function bodies
	Changed   int // of which changed
	NaNSites  int // canonicalisations inserted
	GrowSites int // memory.grow checks inserted
}

// Section ids, and their required order in a module.
const (
	secCustom   = 0
	secType     = 1
	secImport   = 2
	secFunction = 3
	secMemory   = 5
	secGlobal   = 6
	secExport   = 7
	secCode     = 10
)

var sectionRank = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

type section struct {
	id         byte
	start, end int    // the whole section in the module
	body       []byte // its contents
}

// module is what the rewrite needs to know of a module.
type module struct {
	params    []uint32 // parameter count per type index
	funcTypes []uint32 // type index per defined function
	globals   uint32   // imported and defined
	defined   uint32   // defined globals
	exports   uint32
	hasGlobal bool
	hasExport bool
}

// Rewrite returns wasm instrumented (see the package documentation). The
// input is not modified.
func Rewrite(wasm []byte) ([]byte, Stats, error) {
	var st Stats
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" {
		return nil, st, fmt.Errorf("%w: no \\0asm header", ErrMalformed)
	}
	if v := binary.LittleEndian.Uint32(wasm[4:8]); v != 1 {
		return nil, st, fmt.Errorf("%w: binary version %d", ErrUnsupported, v)
	}
	var secs []section
	r := &reader{b: wasm, off: 8}
	last := 0
	for r.off < len(wasm) {
		start := r.off
		id := r.byte()
		size := r.u32()
		body := r.bytes(int(size))
		if r.err != nil {
			return nil, st, fmt.Errorf("%w: section at byte %d: %v", ErrMalformed, start, r.err)
		}
		if id != secCustom {
			rank, ok := sectionRank[id]
			if !ok {
				return nil, st, fmt.Errorf("%w: section id %d", ErrUnsupported, id)
			}
			if rank <= last {
				return nil, st, fmt.Errorf("%w: section %d out of order", ErrMalformed, id)
			}
			last = rank
		}
		secs = append(secs, section{id, start, r.off, body})
	}

	var m module
	for _, s := range secs {
		var err error
		switch s.id {
		case secType:
			m.params, err = parseTypes(s.body)
		case secImport:
			m.globals, err = parseImports(s.body)
		case secFunction:
			m.funcTypes, err = parseFunctions(s.body)
		case secMemory:
			err = parseMemories(s.body)
		case secGlobal:
			m.hasGlobal = true
			m.defined, err = parseGlobals(s.body)
		case secExport:
			m.hasExport = true
			m.exports, err = parseExports(s.body, m.globals+m.defined)
		}
		if err != nil {
			return nil, st, err
		}
	}
	m.globals += m.defined
	if m.globals == 1<<32-1 || m.exports == 1<<32-1 {
		return nil, st, fmt.Errorf("%w: too many globals or exports", ErrMalformed)
	}

	out := make([]byte, 0, len(wasm)+len(wasm)/8+64)
	out = append(out, wasm[:8]...)
	// A module without a global or export section gets one where it
	// belongs: before the first section that must follow it.
	addMissing := func(beforeRank int) {
		if !m.hasGlobal && beforeRank > sectionRank[secGlobal] {
			out = appendSection(out, secGlobal, m.globalSection(nil))
			m.hasGlobal = true
		}
		if !m.hasExport && beforeRank > sectionRank[secExport] {
			out = appendSection(out, secExport, m.exportSection(nil))
			m.hasExport = true
		}
	}
	sawCode := false
	for _, s := range secs {
		if s.id != secCustom {
			addMissing(sectionRank[s.id])
		}
		switch s.id {
		case secGlobal:
			out = appendSection(out, secGlobal, m.globalSection(s.body))
		case secExport:
			out = appendSection(out, secExport, m.exportSection(s.body))
		case secCode: // at most one: sections are in strict order
			sawCode = true
			code, err := m.rewriteCode(s.body, s.end-len(s.body), &st)
			if err != nil {
				return nil, st, err
			}
			out = appendSection(out, secCode, code)
		default:
			out = append(out, wasm[s.start:s.end]...)
		}
	}
	addMissing(math.MaxInt)
	if !sawCode && len(m.funcTypes) > 0 {
		return nil, st, fmt.Errorf("%w: functions declared but no code section", ErrMalformed)
	}
	return out, st, nil
}

func appendSection(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = appendU32(b, uint32(len(body)))
	return append(b, body...)
}

// globalSection is the global section body with the grow-refused global
// appended (body nil: the section is new).
func (m *module) globalSection(body []byte) []byte {
	b := appendU32(nil, m.defined+1)
	if body != nil {
		r := &reader{b: body}
		r.u32()
		b = append(b, body[r.off:]...)
	}
	return append(b, 0x7f, 0x01, 0x41, 0x00, 0x0b) // mut i32 = i32.const 0
}

// growGlobal is the index of the grow-refused global.
func (m *module) growGlobal() uint32 { return m.globals }

// exportSection is the export section body with the grow-refused global's
// export appended (body nil: the section is new).
func (m *module) exportSection(body []byte) []byte {
	b := appendU32(nil, m.exports+1)
	if body != nil {
		r := &reader{b: body}
		r.u32()
		b = append(b, body[r.off:]...)
	}
	b = appendU32(b, uint32(len(GrowRefusedExport)))
	b = append(b, GrowRefusedExport...)
	b = append(b, 0x03) // global
	return appendU32(b, m.growGlobal())
}

// parseGlobals counts the globals a module defines, reading each in full:
// what the rewrite appends must not run on from a malformed entry.
func parseGlobals(b []byte) (uint32, error) {
	r := &reader{b: b}
	n := r.count()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if err := r.valtype(); err != nil {
			return 0, err
		}
		r.byte() // mutability
		if err := r.constExpr(); err != nil {
			return 0, err
		}
	}
	return n, r.end("global")
}

// constExpr reads a constant expression up to its end.
func (r *reader) constExpr() error {
	for r.err == nil {
		switch op := r.byte(); op {
		case 0x0b: // end
			return nil
		case 0x41:
			r.sleb(5)
		case 0x42:
			r.sleb(10)
		case 0x43:
			r.bytes(4)
		case 0x44:
			r.bytes(8)
		case 0x23, 0xd2: // global.get ref.func
			r.u32()
		case 0xd0: // ref.null
			r.sleb(5)
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constants: add sub mul
		case 0xfd: // v128.const
			if sub := r.u32(); sub != 0x0c && r.err == nil {
				return fmt.Errorf("%w: opcode 0xfd %d in a constant expression", ErrUnsupported, sub)
			}
			r.bytes(16)
		default:
			if r.err == nil {
				return fmt.Errorf("%w: opcode 0x%02x in a constant expression", ErrUnsupported, op)
			}
		}
	}
	return nil
}

// limits reads table or memory limits; 64-bit indices and custom page
// sizes are unsupported.
func (r *reader) limits() error {
	flags := r.byte()
	if r.err != nil {
		return nil
	}
	if flags&^0x03 != 0 {
		return fmt.Errorf("%w: limits flags 0x%02x (memory64 or custom page sizes)", ErrUnsupported, flags)
	}
	r.u32()
	if flags&1 != 0 {
		r.u32()
	}
	return nil
}

// parseImports returns the number of imported globals.
func parseImports(b []byte) (uint32, error) {
	r := &reader{b: b}
	n := r.count()
	var globals uint32
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.bytes(int(r.u32())) // module
		r.bytes(int(r.u32())) // name
		switch kind := r.byte(); kind {
		case 0x00: // function
			r.u32()
		case 0x01: // table
			if err := r.valtype(); err != nil {
				return 0, err
			}
			if err := r.limits(); err != nil {
				return 0, err
			}
		case 0x02: // memory
			if err := r.limits(); err != nil {
				return 0, err
			}
		case 0x03: // global
			if err := r.valtype(); err != nil {
				return 0, err
			}
			r.byte()
			globals++
		default:
			if r.err == nil {
				return 0, fmt.Errorf("%w: import kind 0x%02x", ErrUnsupported, kind)
			}
		}
	}
	return globals, r.end("import")
}

// parseExports counts the exports and checks that those of globals name
// one of the module's own (the rewrite adds one).
func parseExports(b []byte, globals uint32) (uint32, error) {
	r := &reader{b: b}
	n := r.count()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if name := r.bytes(int(r.u32())); string(name) == GrowRefusedExport {
			return 0, fmt.Errorf("%w: the module exports %q, a name the sandbox reserves", ErrUnsupported, GrowRefusedExport)
		}
		kind := r.byte()
		if idx := r.u32(); kind == 0x03 && idx >= globals && r.err == nil {
			return 0, fmt.Errorf("%w: export of global %d of %d", ErrMalformed, idx, globals)
		}
	}
	return n, r.end("export")
}

// parseMemories checks the memory section for unsupported memory types.
func parseMemories(b []byte) error {
	r := &reader{b: b}
	n := r.count()
	for i := uint32(0); i < n && r.err == nil; i++ {
		if err := r.limits(); err != nil {
			return err
		}
	}
	return r.end("memory")
}

// parseTypes returns the parameter count of each function type.
func parseTypes(b []byte) ([]uint32, error) {
	r := &reader{b: b}
	n := r.count()
	params := make([]uint32, 0, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		if form := r.byte(); form != 0x60 && r.err == nil {
			return nil, fmt.Errorf("%w: type %d has form 0x%02x (GC types)", ErrUnsupported, i, form)
		}
		np, err := r.valtypes()
		if err != nil {
			return nil, err
		}
		if _, err := r.valtypes(); err != nil {
			return nil, err
		}
		params = append(params, np)
	}
	return params, r.end("type")
}

// parseFunctions returns the type index of each function defined in the
// module.
func parseFunctions(b []byte) ([]uint32, error) {
	r := &reader{b: b}
	n := r.count()
	types := make([]uint32, 0, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		types = append(types, r.u32())
	}
	if err := r.end("function"); err != nil {
		return nil, err
	}
	return types, nil
}

// rewriteCode rewrites the code section's contents b, which start at byte
// base of the module (for error messages).
func (m *module) rewriteCode(b []byte, base int, st *Stats) ([]byte, error) {
	r := &reader{b: b}
	n := r.u32()
	if r.err == nil && int(n) != len(m.funcTypes) {
		return nil, fmt.Errorf("%w: %d function bodies for %d functions", ErrMalformed, n, len(m.funcTypes))
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	out = appendU32(out, n)
	w := bodyWriter{globals: m.globals, growGlobal: m.growGlobal()}
	for i := uint32(0); i < n && r.err == nil; i++ {
		size := r.u32()
		at := r.off
		body := r.bytes(int(size))
		if r.err != nil {
			break
		}
		ti := m.funcTypes[i]
		if int(ti) >= len(m.params) {
			return nil, fmt.Errorf("%w: function %d has type %d of %d", ErrMalformed, i, ti, len(m.params))
		}
		nb, err := w.rewrite(body, m.params[ti], st)
		if err != nil {
			return nil, fmt.Errorf("function %d (byte %d): %w", i, base+at, err)
		}
		out = appendU32(out, uint32(len(nb)))
		out = append(out, nb...)
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: code section: %v", ErrMalformed, r.err)
	}
	if r.off != len(b) {
		return nil, fmt.Errorf("%w: %d stray bytes after the code section", ErrMalformed, len(b)-r.off)
	}
	return out, nil
}

// What to insert, and where.
type siteKind uint8

const (
	canonF32   siteKind = iota // before the instruction: the f32 on top
	canonF64                   // before: the f64 on top
	canonF32x4                 // after: the v128 on top, as f32x4
	canonF64x2                 // after: the v128 on top, as f64x2
	growBefore                 // before memory.grow: keep the page count
	growAfter                  // after memory.grow: record a refusal
	numSiteKinds
)

type site struct {
	pos  int // offset in the instruction bytes
	kind siteKind
	dead bool // found unneeded
}

// Scratch locals the sites use, one of each.
const (
	localF32 = iota
	localF64
	localV128
	localDelta
	localResult
	numLocals
)

var localType = [numLocals]byte{0x7d, 0x7c, 0x7b, 0x7f, 0x7f}

// localsOf lists the scratch locals a kind of site uses.
var localsOf = [numSiteKinds][]int{
	canonF32:   {localF32},
	canonF64:   {localF64},
	canonF32x4: {localV128},
	canonF64x2: {localV128},
	growBefore: {localDelta},
	growAfter:  {localDelta, localResult},
}

// bodyWriter rewrites function bodies, reusing its site list.
type bodyWriter struct {
	globals    uint32 // in the original module
	growGlobal uint32
	sites      []site
}

// rewrite returns body (locals and code) with the sites' code inserted.
// An unchanged body is returned as is.
func (w *bodyWriter) rewrite(body []byte, nparams uint32, st *Stats) ([]byte, error) {
	r := &reader{b: body}
	groups := r.u32()
	decls := r.off
	total := uint64(nparams)
	for g := uint32(0); g < groups && r.err == nil; g++ {
		total += uint64(r.u32())
		if err := r.valtype(); err != nil {
			return nil, err
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: locals: %v", ErrMalformed, r.err)
	}
	if total > 1<<32-numLocals-1 {
		return nil, fmt.Errorf("%w: %d locals", ErrMalformed, total)
	}
	code := body[r.off:]
	w.sites = w.sites[:0]
	if err := scan(code, w.globals, total, &w.sites); err != nil {
		return nil, err
	}
	st.Functions++
	if len(w.sites) == 0 {
		return body, nil
	}
	st.Changed++

	// One new local of each type the sites need, after all others.
	var used [numLocals]bool
	for _, s := range w.sites {
		for _, l := range localsOf[s.kind] {
			used[l] = true
		}
		if s.kind == growAfter {
			st.GrowSites++
		} else if s.kind != growBefore {
			st.NaNSites++
		}
	}
	var local [numLocals]uint32
	added := uint32(0)
	for l := range local {
		if used[l] {
			local[l] = uint32(total) + added
			added++
		}
	}

	out := make([]byte, 0, len(body)+40*len(w.sites)) // a site adds at most 40 bytes
	out = appendU32(out, groups+added)
	out = append(out, body[decls:r.off]...)
	for l := range local {
		if used[l] {
			out = append(out, 1, localType[l])
		}
	}
	last := 0
	for _, s := range w.sites {
		out = append(out, code[last:s.pos]...)
		last = s.pos
		if s.kind == growBefore || s.kind == growAfter {
			out = w.appendGrow(out, s.kind, local)
		} else {
			out = appendCanon(out, s.kind, local)
		}
	}
	return append(out, code[last:]...), nil
}

// appendGrow appends the memory.grow check: before it, keep the page
// count; after it, store that count in the grow-refused global when the
// result is -1, leaving the result on the stack.
func (w *bodyWriter) appendGrow(b []byte, k siteKind, local [numLocals]uint32) []byte {
	if k == growBefore {
		return appendU32(append(b, 0x22), local[localDelta]) // local.tee $delta
	}
	b = appendU32(append(b, 0x22), local[localResult]) // local.tee $result
	b = append(b, 0x41, 0x7f, 0x46, 0x04, 0x40)        // i32.const -1  i32.eq  if
	b = appendU32(append(b, 0x20), local[localDelta])  // local.get $delta
	b = appendU32(append(b, 0x24), w.growGlobal)       // global.set $refused
	b = append(b, 0x0b)                                // end
	return appendU32(append(b, 0x20), local[localResult])
}
