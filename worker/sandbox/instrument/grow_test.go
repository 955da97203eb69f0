//go:build cgo

package instrument

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// growProgram grows its memory by the page count it is given, stores what
// memory.grow returned at address 0 and returns the value of an ordinary
// global, which must be untouched by the global the rewrite adds.
const growProgram = `(module
  (import "env" "g" (global $imported i32))
  (memory (export "memory") 1 100)
  (global $mine (mut i32) (i32.const 7))
  (global $other i64 (i64.const 1))
  (func (export "grow") (param i32) (result i32)
    (i32.store (i32.const 0) (memory.grow (local.get 0)))
    (global.set $mine (i32.add (global.get $mine) (global.get $imported)))
    (global.get $mine)))`

// TestGrowRefused: a memory.grow the store's limiter refuses leaves the
// page count asked for in the exported global; one that succeeds does
// not, and the module sees what memory.grow returned either way.
func TestGrowRefused(t *testing.T) {
	out, st, err := Rewrite(wat(t, growProgram))
	if err != nil {
		t.Fatal(err)
	}
	if st.GrowSites != 1 || st.NaNSites != 0 {
		t.Fatalf("stats %+v", st)
	}
	e := engine()
	m, err := wasmtime.NewModule(e, out)
	if err != nil {
		t.Fatal(err)
	}
	store := wasmtime.NewStore(e)
	store.Limiter(4*65536, -1, -1, -1, -1)
	imported, err := wasmtime.NewGlobal(store, wasmtime.NewGlobalType(wasmtime.NewValType(wasmtime.KindI32), false), wasmtime.ValI32(100))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := wasmtime.NewInstance(store, m, []wasmtime.AsExtern{imported})
	if err != nil {
		t.Fatal(err)
	}
	refused := inst.GetExport(store, GrowRefusedExport)
	if refused == nil || refused.Global() == nil {
		t.Fatalf("no %s export", GrowRefusedExport)
	}
	mem := inst.GetExport(store, "memory").Memory()
	grow := func(pages int32) (returned int32, mine int32) {
		v, err := inst.GetFunc(store, "grow").Call(store, pages)
		if err != nil {
			t.Fatal(err)
		}
		return int32(binary.LittleEndian.Uint32(mem.UnsafeData(store))), v.(int32)
	}

	if got, mine := grow(2); got != 1 || mine != 107 {
		t.Fatalf("grow by 2 returned %d (global %d), want 1 (107)", got, mine)
	}
	if v := refused.Global().Get(store).I32(); v != 0 {
		t.Fatalf("after a successful grow the global is %d", v)
	}
	if got, mine := grow(50); got != -1 || mine != 207 {
		t.Fatalf("grow by 50 over the limit returned %d (global %d), want -1 (207)", got, mine)
	}
	if v := refused.Global().Get(store).I32(); v != 50 {
		t.Fatalf("after a refused grow of 50 pages the global is %d", v)
	}
}

// TestNewSections: a module without globals or exports gets both
// sections, in their place among the others.
func TestNewSections(t *testing.T) {
	for _, src := range []string{
		`(module (memory 1) (func (drop (memory.grow (i32.const 1)))))`,
		`(module (memory 1) (func (drop (memory.grow (i32.const 1)))) (start 0) (data (i32.const 0) "x"))`,
		`(module (memory 1) (global i32 (i32.const 1)) (func (drop (memory.grow (i32.const 1)))) (elem declare func 0))`,
		`(module (memory 1) (func (export "f") (drop (memory.grow (i32.const 1)))))`,
		`(module)`,
	} {
		out, _, err := Rewrite(wat(t, src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		m, err := wasmtime.NewModule(engine(), out)
		if err != nil {
			t.Fatalf("%s: rewritten module invalid: %v", src, err)
		}
		found := false
		for _, ex := range m.Exports() {
			found = found || ex.Name() == GrowRefusedExport
		}
		if !found {
			t.Errorf("%s: no %s export", src, GrowRefusedExport)
		}
	}
}

// TestIndicesChecked: code or exports that name a local or global the module does
// not have are refused, not made valid by the ones the rewrite adds.
func TestIndicesChecked(t *testing.T) {
	if _, _, err := Rewrite(minimal(0x23, 0x00, 0x1a)); !errors.Is(err, ErrMalformed) {
		t.Errorf("global.get 0 without globals: %v", err)
	}
	if _, _, err := Rewrite(minimal(0x20, 0x00, 0x1a)); !errors.Is(err, ErrMalformed) {
		t.Errorf("local.get 0 without locals: %v", err)
	}
	exportGlobal0 := []byte("\x00asm\x01\x00\x00\x00\x07\x05\x01\x01g\x03\x00")
	if _, _, err := Rewrite(exportGlobal0); !errors.Is(err, ErrMalformed) {
		t.Errorf("export of global 0 without globals: %v", err)
	}
	reserved := wat(t, `(module (global (export "idlenode:grow-refused") i32 (i32.const 0)))`)
	if _, _, err := Rewrite(reserved); !errors.Is(err, ErrUnsupported) {
		t.Errorf("export of the reserved name: %v", err)
	}
	memory64 := []byte("\x00asm\x01\x00\x00\x00\x05\x03\x01\x04\x01")
	if _, _, err := Rewrite(memory64); !errors.Is(err, ErrUnsupported) {
		t.Errorf("memory64: %v", err)
	}
}
