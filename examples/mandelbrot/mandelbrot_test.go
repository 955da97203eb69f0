package mandelbrot_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/idlenode/idlenode/examples/mandelbrot"
)

func TestTiles(t *testing.T) {
	ts, err := mandelbrot.Tiles(64, 16)
	if err != nil || len(ts) != 16 || ts[5] != (mandelbrot.Tile{Size: 64, X: 16, Y: 16, W: 16, H: 16, MaxIter: 255}) {
		t.Fatalf("Tiles = %v, %v", ts, err)
	}
	for _, bad := range [][2]int{{64, 15}, {100, 9}, {0, 1}, {64, 0}} {
		if _, err := mandelbrot.Tiles(bad[0], bad[1]); !errors.Is(err, mandelbrot.ErrBadGrid) {
			t.Errorf("Tiles(%v) err = %v", bad, err)
		}
	}
}

// TestTileProgramAssembles runs the tile program natively for every tile
// of a small image and checks the assembled picture: corners outside the
// set, the centre of the main cardioid inside it.
func TestTileProgramAssembles(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "tile")
	if out, err := exec.Command("go", "build", "-o", bin, "./tile").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	ts, _ := mandelbrot.Tiles(64, 4)
	var outs [][]byte
	for _, tl := range ts {
		out, err := exec.Command(bin, tl.Args()...).Output()
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	img, err := mandelbrot.Assemble(64, ts, outs)
	if err != nil {
		t.Fatal(err)
	}
	// (-0.25, 0) is inside: pixel x = (2.25/3.5)*64 ≈ 41, y = 32.
	if img.ColorIndexAt(41, 32) != 0 || img.ColorIndexAt(0, 0) == 0 {
		t.Fatalf("inside %d, corner %d", img.ColorIndexAt(41, 32), img.ColorIndexAt(0, 0))
	}
	var buf bytes.Buffer
	if err := mandelbrot.WritePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := mandelbrot.Assemble(64, ts, outs[:3]); err == nil {
		t.Fatal("missing tile accepted")
	}
	// Bad arguments: a clear message and exit status 2, no output.
	cmd := exec.Command(bin, "64", "0", "0", "100", "1", "255")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || len(out) != 0 {
		t.Fatalf("bad tile: %v %q", err, out)
	}
}

func TestBuildWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasip1 module with the Go toolchain (seconds)")
	}
	dir := t.TempDir()
	wasm, err := mandelbrot.Build(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Fatal("not a wasm module")
	}
	again, err := mandelbrot.Build(context.Background(), dir)
	if err != nil || !bytes.Equal(again, wasm) {
		t.Fatal("cached build differs")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("cache holds %d files, want 1", len(ents))
	}
}
