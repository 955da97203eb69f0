package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/idlenode/idlenode/examples/mandelbrot"
)

func cmdMandelbrot(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("mandelbrot", stderr)
	size := fs.Int("size", 1024, "image side in pixels")
	tiles := fs.Int("tiles", 64, "tile jobs (a square number whose root divides the size)")
	replicas := fs.Int("replicas", 2, "replicas per tile")
	reward := fs.String("reward", "1000", "reward per replica in base units")
	module := fs.String("module", "", "prebuilt tile module (default: build examples/mandelbrot/tile with the local Go toolchain)")
	out := fs.String("o", "mandelbrot.png", "output PNG")
	deadline := fs.Duration("deadline", time.Hour, "give up on a tile after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := mandelbrot.Tiles(*size, *tiles); err != nil {
		fmt.Fprintln(stderr, "mandelbrot:", err)
		return errUsage
	}
	var wasm []byte
	var err error
	if *module != "" {
		wasm, err = os.ReadFile(*module)
	} else {
		cache, cerr := os.UserCacheDir()
		if cerr != nil {
			cache = os.TempDir()
		}
		wasm, err = mandelbrot.Build(ctx, filepath.Join(cache, "idlenode"))
	}
	if err != nil {
		return err
	}
	c, err := g.client(ctx, true)
	if err != nil {
		return err
	}
	start := time.Now()
	last := -1
	img, err := mandelbrot.Render(ctx, c, wasm, mandelbrot.Job{Size: *size, Tiles: *tiles, Replicas: *replicas, Reward: *reward,
		Deadline: *deadline, Progress: func(done, total int) {
			if done != last {
				fmt.Fprintf(stderr, "tiles %d/%d\n", done, total)
				last = done
			}
		}})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := mandelbrot.WritePNG(&buf, img); err != nil {
		return err
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d×%d, %d tiles) in %s\n", *out, *size, *size, *tiles, time.Since(start).Round(time.Millisecond))
	return nil
}
