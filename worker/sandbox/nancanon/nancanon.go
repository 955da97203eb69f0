// Package nancanon rewrites a WebAssembly module so that its floating-point
// results are bit-identical on every CPU, at a fraction of the cost of
// canonicalising every arithmetic result.
//
// # Why
//
// WebAssembly pins every float result to IEEE 754 except one thing: when
// an operation produces a NaN, its sign and payload are left to the
// hardware (x86 sets the sign bit, Arm does not). Two honest nodes on
// different CPUs could then return different bytes for the same job, and
// the network could not compare their results. Cranelift can canonicalise
// the result of every float operation, but that costs a compare and a
// select on each one: 2.8x native time instead of 1.4x on a Mandelbrot
// kernel whose inner loop is all float arithmetic.
//
// # How
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
// f32x4.eq/f64x2.eq and v128.bitselect. Vector abs, neg, pmin and pmax only
// move bits and need nothing.
//
// Host functions are not an escape: the sandbox offers only WASI preview 1,
// which takes no float parameters, and reads no exported float.
//
// The inserted code takes a value of the type the instruction consumes and
// leaves one of the same type, so the rewritten module is valid exactly
// when the original is; the engine validates it as usual. It adds at most
// three locals to a function (one each of f32, f64, v128).
//
// Anything the rewrite does not know (GC, exceptions, threads, stack
// switching, wide arithmetic: features the sandbox's engine has turned off)
// is refused with ErrUnsupported rather than passed through unexamined.
package nancanon

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Errors. A malformed module is ErrMalformed; a well-formed one using a
// feature this package does not rewrite is ErrUnsupported.
var (
	ErrMalformed   = errors.New("malformed WebAssembly module")
	ErrUnsupported = errors.New("WebAssembly feature not supported")
)

// Version names the rewrite; it belongs in any cache key of compiled
// rewritten modules.
const Version = "nancanon-1"

// Stats describes a rewrite.
type Stats struct {
	Functions int // function bodies
	Changed   int // of which changed
	Sites     int // canonicalisations inserted
}

// Section ids.
const (
	secType     = 1
	secFunction = 3
	secCode     = 10
)

// Rewrite returns wasm with NaN canonicalisation inserted (see the package
// documentation). The input is not modified. A module without float
// stores, reinterpretations or float vector operations comes back
// unchanged (a copy).
func Rewrite(wasm []byte) ([]byte, Stats, error) {
	var st Stats
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" {
		return nil, st, fmt.Errorf("%w: no \\0asm header", ErrMalformed)
	}
	if v := binary.LittleEndian.Uint32(wasm[4:8]); v != 1 {
		return nil, st, fmt.Errorf("%w: binary version %d", ErrUnsupported, v)
	}
	out := make([]byte, 0, len(wasm)+len(wasm)/8)
	out = append(out, wasm[:8]...)

	var params []uint32 // parameter count per type index
	var funcTypes []uint32
	sawCode := false
	r := &reader{b: wasm, off: 8}
	for r.off < len(wasm) {
		start := r.off
		id := r.byte()
		size := r.u32()
		body := r.bytes(int(size))
		if r.err != nil {
			return nil, st, fmt.Errorf("%w: section at byte %d: %v", ErrMalformed, start, r.err)
		}
		var err error
		switch id {
		case secType:
			params, err = parseTypes(body)
		case secFunction:
			funcTypes, err = parseFunctions(body)
		case secCode:
			if sawCode {
				return nil, st, fmt.Errorf("%w: two code sections", ErrMalformed)
			}
			sawCode = true
			var code []byte
			code, err = rewriteCode(body, r.off-len(body), params, funcTypes, &st)
			if err == nil {
				out = append(out, secCode)
				out = appendU32(out, uint32(len(code)))
				out = append(out, code...)
				continue
			}
		}
		if err != nil {
			return nil, st, err
		}
		out = append(out, wasm[start:r.off]...)
	}
	if !sawCode && len(funcTypes) > 0 {
		return nil, st, fmt.Errorf("%w: functions declared but no code section", ErrMalformed)
	}
	return out, st, nil
}

// parseTypes returns the parameter count of each function type.
func parseTypes(b []byte) ([]uint32, error) {
	r := &reader{b: b}
	n := r.u32()
	if r.err == nil && int64(n) > int64(len(b)) {
		r.fail("type count %d", n)
	}
	params := make([]uint32, 0, min(int(n), len(b)))
	for i := uint32(0); i < n && r.err == nil; i++ {
		if form := r.byte(); form != 0x60 && r.err == nil {
			return nil, fmt.Errorf("%w: type %d has form 0x%02x (GC types)", ErrUnsupported, i, form)
		}
		np := r.u32()
		for j := uint32(0); j < np && r.err == nil; j++ {
			if err := r.valtype(); err != nil {
				return nil, err
			}
		}
		nr := r.u32()
		for j := uint32(0); j < nr && r.err == nil; j++ {
			if err := r.valtype(); err != nil {
				return nil, err
			}
		}
		params = append(params, np)
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: type section: %v", ErrMalformed, r.err)
	}
	return params, nil
}

// parseFunctions returns the type index of each function defined in the
// module.
func parseFunctions(b []byte) ([]uint32, error) {
	r := &reader{b: b}
	n := r.u32()
	if r.err == nil && int64(n) > int64(len(b)) {
		r.fail("function count %d", n)
	}
	types := make([]uint32, 0, min(int(n), len(b)))
	for i := uint32(0); i < n && r.err == nil; i++ {
		types = append(types, r.u32())
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: function section: %v", ErrMalformed, r.err)
	}
	return types, nil
}

// rewriteCode rewrites the code section's contents b, which start at byte
// base of the module (for error messages).
func rewriteCode(b []byte, base int, params, funcTypes []uint32, st *Stats) ([]byte, error) {
	r := &reader{b: b}
	n := r.u32()
	if r.err == nil && int(n) != len(funcTypes) {
		return nil, fmt.Errorf("%w: %d function bodies for %d functions", ErrMalformed, n, len(funcTypes))
	}
	out := make([]byte, 0, len(b)+len(b)/8)
	out = appendU32(out, n)
	var w bodyWriter
	for i := uint32(0); i < n && r.err == nil; i++ {
		size := r.u32()
		at := r.off
		body := r.bytes(int(size))
		if r.err != nil {
			break
		}
		ti := funcTypes[i]
		if int(ti) >= len(params) {
			return nil, fmt.Errorf("%w: function %d has type %d of %d", ErrMalformed, i, ti, len(params))
		}
		nb, sites, err := w.rewrite(body, params[ti])
		if err != nil {
			return nil, fmt.Errorf("function %d (byte %d): %w", i, base+at, err)
		}
		st.Functions++
		if sites > 0 {
			st.Changed++
			st.Sites += sites
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
)

type site struct {
	pos  int // offset in the instruction bytes
	kind siteKind
	dead bool // found unneeded
}

// bodyWriter rewrites function bodies, reusing its buffers.
type bodyWriter struct {
	sites []site
	out   []byte
}

// rewrite returns body (locals and code) with the canonicalisations
// inserted, and how many. An unchanged body is returned as is.
func (w *bodyWriter) rewrite(body []byte, nparams uint32) ([]byte, int, error) {
	r := &reader{b: body}
	groups := r.u32()
	decls := r.off
	total := uint64(nparams)
	for g := uint32(0); g < groups && r.err == nil; g++ {
		total += uint64(r.u32())
		if err := r.valtype(); err != nil {
			return nil, 0, err
		}
	}
	if r.err != nil {
		return nil, 0, fmt.Errorf("%w: locals: %v", ErrMalformed, r.err)
	}
	if total > 1<<32-4 {
		return nil, 0, fmt.Errorf("%w: %d locals", ErrMalformed, total)
	}
	code := body[r.off:]
	w.sites = w.sites[:0]
	if err := scan(code, &w.sites); err != nil {
		return nil, 0, err
	}
	if len(w.sites) == 0 {
		return body, 0, nil
	}

	// One new local of each type the sites need, after all others.
	var need [4]bool
	for _, s := range w.sites {
		need[s.kind] = true
	}
	var local [3]uint32 // f32, f64, v128
	kinds := []struct {
		used bool
		vt   byte
	}{{need[canonF32], 0x7d}, {need[canonF64], 0x7c}, {need[canonF32x4] || need[canonF64x2], 0x7b}}
	added := uint32(0)
	next := uint32(total)
	for k, t := range kinds {
		if t.used {
			local[k] = next
			next++
			added++
		}
	}

	out := w.out[:0]
	out = appendU32(out, groups+added)
	out = append(out, body[decls:r.off]...)
	for _, t := range kinds {
		if t.used {
			out = append(out, 1, t.vt)
		}
	}
	last := 0
	for _, s := range w.sites {
		out = append(out, code[last:s.pos]...)
		last = s.pos
		out = appendCanon(out, s.kind, local)
	}
	out = append(out, code[last:]...)
	w.out = out
	return append([]byte(nil), out...), len(w.sites), nil
}

// appendCanon appends the canonicalisation of the value on top of the
// stack; local holds the scratch locals (f32, f64, v128).
func appendCanon(b []byte, k siteKind, local [3]uint32) []byte {
	tee := func(b []byte, l uint32) []byte { return appendU32(append(b, 0x22), l) }
	get := func(b []byte, l uint32) []byte { return appendU32(append(b, 0x20), l) }
	switch k {
	case canonF32:
		b = tee(b, local[0])
		b = append(b, 0x43, 0x00, 0x00, 0xc0, 0x7f) // f32.const nan
		b = get(get(b, local[0]), local[0])
		return append(b, 0x5b, 0x1b) // f32.eq select
	case canonF64:
		b = tee(b, local[1])
		b = append(b, 0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f) // f64.const nan
		b = get(get(b, local[1]), local[1])
		return append(b, 0x61, 0x1b) // f64.eq select
	default:
		b = tee(b, local[2])
		b = append(b, 0xfd, 0x0c) // v128.const
		eq := byte(0x41)          // f32x4.eq
		if k == canonF32x4 {
			for i := 0; i < 4; i++ {
				b = append(b, 0x00, 0x00, 0xc0, 0x7f)
			}
		} else {
			eq = 0x47 // f64x2.eq
			for i := 0; i < 2; i++ {
				b = append(b, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f)
			}
		}
		b = get(get(b, local[2]), local[2])
		return append(b, 0xfd, eq, 0xfd, 0x52) // fNxM.eq v128.bitselect
	}
}
