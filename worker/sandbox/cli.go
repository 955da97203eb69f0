package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
)

const usageText = `Usage:
  idlenode sandbox exec --module FILE.wasm [--input FILE] [--output FILE]
      [--memory-mb N] [--timeout DURATION] [--max-output-mb N] [--scratch-mb N]
      [--seed N] [--scratch-dir DIR] [--cache-dir DIR|--no-cache] [--stats] [-- ARGS...]

Runs a WASI (preview 1) module in a sandboxed child process: no host files
but a scratch folder, no environment, no network, fixed clocks, random
numbers from --seed. stdin is --input, stdout goes to --output, stderr is
shown (capped at 64 KiB).

Exit status: 0 the module exited 0; 1 the sandbox failed; 2 usage;
10 memory limit; 11 time limit; 12 output limit; 13 scratch limit;
14 module exited non-zero; 15 trap; 16 invalid module; 17 killed.
`

// Main is the `idlenode sandbox` verb: `exec` runs a module, `child` is the
// internal entry of the sandbox child process. It returns the exit status
// and prints at most one line of its own to stderr.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return 2
	}
	switch args[0] {
	case "child":
		return childMain(os.Stdin, stderr)
	case "exec":
		return execMain(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usageText)
		return 0
	}
	fmt.Fprintf(stderr, "idlenode sandbox: unknown subcommand %q\n\n%s", args[0], usageText)
	return 2
}

func execMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("idlenode sandbox exec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usageText) }
	var s Spec
	var cacheDir string
	var noCache, stats bool
	fs.StringVar(&s.ModulePath, "module", "", "WebAssembly module (WASI preview 1 command)")
	fs.StringVar(&s.InputPath, "input", "", "file to use as stdin (default: empty)")
	fs.StringVar(&s.OutputPath, "output", "", "file to write stdout to (default: this stdout)")
	fs.IntVar(&s.MemoryMB, "memory-mb", DefaultMemoryMB, "memory limit in MB")
	fs.DurationVar(&s.Timeout, "timeout", DefaultTimeout, "time limit (not counting time suspended)")
	fs.IntVar(&s.MaxOutputMB, "max-output-mb", DefaultMaxOutputMB, "output limit in MB")
	fs.IntVar(&s.ScratchMB, "scratch-mb", DefaultScratchMB, "scratch folder limit in MB")
	fs.Uint64Var(&s.Seed, "seed", 0, "seed for the module's random numbers")
	fs.StringVar(&s.ScratchDir, "scratch-dir", "", "scratch folder kept across runs (checkpoint* files survive); default: a temporary one")
	fs.StringVar(&cacheDir, "cache-dir", "", "compiled-module cache (default: the user cache folder)")
	fs.BoolVar(&noCache, "no-cache", false, "do not cache compiled modules")
	fs.BoolVar(&stats, "stats", false, "print the run's statistics as JSON to stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	s.Args = fs.Args()
	if s.ModulePath == "" {
		fmt.Fprintln(stderr, "idlenode sandbox: --module is required")
		return 2
	}
	if s.MemoryMB <= 0 || s.Timeout <= 0 || s.MaxOutputMB <= 0 || s.ScratchMB <= 0 {
		fmt.Fprintln(stderr, "idlenode sandbox: limits must be positive")
		return 2
	}
	if !noCache && cacheDir == "" {
		d, err := DefaultCacheDir()
		if err != nil {
			fmt.Fprintf(stderr, "idlenode sandbox: %v (use --no-cache)\n", err)
			return 1
		}
		cacheDir = d
	}
	if noCache {
		cacheDir = ""
	}
	s.Stderr = stderr
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := &Runner{CacheDir: cacheDir, Log: log}

	// Without --output, stdout passes through a temporary file so that the
	// output limit holds for this stdout too.
	var tmpOut string
	if s.OutputPath == "" {
		f, err := os.CreateTemp("", "idlenode-sandbox-out-")
		if err != nil {
			fmt.Fprintf(stderr, "idlenode sandbox: %v\n", err)
			return 1
		}
		f.Close()
		tmpOut = f.Name()
		defer os.Remove(tmpOut)
		s.OutputPath = tmpOut
	}
	p, err := r.Start(ctx, s)
	if err != nil {
		fmt.Fprintf(stderr, "idlenode sandbox: %v\n", err)
		if errors.Is(err, ErrInvalidSpec) {
			return 2
		}
		return 1
	}
	res, err := p.Wait()
	if tmpOut != "" {
		if f, ferr := os.Open(tmpOut); ferr == nil {
			_, _ = io.Copy(stdout, f)
			f.Close()
		}
	}
	if stats {
		b, _ := json.Marshal(statsJSON{
			Kind: res.Kind.String(), ExitCode: res.ExitCode, CPUSeconds: res.CPUSeconds,
			WallSeconds: res.WallSeconds, PeakMemoryBytes: res.PeakMemoryBytes,
			OutputBytes: res.OutputBytes, CacheHit: res.CacheHit,
		})
		fmt.Fprintf(stderr, "%s\n", b)
	}
	if err != nil {
		fmt.Fprintf(stderr, "idlenode sandbox: %v\n", err)
		return 1
	}
	if res.Kind != KindNone {
		fmt.Fprintf(stderr, "idlenode sandbox: %s\n", res.Message)
	}
	return res.Kind.ExitCode()
}

type statsJSON struct {
	Kind            string  `json:"kind"`
	ExitCode        int     `json:"exitCode"`
	CPUSeconds      float64 `json:"cpuSeconds"`
	WallSeconds     float64 `json:"wallSeconds"`
	PeakMemoryBytes uint64  `json:"peakMemoryBytes"`
	OutputBytes     int64   `json:"outputBytes"`
	CacheHit        bool    `json:"cacheHit"`
}
