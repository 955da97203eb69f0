// Package mandelbrot is the demo workload: it splits a Mandelbrot image
// into tile jobs for the tile program (./tile, built for GOOS=wasip1),
// builds that program from its embedded source with the local Go
// toolchain, and assembles the tiles' outputs into a PNG.
package mandelbrot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	_ "embed"
)

// Source is the tile program (tile/main.go).
//
//go:embed tile/main.go
var Source []byte

// MaxIter is the iteration cap used by Tiles.
const MaxIter = 255

// ErrBadGrid is returned for sizes and tile counts that do not split evenly.
var ErrBadGrid = errors.New("mandelbrot: bad grid")

// Tile is one tile job's parameters.
type Tile struct {
	Size, X, Y, W, H, MaxIter int
}

// Args are the tile program's arguments for t.
func (t Tile) Args() []string {
	return []string{strconv.Itoa(t.Size), strconv.Itoa(t.X), strconv.Itoa(t.Y), strconv.Itoa(t.W), strconv.Itoa(t.H), strconv.Itoa(t.MaxIter)}
}

// Tiles splits a size×size image into n tiles: n must be a perfect square
// whose root divides size.
func Tiles(size, n int) ([]Tile, error) {
	k := 1
	for k*k < n {
		k++
	}
	if size < 1 || size > 1<<15 || n < 1 || k*k != n || size%k != 0 {
		return nil, fmt.Errorf("%w: %d tiles of a %d-pixel image: tiles must be a square number whose root divides the size", ErrBadGrid, n, size)
	}
	side := size / k
	var out []Tile
	for ty := 0; ty < k; ty++ {
		for tx := 0; tx < k; tx++ {
			out = append(out, Tile{Size: size, X: tx * side, Y: ty * side, W: side, H: side, MaxIter: MaxIter})
		}
	}
	return out, nil
}

// Palette maps an escape iteration to a colour; 0 (inside) is black.
func Palette() color.Palette {
	p := make(color.Palette, 256)
	p[0] = color.RGBA{0, 0, 0, 255}
	for i := 1; i < 256; i++ {
		t := float64(i) / 255
		p[i] = color.RGBA{
			R: uint8(9 * (1 - t) * t * t * t * 255),
			G: uint8(15 * (1 - t) * (1 - t) * t * t * 255),
			B: uint8(8.5 * (1 - t) * (1 - t) * (1 - t) * t * 255),
			A: 255,
		}
	}
	return p
}

// Assemble places each tile's output (W×H bytes) into one image.
func Assemble(size int, tiles []Tile, outputs [][]byte) (*image.Paletted, error) {
	if len(tiles) != len(outputs) {
		return nil, fmt.Errorf("assemble: %d tiles but %d outputs", len(tiles), len(outputs))
	}
	img := image.NewPaletted(image.Rect(0, 0, size, size), Palette())
	for i, t := range tiles {
		if len(outputs[i]) != t.W*t.H {
			return nil, fmt.Errorf("assemble: tile %d has %d bytes, want %d", i, len(outputs[i]), t.W*t.H)
		}
		if t.X+t.W > size || t.Y+t.H > size {
			return nil, fmt.Errorf("assemble: tile %d outside the image", i)
		}
		for y := 0; y < t.H; y++ {
			copy(img.Pix[(t.Y+y)*img.Stride+t.X:], outputs[i][y*t.W:(y+1)*t.W])
		}
	}
	return img, nil
}

// WritePNG encodes img to w.
func WritePNG(w io.Writer, img image.Image) error {
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("write png: %w", err)
	}
	return nil
}

// canBuildWASIP1 reports whether Go version v ("go1.19.8", "go1.26.8",
// "devel …") has the wasip1 port, which came in Go 1.21.
func canBuildWASIP1(v string) bool {
	rest, ok := strings.CutPrefix(v, "go1.")
	if !ok {
		return true // a development build: let it try
	}
	minor, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(strings.TrimRightFunc(minor, func(r rune) bool { return r < '0' || r > '9' }))
	return err != nil || n >= 21
}

// Build compiles the tile program for wasip1 with the go command found on
// PATH (or $GO), caching the module under cacheDir by the hash of the
// source and the Go version. It needs no network: the program uses the
// standard library only.
func Build(ctx context.Context, cacheDir string) ([]byte, error) {
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	ver, err := exec.CommandContext(ctx, goBin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("build tile module: no usable Go toolchain (%w); pass a prebuilt module instead (--module)", err)
	}
	if v := strings.TrimSpace(string(ver)); !canBuildWASIP1(v) {
		return nil, fmt.Errorf("build tile module: %s cannot build for wasip1 (Go 1.21 or newer can; set $GO to one), or pass a prebuilt module (--module)", v)
	}
	sum := sha256.Sum256(append(append([]byte{}, Source...), bytes.TrimSpace(ver)...))
	out := filepath.Join(cacheDir, "mandelbrot-tile-"+hex.EncodeToString(sum[:8])+".wasm")
	if data, err := os.ReadFile(out); err == nil {
		return data, nil
	}
	work, err := os.MkdirTemp("", "idlenode-tile-")
	if err != nil {
		return nil, fmt.Errorf("build tile module: %w", err)
	}
	defer os.RemoveAll(work)
	if err := os.WriteFile(filepath.Join(work, "main.go"), Source, 0o600); err != nil {
		return nil, fmt.Errorf("build tile module: %w", err)
	}
	if err := os.WriteFile(filepath.Join(work, "go.mod"), []byte("module tile\n\ngo 1.21\n"), 0o600); err != nil {
		return nil, fmt.Errorf("build tile module: %w", err)
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-ldflags=-s -w", "-o", "tile.wasm", ".")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOFLAGS=", "GOWORK=off")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build tile module: %w: %s", err, strings.TrimSpace(string(msg)))
	}
	data, err := os.ReadFile(filepath.Join(work, "tile.wasm"))
	if err != nil {
		return nil, fmt.Errorf("build tile module: %w", err)
	}
	if err := os.MkdirAll(cacheDir, 0o750); err == nil {
		tmp := out + ".tmp"
		if os.WriteFile(tmp, data, 0o600) == nil {
			_ = os.Rename(tmp, out)
		}
	}
	return data, nil
}
