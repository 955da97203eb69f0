package mandelbrot_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/idlenode/idlenode/examples/mandelbrot"
)

// TestWasmMatchesNative runs the wasip1 build of the tile program in
// wasmtime (the nodes' engine) and checks its output is byte-identical to
// the native build's: the workload is deterministic across engines.
func TestWasmMatchesNative(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm module and compiles it in wasmtime")
	}
	dir := t.TempDir()
	wasm, err := mandelbrot.Build(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "tile")
	if out, err := exec.Command("go", "build", "-o", bin, "./tile").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	tl := mandelbrot.Tile{Size: 256, X: 64, Y: 96, W: 64, H: 64, MaxIter: 255}
	native, err := exec.Command(bin, tl.Args()...).Output()
	if err != nil {
		t.Fatal(err)
	}

	engine := wasmtime.NewEngine()
	module, err := wasmtime.NewModule(engine, wasm)
	if err != nil {
		t.Fatal(err)
	}
	linker := wasmtime.NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		t.Fatal(err)
	}
	store := wasmtime.NewStore(engine)
	wc := wasmtime.NewWasiConfig()
	wc.SetArgv(append([]string{"tile"}, tl.Args()...))
	stdout := filepath.Join(dir, "stdout")
	if err := wc.SetStdoutFile(stdout); err != nil {
		t.Fatal(err)
	}
	store.SetWasi(wc)
	inst, err := linker.Instantiate(store, module)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inst.GetFunc(store, "_start").Call(store); err != nil {
		// Go's wasip1 runtime may end with proc_exit(0), reported as an error.
		var we *wasmtime.Error
		if !errors.As(err, &we) {
			t.Fatalf("run: %v", err)
		}
		if code, ok := we.ExitStatus(); !ok || code != 0 {
			t.Fatalf("run: %v", err)
		}
	}
	got, err := os.ReadFile(stdout)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != tl.W*tl.H || !bytes.Equal(got, native) {
		t.Fatalf("wasm output (%d bytes) differs from native (%d bytes)", len(got), len(native))
	}
}
