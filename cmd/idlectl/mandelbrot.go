package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idlenode/idlenode/examples/mandelbrot"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

func cmdMandelbrot(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("mandelbrot", stderr)
	size := fs.Int("size", 1024, "image side in pixels")
	tiles := fs.Int("tiles", 64, "tile jobs (a square number whose root divides the size)")
	replicas := fs.Int("replicas", 2, "replicas per tile: each tile needs this many nodes' results (1 on a one-node network)")
	reward := fs.String("reward", "1000", "reward per replica in base units")
	module := fs.String("module", "", "prebuilt tile module (default: build examples/mandelbrot/tile with the local Go toolchain)")
	out := fs.String("o", "mandelbrot.png", "output PNG")
	deadline := fs.Duration("deadline", time.Hour, "give up on a tile after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := mandelbrot.Tiles(*size, *tiles); err != nil {
		fmt.Fprintf(stderr, "idlectl mandelbrot: %s\n", strings.TrimPrefix(err.Error(), "mandelbrot: "))
		return errUsage
	}
	// Before building, uploading or paying for any tile.
	if err := checkOutput(*out); err != nil {
		return err
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
	img, err := render(ctx, c, wasm, mandelbrot.Job{Size: *size, Tiles: *tiles, Replicas: *replicas, Reward: *reward,
		Deadline: *deadline, Progress: func(done, total int) {
			if done != last {
				fmt.Fprintf(stderr, "tiles %d/%d\n", done, total)
				last = done
			}
		}}, stderr)
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

// render is mandelbrot.Render with idlectl's wait, which says on hint
// when tiles wait for more nodes than the network has.
func render(ctx context.Context, c *client.Client, module []byte, j mandelbrot.Job, hint io.Writer) (*image.Paletted, error) {
	j.Wait = func(ctx context.Context, c *client.Client, ids []string, poll time.Duration, progress func(done, total int)) ([]protocol.JobStatus, error) {
		return waitJobs(ctx, c, ids, poll, "tile", hint, progress)
	}
	return mandelbrot.Render(ctx, c, module, j)
}

// checkOutput fails unless a file can be written at path: its folder
// exists and takes new files (writeFileAtomic writes a temporary file
// beside path), and path is not a folder.
func checkOutput(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("output %s is a folder", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("output folder %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("output folder: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("output folder %s is not a folder", dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".check-*")
	if err != nil {
		return fmt.Errorf("cannot write in output folder %s: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
