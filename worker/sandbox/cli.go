package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const usageHead = `Usage:
  idlenode sandbox exec --module FILE.wasm [--input FILE] [--output FILE]
      [--memory-mb N] [--timeout DURATION] [--max-output-mb N] [--scratch-mb N]
      [--seed N] [--scratch-dir DIR] [--cache-dir DIR|--no-cache] [--stats] [-- ARGS...]

Runs a WASI (preview 1) module in a sandboxed child process: no host files
but a scratch folder, no environment, no network, fixed clocks, random
numbers from --seed. stdin is --input, stdout goes to --output, stderr is
shown (capped at 64 KiB). --output FILE is replaced only when the module
exits 0; after a failure FILE is left as it was and the output so far, if
any, is in FILE.partial.

Flags:
`

const usageTail = `
Exit status: 0 the module exited 0; 1 the sandbox failed; 2 usage;
10 memory limit; 11 time limit; 12 output limit; 13 scratch limit;
14 module exited non-zero; 15 trap; 16 invalid module; 17 killed.
`

// printUsage writes the whole help of `sandbox exec`, flags included.
func printUsage(w io.Writer) {
	var o execOptions
	flags := o.flagSet()
	flags.SetOutput(w)
	fmt.Fprint(w, usageHead)
	flags.PrintDefaults()
	fmt.Fprint(w, usageTail)
}

// Main is the `idlenode sandbox` verb: `exec` runs a module, `child` is the
// internal entry of the sandbox child process. It returns the exit status
// and prints at most one line of its own to stderr.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	switch args[0] {
	case "child":
		return childMain(os.Stdin, stderr)
	case "exec":
		return execMain(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		printUsage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "idlenode sandbox: unknown subcommand %q (see 'idlenode sandbox -h')\n", args[0])
	return 2
}

// execOptions are the flags of `sandbox exec`.
type execOptions struct {
	spec           Spec
	cacheDir       string
	noCache, stats bool
}

// flagSet defines the flags into o. Every description names the default:
// the flag package adds "(default X)" only where X is not the zero value.
func (o *execOptions) flagSet() *flag.FlagSet {
	flags := flag.NewFlagSet("idlenode sandbox exec", flag.ContinueOnError)
	s := &o.spec
	flags.StringVar(&s.ModulePath, "module", "", "the WebAssembly `FILE` to run, a WASI preview 1 command (required; no default)")
	flags.StringVar(&s.InputPath, "input", "", "`FILE` the module reads as stdin (default: an empty stdin)")
	flags.StringVar(&s.OutputPath, "output", "", "`FILE` that receives the module's stdout, replaced only when the module exits 0;\n"+
		"after a failure FILE is unchanged and the output so far is in FILE.partial\n"+
		"(default: this command's stdout)")
	flags.IntVar(&s.MemoryMB, "memory-mb", DefaultMemoryMB, "limit on the module's memory, in `MB`")
	flags.DurationVar(&s.Timeout, "timeout", DefaultTimeout, "time limit, a `DURATION` such as 90s or 2h, not counting time suspended")
	flags.IntVar(&s.MaxOutputMB, "max-output-mb", DefaultMaxOutputMB, "limit on the module's stdout, in `MB`")
	flags.IntVar(&s.ScratchMB, "scratch-mb", DefaultScratchMB, "limit on the scratch folder, checkpoints included, in `MB`")
	flags.Uint64Var(&s.Seed, "seed", 0, "`N` seeds the module's random numbers (default 0)")
	flags.StringVar(&s.ScratchDir, "scratch-dir", "", "`DIR` the module sees as its folder, kept so that a later run can resume from\n"+
		"its checkpoint* files. DIR must be new (its parent must exist), empty, or hold only\n"+
		"checkpoint* entries; when the run ends, everything else in it is deleted\n"+
		"(default: a temporary folder, removed after the run)")
	flags.StringVar(&o.cacheDir, "cache-dir", "", "`DIR` of compiled modules (default: idlenode/wasm in the user cache folder)")
	flags.BoolVar(&o.noCache, "no-cache", false, "compile the module without reading or writing the cache (default false)")
	flags.BoolVar(&o.stats, "stats", false, "print the run's statistics (CPU and wall seconds, peak memory, output bytes)\n"+
		"as one JSON line on stderr (default false)")
	return flags
}

func execMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o execOptions
	flags := o.flagSet()
	flags.SetOutput(io.Discard) // its errors are printed below, as one line
	flags.Usage = func() {}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "idlenode sandbox: %v (see 'idlenode sandbox exec -h')\n", err)
		return 2
	}
	s := o.spec
	s.Args = flags.Args()
	if s.ModulePath == "" {
		fmt.Fprintln(stderr, "idlenode sandbox: --module is required")
		return 2
	}
	if s.MemoryMB <= 0 || s.Timeout <= 0 || s.MaxOutputMB <= 0 || s.ScratchMB <= 0 {
		fmt.Fprintln(stderr, "idlenode sandbox: limits must be positive")
		return 2
	}
	if err := checkPaths(s); err != nil {
		fmt.Fprintf(stderr, "idlenode sandbox: %v\n", err)
		return 2
	}
	cacheDir := o.cacheDir
	if !o.noCache && cacheDir == "" {
		d, err := DefaultCacheDir()
		if err != nil {
			fmt.Fprintf(stderr, "idlenode sandbox: %v (use --no-cache)\n", err)
			return 1
		}
		cacheDir = d
	}
	if o.noCache {
		cacheDir = ""
	}
	s.Stderr = stderr
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	r := &Runner{CacheDir: cacheDir, Log: log}

	// Without --output, stdout passes through a temporary file so that the
	// output limit holds for this stdout too. With it, the output goes to a
	// temporary file beside FILE until the run has succeeded.
	var tmpOut string
	var out *outputFile
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
	} else {
		var err error
		if out, err = newOutputFile(s.OutputPath); err != nil {
			fmt.Fprintf(stderr, "idlenode sandbox: %v\n", err)
			return 1
		}
		s.OutputPath = out.writePath()
	}
	p, err := r.Start(ctx, s)
	if err != nil {
		out.abandon()
		fmt.Fprintf(stderr, "idlenode sandbox: %v\n", err)
		if errors.Is(err, ErrInvalidSpec) {
			return 2
		}
		return 1
	}
	res, err := p.Wait()
	if s.ScratchDir != "" {
		// What the sandbox would delete at the next start goes now, so
		// that the folder can resume the job.
		if cerr := emptyScratch(s.ScratchDir); cerr != nil {
			log.Warn("Could not empty the scratch folder of all but checkpoints", "dir", s.ScratchDir, "err", cerr)
		}
	}
	if tmpOut != "" {
		if f, ferr := os.Open(tmpOut); ferr == nil {
			_, _ = io.Copy(stdout, f)
			f.Close()
		}
	}
	if o.stats {
		printStats(stderr, res)
	}
	var note string
	if err == nil && res.Kind == KindNone {
		err = out.commit()
	} else {
		note = out.keepPartial()
	}
	if err != nil {
		fmt.Fprintf(stderr, "idlenode sandbox: %v%s\n", err, note)
		return 1
	}
	if res.Kind != KindNone {
		fmt.Fprintf(stderr, "idlenode sandbox: %s%s\n", res.Message, note)
	}
	return res.Kind.ExitCode()
}

// checkPaths refuses, before anything is written, paths that cannot work
// or whose use would destroy the user's files.
func checkPaths(s Spec) error {
	module, err := statFile("--module", s.ModulePath)
	if err != nil {
		return err
	}
	others := []namedFile{{"--module", s.ModulePath, module}}
	if s.InputPath != "" {
		input, err := statFile("--input", s.InputPath)
		if err != nil {
			return err
		}
		others = append(others, namedFile{"--input", s.InputPath, input})
	}
	if s.OutputPath != "" {
		if err := checkOutput(s.OutputPath, others); err != nil {
			return err
		}
	}
	if s.ScratchDir != "" {
		if err := checkScratchDir(s.ScratchDir); err != nil {
			return err
		}
		if s.OutputPath != "" && isInside(realPath(s.ScratchDir), realPath(s.OutputPath)) {
			return fmt.Errorf("--output %s is inside --scratch-dir %s, where the module writes and "+
				"the sandbox deletes; write the output elsewhere", s.OutputPath, s.ScratchDir)
		}
	}
	return nil
}

// namedFile is a file given on the command line and what Stat said of it.
type namedFile struct {
	flag, path string
	fi         os.FileInfo
}

// statFile checks that the file a flag names exists and is not a folder.
func statFile(flagName, path string) (os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v", flagName, path, pathErrText(err))
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s %s is a folder, not a file", flagName, path)
	}
	return fi, nil
}

// checkOutput refuses an --output that is a folder, lies in a missing
// folder, or is the same file as the module or the input: the run would
// overwrite those.
func checkOutput(path string, others []namedFile) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("--output %s is a folder; name a file", path)
	case err == nil:
		for _, o := range others {
			if os.SameFile(fi, o.fi) {
				return sameFileError(path, o.flag)
			}
		}
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("--output %s: %v", path, pathErrText(err))
	}
	for _, o := range others {
		if absClean(path) == absClean(o.path) {
			return sameFileError(path, o.flag)
		}
	}
	dir := filepath.Dir(absClean(path))
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("--output %s: folder %s does not exist (create it first)", path, dir)
	}
	return nil
}

func sameFileError(path, flagName string) error {
	return fmt.Errorf("--output %s is the same file as %s, which the run would overwrite; write the output elsewhere", path, flagName)
}

// checkScratchDir refuses a --scratch-dir whose contents the sandbox would
// delete (everything but checkpoint*), and one whose parent is missing.
// A missing DIR is fine: the sandbox creates it.
func checkScratchDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		parent := filepath.Dir(absClean(dir))
		if pfi, err := os.Stat(parent); err != nil || !pfi.IsDir() {
			return fmt.Errorf("--scratch-dir %s: its parent folder %s does not exist (create it first)", dir, parent)
		}
		return nil
	case err != nil:
		return fmt.Errorf("--scratch-dir %s: %v", dir, pathErrText(err))
	case !fi.IsDir():
		return fmt.Errorf("--scratch-dir %s is not a folder", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("--scratch-dir %s: %v", dir, pathErrText(err))
	}
	var doomed []string
	for _, e := range ents {
		if keptInScratch(e.Name()) {
			continue
		}
		name := e.Name()
		if e.IsDir() {
			name += "/"
		}
		doomed = append(doomed, name)
	}
	if len(doomed) > 0 {
		return fmt.Errorf("--scratch-dir %s holds %s, which the sandbox would delete (it keeps only checkpoint* files); "+
			"use a new or empty folder", dir, listNames(doomed))
	}
	return nil
}

// listNames quotes the first few names and counts the rest.
func listNames(names []string) string {
	const shown = 3
	q := make([]string, 0, shown)
	for _, n := range names[:min(len(names), shown)] {
		q = append(q, strconv.Quote(n))
	}
	if len(names) > shown {
		q = append(q, fmt.Sprintf("%d more", len(names)-shown))
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// pathErrText drops the operation and path of a *fs.PathError, which the
// messages above name themselves.
func pathErrText(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// absClean is path made absolute and clean, or path cleaned where the
// working folder is unknown.
func absClean(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return filepath.Clean(path)
}

// realPath is path absolute with its links resolved, as far as it exists.
func realPath(path string) string {
	path = absClean(path)
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	if r, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(r, filepath.Base(path))
	}
	return path
}

// isInside says whether path is dir or lies under it.
func isInside(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && !filepath.IsAbs(rel) && rel != ".." &&
		!strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// outputFile puts the module's stdout in the user's --output file only
// once the run has succeeded: until then it goes to a temporary file
// beside it.
type outputFile struct {
	path    string // as the user named it
	target  string // the file replaced: path, or where the link at path points
	tmp     string // written during the run; empty when writing to target itself
	existed bool   // target existed before the run
}

// newOutputFile creates the temporary file beside path. A device or a pipe
// (/dev/stdout, /dev/null) has no contents to keep and is written directly.
func newOutputFile(path string) (*outputFile, error) {
	o := &outputFile{path: path, target: path}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if t, err := filepath.EvalSymlinks(path); err == nil {
			o.target = t
		}
	}
	fi, err := os.Stat(o.target)
	if err == nil && !fi.Mode().IsRegular() {
		return o, nil
	}
	o.existed = err == nil
	f, err := os.CreateTemp(filepath.Dir(o.target), "."+filepath.Base(o.target)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	o.tmp = f.Name()
	if o.existed {
		// The replacement keeps the file's permissions, as writing into
		// it did.
		_ = f.Chmod(fi.Mode().Perm())
	}
	if err := f.Close(); err != nil {
		os.Remove(o.tmp)
		return nil, fmt.Errorf("output: %w", err)
	}
	return o, nil
}

// writePath is the file the run writes to.
func (o *outputFile) writePath() string {
	if o.tmp != "" {
		return o.tmp
	}
	return o.target
}

// commit puts the output of a successful run in place.
func (o *outputFile) commit() error {
	if o == nil || o.tmp == "" {
		return nil
	}
	if err := os.Rename(o.tmp, o.target); err != nil {
		return fmt.Errorf("could not put the output in place (it is in %s): %w", o.tmp, err)
	}
	return nil
}

// keepPartial leaves the user's file as it was after a failed run and
// keeps what the module wrote, if anything, as FILE.partial. It returns
// the note that the one-line message ends with.
func (o *outputFile) keepPartial() string {
	if o == nil || o.tmp == "" {
		return ""
	}
	var kept string
	if fi, err := os.Stat(o.tmp); err == nil && fi.Size() > 0 {
		kept = o.target + ".partial"
		if err := os.Rename(o.tmp, kept); err != nil {
			kept = o.tmp
		}
	} else {
		os.Remove(o.tmp)
	}
	switch {
	case kept != "" && o.existed:
		return fmt.Sprintf("; %s unchanged, the output so far is in %s", o.path, kept)
	case kept != "":
		return "; the output so far is in " + kept
	case o.existed:
		return "; " + o.path + " unchanged"
	}
	return ""
}

// abandon removes the temporary file of a run that did not start.
func (o *outputFile) abandon() {
	if o != nil && o.tmp != "" {
		os.Remove(o.tmp)
	}
}

// printStats writes res as one JSON line, for --stats.
func printStats(w io.Writer, res Result) {
	b, _ := json.Marshal(statsJSON{
		Kind: res.Kind.String(), ExitCode: res.ExitCode, CPUSeconds: res.CPUSeconds,
		WallSeconds: res.WallSeconds, PeakMemoryBytes: res.PeakMemoryBytes,
		OutputBytes: res.OutputBytes, CacheHit: res.CacheHit,
	})
	fmt.Fprintf(w, "%s\n", b)
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
