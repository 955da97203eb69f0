//go:build cgo

package instrument

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// engine compiles without Cranelift's own NaN canonicalisation, as the
// sandbox does with rewritten modules.
func engine() *wasmtime.Engine {
	cfg := wasmtime.NewConfig()
	cfg.SetCraneliftNanCanonicalization(false)
	cfg.SetWasmRelaxedSIMDDeterministic(true)
	return wasmtime.NewEngineWithConfig(cfg)
}

func wat(t testing.TB, src string) []byte {
	t.Helper()
	b, err := wasmtime.Wat2Wasm(src)
	if err != nil {
		t.Fatalf("wat: %v\n%s", err, src)
	}
	return b
}

// TestSites: each instruction that exposes a NaN's bits gets exactly one
// canonicalisation, the others none, and the result stays valid. The
// snippets are assembled by wasmtime, so this also checks the opcode
// numbers in scan.go against the engine's own assembler.
func TestSites(t *testing.T) {
	f32 := "(f32.const 1)"
	f64 := "(f64.const 1)"
	v := "(v128.const i32x4 0 0 0 0)"
	type siteCase struct {
		body  string
		sites int
	}
	cases := []siteCase{
		{"(f32.store (i32.const 0) " + f32 + ")", 1},
		{"(f64.store (i32.const 0) " + f64 + ")", 1},
		{"(f64.store offset=8 align=4 (i32.const 0) " + f64 + ")", 1},
		{"(drop (i32.reinterpret_f32 " + f32 + "))", 1},
		{"(drop (i64.reinterpret_f64 " + f64 + "))", 1},
		{"(drop (f32.copysign " + f32 + " " + f32 + "))", 1},
		{"(drop (f64.copysign " + f64 + " " + f64 + "))", 1},
		{"(drop (f32x4.splat " + f32 + "))", 1},
		{"(drop (f64x2.splat " + f64 + "))", 1},
		{"(drop (f32x4.replace_lane 1 " + v + " " + f32 + "))", 1},
		{"(drop (f64x2.replace_lane 1 " + v + " " + f64 + "))", 1},
		// Seen only through a canonicalised store: nothing to do.
		{"(drop (f64.add " + f64 + " " + f64 + "))", 0},
		{"(drop (f64.div (f64.load (i32.const 0)) " + f64 + "))", 0},
		{"(drop (f32.demote_f64 " + f64 + "))", 0},
		{"(drop (f64.neg " + f64 + "))", 0},
		{"(drop (i64.trunc_sat_f64_s " + f64 + "))", 0},
		{"(drop (f64.max " + f64 + " " + f64 + "))", 0},
		{"(drop (f32x4.extract_lane 2 " + v + "))", 0},
		{"(i64.store (i32.const 0) (i64.const 1))", 0},
		{"(v128.store (i32.const 0) " + v + ")", 0},
		{"(drop (f32x4.abs " + v + "))", 0},
		{"(drop (f64x2.neg " + v + "))", 0},
		{"(drop (f32x4.pmin " + v + " " + v + "))", 0},
		{"(drop (f64x2.pmax " + v + " " + v + "))", 0},
		{"(drop (f32x4.eq " + v + " " + v + "))", 0},
		{"(drop (i32x4.trunc_sat_f32x4_s " + v + "))", 0},
		{"(drop (f32x4.convert_i32x4_s " + v + "))", 0},
		{"(memory.fill (i32.const 0) (i32.const 0) (i32.const 8))", 0},
		{"(drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 " + v + " " + v + "))", 0},
		{"(v128.store64_lane 1 (i32.const 0) " + v + ")", 0},
		{"(drop (v128.load32_zero (i32.const 0)))", 0},
		{"(drop (i32.const -1234567)) (drop (i64.const -1234567890123))", 0},
		{"(block $b (br_table $b $b $b (i32.const 1)))", 0},
		{"(drop (select (result f64) " + f64 + " " + f64 + " (i32.const 1)))", 0},
		{"(drop (ref.null func))", 0},
		// A vector result used only by a canonicalised vector operation of
		// the same shape needs nothing of its own, even across loads and
		// address arithmetic.
		{"(v128.store (i32.const 0) (f64x2.add (f64x2.mul " + v + " " + v + ") (v128.load (i32.add (local.get 1) (i32.const 16)))))", 1},
		{"(drop (f32x4.sqrt (f32x4.add (f32x4.mul " + v + " " + v + ") " + v + ")))", 1},
		{"(drop (f32x4.relaxed_madd (f32x4.mul " + v + " " + v + ") " + v + " (f32x4.sub " + v + " " + v + ")))", 1},
		{"(drop (f64x2.promote_low_f32x4 (f32x4.mul " + v + " " + v + ")))", 1},
		// ...but not by another shape, an operation that only moves bits,
		// a local, or across control flow.
		{"(drop (f32x4.add (f64x2.mul " + v + " " + v + ") " + v + "))", 2},
		{"(drop (f64x2.add (f64x2.neg (f64x2.mul " + v + " " + v + ")) " + v + "))", 2},
		{"(drop (f64x2.add (f64x2.pmin (f64x2.mul " + v + " " + v + ") " + v + ") " + v + "))", 2},
		{"(drop (f64x2.add (local.tee 3 (f64x2.mul " + v + " " + v + ")) " + v + "))", 2},
		{"(drop (f64x2.add (block (result v128) (f64x2.mul " + v + " " + v + ")) " + v + "))", 2},
		{"(drop (f64x2.add (select (f64x2.mul " + v + " " + v + ") " + v + " (i32.const 1)) " + v + "))", 2},
	}
	// Every vector operation that can make a NaN, by operand count.
	for arity, ops := range map[int][]string{
		1: {"ceil", "floor", "trunc", "nearest", "sqrt"},
		2: {"add", "sub", "mul", "div", "min", "max", "relaxed_min", "relaxed_max"},
		3: {"relaxed_madd", "relaxed_nmadd"},
	} {
		for _, op := range ops {
			for _, shape := range []string{"f32x4", "f64x2"} {
				cases = append(cases, siteCase{fmt.Sprintf("(drop (%s.%s%s))", shape, op, strings.Repeat(" "+v, arity)), 1})
			}
		}
	}
	cases = append(cases,
		siteCase{"(drop (f32x4.demote_f64x2_zero " + v + "))", 1},
		siteCase{"(drop (f64x2.promote_low_f32x4 " + v + "))", 1})

	e := engine()
	for _, c := range cases {
		t.Run(c.body, func(t *testing.T) {
			// A parameter and a local, so the new locals' indices matter.
			src := fmt.Sprintf(`(module (memory 1) (func (param f64) (local i32 f32 v128) %s))`, c.body)
			in := wat(t, src)
			out, st, err := Rewrite(in)
			if err != nil {
				t.Fatal(err)
			}
			if st.NaNSites != c.sites || st.Functions != 1 || st.GrowSites != 0 {
				t.Fatalf("stats %+v, want %d sites in 1 function", st, c.sites)
			}
			if c.sites == 0 && st.Changed != 0 {
				t.Fatalf("function with nothing to canonicalise changed")
			}
			if err := wasmtime.ModuleValidate(e, out); err != nil {
				t.Fatalf("rewritten module invalid: %v", err)
			}
		})
	}
}

// canonicalProgram computes NaNs in ways whose bits differ between CPUs
// (and from the canonical NaN on x86) and stores what a job could see of
// them, plus ordinary values that must pass through untouched.
const canonicalProgram = `(module
  (memory (export "memory") 1)
  (data (i32.const 512) "\01\00\00\00\00\00\f4\7f\01\00\00\00\00\00\f4\7f") ;; signalling NaNs with a payload
  (func $nan (result f64) (f64.div (f64.load (i32.const 600)) (f64.load (i32.const 600)))) ;; 0/0
  (func $nan32 (result f32) (f32.div (f32.load (i32.const 600)) (f32.load (i32.const 600))))
  (func (export "run")
    (f64.store (i32.const 0) (call $nan))
    (f32.store (i32.const 8) (call $nan32))
    (i64.store (i32.const 16) (i64.reinterpret_f64 (call $nan)))
    (i32.store (i32.const 24) (i32.reinterpret_f32 (call $nan32)))
    (f64.store (i32.const 32) (f64.copysign (f64.const 1) (call $nan)))
    (f32.store (i32.const 40) (f32.copysign (f32.const 1) (call $nan32)))
    (v128.store (i32.const 48) (f64x2.splat (call $nan)))
    (v128.store (i32.const 64) (f32x4.replace_lane 3 (v128.const f32x4 1 2 3 4) (call $nan32)))
    (v128.store (i32.const 80) (f32x4.div (v128.load (i32.const 600)) (v128.load (i32.const 600))))
    (v128.store (i32.const 96) (f64x2.add (v128.load (i32.const 512)) (v128.load (i32.const 512))))
    (f64.store (i32.const 112) (f64.add (f64.load (i32.const 512)) (f64.const 1)))
    ;; Ordinary values keep their bits.
    (f64.store (i32.const 128) (f64.sub (f64.const 0) (f64.const 0)))
    (f64.store (i32.const 136) (f64.neg (f64.const 0)))
    (f64.store (i32.const 144) (f64.div (f64.const 1) (f64.const 0)))
    (f64.store (i32.const 152) (f64.mul (f64.const 0x1p-1022) (f64.const 0x1p-30)))
    (f32.store (i32.const 160) (f32.const -1.5))
    (v128.store (i32.const 176) (f64x2.mul (v128.const f64x2 3 -0) (v128.const f64x2 0.5 7)))
    ;; Chains whose inner results are not canonicalised, only the last.
    (v128.store (i32.const 192) (f64x2.add (f64x2.mul (v128.load (i32.const 512)) (v128.const f64x2 1 1)) (v128.const f64x2 2 2)))
    (v128.store (i32.const 208) (f64x2.promote_low_f32x4 (f32x4.div (v128.load (i32.const 600)) (v128.load (i32.const 600)))))))`

func wantCanonical() []byte {
	b := make([]byte, 224)
	le := binary.LittleEndian
	cn64, cn32 := uint64(0x7ff8000000000000), uint32(0x7fc00000)
	le.PutUint64(b[0:], cn64)
	le.PutUint32(b[8:], cn32)
	le.PutUint64(b[16:], cn64)
	le.PutUint32(b[24:], cn32)
	le.PutUint64(b[32:], math.Float64bits(1))
	le.PutUint32(b[40:], math.Float32bits(1))
	le.PutUint64(b[48:], cn64)
	le.PutUint64(b[56:], cn64)
	le.PutUint32(b[64:], math.Float32bits(1))
	le.PutUint32(b[68:], math.Float32bits(2))
	le.PutUint32(b[72:], math.Float32bits(3))
	le.PutUint32(b[76:], cn32)
	for i := 80; i < 96; i += 4 {
		le.PutUint32(b[i:], cn32)
	}
	le.PutUint64(b[96:], cn64)
	le.PutUint64(b[104:], cn64)
	le.PutUint64(b[112:], cn64)
	le.PutUint64(b[128:], 0)
	le.PutUint64(b[136:], math.Float64bits(math.Copysign(0, -1)))
	le.PutUint64(b[144:], math.Float64bits(math.Inf(1)))
	le.PutUint64(b[152:], math.Float64bits(0x1p-1052))
	le.PutUint32(b[160:], math.Float32bits(-1.5))
	le.PutUint64(b[176:], math.Float64bits(1.5))
	le.PutUint64(b[184:], math.Float64bits(math.Copysign(0, -1)))
	for i := 192; i < 224; i += 8 {
		le.PutUint64(b[i:], cn64)
	}
	return b
}

// runMemory instantiates wasm, calls run and returns the first n bytes of
// its memory.
func runMemory(t *testing.T, e *wasmtime.Engine, wasm []byte, n int) []byte {
	t.Helper()
	m, err := wasmtime.NewModule(e, wasm)
	if err != nil {
		t.Fatal(err)
	}
	store := wasmtime.NewStore(e)
	inst, err := wasmtime.NewInstance(store, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inst.GetFunc(store, "run").Call(store); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), inst.GetExport(store, "memory").Memory().UnsafeData(store)[:n]...)
}

// TestCanonicalNaNs runs the program: rewritten, every NaN a job can see
// is the canonical one and ordinary values are untouched. On x86, whose
// NaNs differ from the canonical one, the original shows other bits: the
// rewrite is what makes the difference.
func TestCanonicalNaNs(t *testing.T) {
	in := wat(t, canonicalProgram)
	out, st, err := Rewrite(in)
	if err != nil {
		t.Fatal(err)
	}
	e := engine()
	want := wantCanonical()
	got := runMemory(t, e, out, len(want))
	for i := 0; i < len(want); i += 8 {
		if !bytes.Equal(got[i:i+8], want[i:i+8]) {
			t.Errorf("bytes %d-%d: %x, want %x", i, i+7, got[i:i+8], want[i:i+8])
		}
	}
	if st.NaNSites < 12 {
		t.Errorf("only %d sites", st.NaNSites)
	}
	if runtime.GOARCH == "amd64" {
		orig := runMemory(t, e, in, len(want))
		if bytes.Equal(orig[:128], want[:128]) || bytes.Equal(orig[192:], want[192:]) {
			t.Errorf("the original module already gives canonical NaNs: the test proves nothing")
		}
		if !bytes.Equal(orig[128:192], want[128:192]) {
			t.Errorf("ordinary values differ from the original's: %x vs %x", orig[128:192], want[128:192])
		}
	}

	// The same bits as Cranelift's own canonicalisation gives.
	cfg := wasmtime.NewConfig()
	cfg.SetCraneliftNanCanonicalization(true)
	if cl := runMemory(t, wasmtime.NewEngineWithConfig(cfg), in, len(want)); !bytes.Equal(cl, got) {
		t.Errorf("Cranelift's canonicalisation gives %x\nthe rewrite %x", cl, got)
	}
}

// TestNegatedNaN: a NaN negated before its store is stored canonical,
// where Cranelift's canonicalisation (of results) keeps the flipped sign.
func TestNegatedNaN(t *testing.T) {
	in := wat(t, `(module (memory (export "memory") 1)
	  (func (export "run")
	    (f64.store (i32.const 0) (f64.copysign
	      (f64.div (f64.load (i32.const 64)) (f64.load (i32.const 64))) (f64.const -1)))))`)
	out, _, err := Rewrite(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint64(runMemory(t, engine(), out, 8)); got != 0x7ff8000000000000 {
		t.Errorf("rewritten: %#x, want the canonical NaN", got)
	}
	cfg := wasmtime.NewConfig()
	cfg.SetCraneliftNanCanonicalization(true)
	if got := binary.LittleEndian.Uint64(runMemory(t, wasmtime.NewEngineWithConfig(cfg), in, 8)); got != 0xfff8000000000000 {
		t.Errorf("Cranelift's canonicalisation: %#x, want the canonical NaN negated", got)
	}
}

// minimal is a module with one function of type [] -> [] whose code is
// body (without the final end).
func minimal(body ...byte) []byte {
	code := append([]byte{0}, body...) // no locals
	code = append(code, 0x0b)
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, secType, 4, 1, 0x60, 0, 0)
	m = append(m, secFunction, 2, 1, 0)
	sec := appendU32([]byte{1}, uint32(len(code)))
	sec = append(sec, code...)
	m = append(m, secCode)
	m = appendU32(m, uint32(len(sec)))
	return append(m, sec...)
}

// TestRefuses: unknown instructions and types are refused as unsupported,
// broken encodings as malformed, never passed through or panicked on.
func TestRefuses(t *testing.T) {
	if _, _, err := Rewrite(minimal(0x01)); err != nil {
		t.Fatalf("nop: %v", err)
	}
	for name, c := range map[string]struct {
		wasm []byte
		want error
	}{
		"exceptions try":      {minimal(0x06, 0x40, 0x0b), ErrUnsupported},
		"try_table":           {minimal(0x1f, 0x40, 0x00, 0x0b), ErrUnsupported},
		"GC prefix":           {minimal(0xfb, 0x00, 0x00), ErrUnsupported},
		"threads prefix":      {minimal(0xfe, 0x03, 0x00), ErrUnsupported},
		"wide arithmetic":     {minimal(0xfc, 0x13), ErrUnsupported},
		"SIMD past relaxed":   {minimal(0xfd, 0x80, 0x03), ErrUnsupported},
		"GC type":             {[]byte("\x00asm\x01\x00\x00\x00\x01\x03\x01\x5f\x00"), ErrUnsupported},
		"typed reference":     {[]byte("\x00asm\x01\x00\x00\x00\x01\x06\x01\x60\x01\x63\x70\x00"), ErrUnsupported},
		"no header":           {[]byte("\x01asm\x01\x00\x00\x00"), ErrMalformed},
		"component":           {[]byte("\x00asm\x0d\x00\x01\x00"), ErrUnsupported},
		"truncated immediate": {minimal(0x44, 0x00)[:30], ErrMalformed},
		"overlong LEB":        {minimal(0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), ErrMalformed},
		"u32 too large":       {minimal(0x10, 0xff, 0xff, 0xff, 0xff, 0x7f), ErrMalformed},
		"bodies ≠ functions":  {[]byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x01\x00"), ErrMalformed},
	} {
		_, _, err := Rewrite(c.wasm)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", name, err, c.want)
		}
	}
}

// TestTruncated: every prefix of a real module fails cleanly or (cut
// between sections) rewrites; none panics.
func TestTruncated(t *testing.T) {
	in := wat(t, canonicalProgram)
	for n := 0; n < len(in); n++ {
		Rewrite(in[:n])
	}
}

var (
	goGuestOnce sync.Once
	goGuest     []byte
	goGuestErr  error
)

// buildGoGuest builds the sandbox's hostile guest (a real Go program,
// ~3 MB of wasm) once per test binary.
func buildGoGuest(tb testing.TB) []byte {
	tb.Helper()
	goGuestOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			goGuestErr = err
			return
		}
		dir, err := os.MkdirTemp("", "instrument-test-")
		if err != nil {
			goGuestErr = err
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "g.wasm")
		cmd := exec.Command(gobin, "build", "-o", out, "../testdata/guests/hostile")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			goGuestErr = fmt.Errorf("%v\n%s", err, b)
			return
		}
		goGuest, goGuestErr = os.ReadFile(out)
	})
	if goGuestErr != nil {
		tb.Fatal(goGuestErr)
	}
	return goGuest
}

// TestGoModule: a whole Go program (the runtime, fmt, strconv's float
// formatting) rewrites into a valid module. The sandbox's own suite runs
// such programs rewritten.
func TestGoModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go guest")
	}
	in := buildGoGuest(t)
	out, st, err := Rewrite(in)
	if err != nil {
		t.Fatal(err)
	}
	if st.NaNSites == 0 || st.GrowSites == 0 || st.Changed == 0 || st.Changed > st.Functions {
		t.Fatalf("stats %+v", st)
	}
	if err := wasmtime.ModuleValidate(engine(), out); err != nil {
		t.Fatalf("rewritten Go module invalid: %v", err)
	}
	t.Logf("%d of %d functions changed, %d NaN sites, %d memory.grow sites, %d -> %d bytes", st.Changed, st.Functions, st.NaNSites, st.GrowSites, len(in), len(out))
}

// FuzzRewrite: whatever the input, Rewrite does not panic, and when it
// succeeds the result is valid exactly when the input is.
func FuzzRewrite(f *testing.F) {
	f.Add(wat(f, canonicalProgram))
	f.Add(minimal(0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0x1a))
	f.Add(wat(f, `(module (memory 1) (func (param f32) (local v128)
	  (block (result f32) (local.get 0) (br 0))
	  (f32.store (i32.const 0) (f32.add (local.get 0)))
	  (local.set 1 (f32x4.splat (local.get 0)))
	  (v128.store (i32.const 0) (f32x4.mul (local.get 1) (local.get 1)))
	  unreachable (f64.store)))`))
	e := engine()
	f.Fuzz(func(t *testing.T, in []byte) {
		out, _, err := Rewrite(in)
		if err != nil {
			return
		}
		ein, eout := wasmtime.ModuleValidate(e, in), wasmtime.ModuleValidate(e, out)
		if (ein == nil) != (eout == nil) {
			t.Fatalf("original valid: %v (%v), rewritten valid: %v (%v)", ein == nil, ein, eout == nil, eout)
		}
	})
}

func BenchmarkRewriteGoModule(b *testing.B) {
	in := buildGoGuest(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Rewrite(in); err != nil {
			b.Fatal(err)
		}
	}
}
