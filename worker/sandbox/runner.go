package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Runner starts sandboxed runs. The zero value works in the idlenode
// binary itself, without a compile cache. A Runner is safe for concurrent use.
type Runner struct {
	// Command starts the child: the program and its leading arguments, to
	// which "child" is appended. Default: this executable and "sandbox",
	// i.e. `idlenode sandbox child`.
	Command []string
	// Env is the child's whole environment (default: empty). The module
	// never sees it.
	Env []string
	// CacheDir holds compiled modules; empty disables the cache.
	CacheDir string
	// Log receives the runner's diagnostics; nil discards them.
	Log *slog.Logger

	// nanMode other than nanRewrite trades the rewrite for Cranelift's
	// canonicalisation or for none (breaking determinism across CPU
	// architectures); only this package's tests and benchmarks set it, to
	// measure what each costs.
	nanMode nanMode
}

// DefaultCacheDir is where the node keeps compiled modules.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("compile cache dir: %w", err)
	}
	return filepath.Join(d, "idlenode", "wasm"), nil
}

// Timing of the parent's checks.
const (
	monitorTick = 50 * time.Millisecond
	dutyPeriod  = 100 * time.Millisecond
)

// Proc is a running child. Its methods are safe for concurrent use.
type Proc struct {
	spec    Spec
	log     *slog.Logger
	cmd     *exec.Cmd
	os      osProc
	scratch string
	workDir string
	start   time.Time
	status  string
	stderr  *cappedWriter
	output  *limitWriter
	outFile *os.File

	mu          sync.Mutex
	suspended   bool // by Suspend
	dutyOff     bool // by the duty cycle
	stopped     bool // what the child currently is
	active      time.Duration
	activeSince time.Time // zero while stopped
	killKind    FailureKind
	killMsg     string
	exited      bool

	dutyCh chan int
	done   chan struct{} // closed when the child has exited
	result Result
	err    error
}

// Start launches s in a new child process and returns at once. The run ends
// when the module does, a limit is hit, ctx ends, or Kill is called; Wait
// reports how.
func (r *Runner) Start(ctx context.Context, s Spec) (*Proc, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	s = s.withDefaults()
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	modulePath, err := filepath.Abs(s.ModulePath)
	if err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	if fi, err := os.Stat(modulePath); err != nil {
		return nil, fmt.Errorf("start sandbox: module: %w", err)
	} else if fi.IsDir() {
		return nil, fmt.Errorf("start sandbox: module %s is a folder", s.ModulePath)
	}
	var inputPath string
	if s.InputPath != "" {
		if inputPath, err = filepath.Abs(s.InputPath); err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
		if fi, err := os.Stat(inputPath); err != nil {
			return nil, fmt.Errorf("start sandbox: input: %w", err)
		} else if fi.IsDir() {
			return nil, fmt.Errorf("start sandbox: input %s is a folder", s.InputPath)
		}
	}
	command := r.Command
	if len(command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
		command = []string{exe, "sandbox"}
	}

	p := &Proc{spec: s, log: log, dutyCh: make(chan int, 1), done: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			p.cleanup()
		}
	}()
	if p.workDir, err = os.MkdirTemp("", "idlenode-sandbox-"); err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	p.status = filepath.Join(p.workDir, "status.json")
	if s.ScratchDir == "" {
		p.scratch = filepath.Join(p.workDir, "scratch")
		if err := os.Mkdir(p.scratch, 0o700); err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
	} else {
		if p.scratch, err = filepath.Abs(s.ScratchDir); err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
		if err := prepareScratch(p.scratch); err != nil {
			return nil, fmt.Errorf("start sandbox: %w", err)
		}
	}

	var out io.Writer = io.Discard
	if s.OutputPath != "" {
		if p.outFile, err = os.OpenFile(s.OutputPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600); err != nil {
			return nil, fmt.Errorf("start sandbox: output: %w", err)
		}
		out = p.outFile
	}
	p.output = &limitWriter{w: out, limit: int64(s.MaxOutputMB) << 20,
		onLimit: func() { p.kill(KindOutput, fmt.Sprintf("output limit reached (%d MB)", s.MaxOutputMB)) }}
	var errw io.Writer = io.Discard
	if s.Stderr != nil {
		errw = s.Stderr
	}
	p.stderr = &cappedWriter{w: errw, left: StderrCap}

	cfg, err := json.Marshal(childConfig{
		ModulePath: modulePath, InputPath: inputPath, Args: s.Args, Seed: s.Seed,
		MemoryBytes: int64(s.MemoryMB) << 20, ScratchDir: p.scratch,
		ScratchBytes: int64(s.ScratchMB) << 20, CacheDir: r.CacheDir, StatusPath: p.status,
		NaNMode: r.nanMode,
	})
	if err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	cmd := exec.Command(command[0], append(append([]string{}, command[1:]...), "child")...)
	cmd.Env = append([]string{}, r.Env...)
	cmd.Dir = p.workDir
	cmd.Stdin = bytes.NewReader(cfg)
	cmd.Stdout = outW
	cmd.Stderr = errW
	setSysProcAttr(cmd)
	p.cmd = cmd
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	p.start = time.Now()
	p.activeSince = p.start
	if p.os, err = attachProc(cmd.Process, int64(s.MemoryMB)<<20); err != nil {
		log.Warn("Could not apply OS controls to the sandbox child", "pid", cmd.Process.Pid, "err", err)
	}
	ok = true

	var copies sync.WaitGroup
	copies.Add(2)
	go func() { defer copies.Done(); _, _ = io.Copy(p.output, outR); outR.Close() }()
	go func() { defer copies.Done(); _, _ = io.Copy(p.stderr, errR); errR.Close() }()
	go p.monitor(ctx)
	go p.dutyLoop()
	go func() {
		waitErr := cmd.Wait()
		p.mu.Lock()
		p.exited = true
		p.mu.Unlock()
		copies.Wait()
		p.finish(waitErr)
	}()
	return p, nil
}

// prepareScratch makes dir and empties it of everything but checkpoint*.
// It refuses a filesystem root and the home folder, where that would be a
// disaster rather than a cleanup.
func prepareScratch(dir string) error {
	dir = filepath.Clean(dir)
	home, _ := os.UserHomeDir()
	if filepath.Dir(dir) == dir || (home != "" && dir == filepath.Clean(home)) {
		return fmt.Errorf("%w: scratch folder %s would be emptied", ErrInvalidSpec, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("prepare scratch: %w", err)
	}
	if err := emptyScratch(dir); err != nil {
		return fmt.Errorf("prepare scratch: %w", err)
	}
	return nil
}

// emptyScratch removes everything at the top of dir but what keptInScratch
// names.
func emptyScratch(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if keptInScratch(e.Name()) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// keptInScratch says whether an entry at the top of a scratch folder
// survives from one run to the next: checkpoints do, nothing else.
func keptInScratch(name string) bool { return strings.HasPrefix(name, "checkpoint") }

// Pid is the child's process id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Suspend stops the child: when it returns, no thread of the child will
// run module code again until Resume (on Linux every thread is sent
// SIGSTOP; on Windows every thread is suspended). Time suspended does not
// count toward the time limit.
func (p *Proc) Suspend() error {
	p.mu.Lock()
	if p.exited {
		p.mu.Unlock()
		return ErrFinished
	}
	p.suspended = true
	err := p.applyLocked()
	p.mu.Unlock()
	if err != nil {
		return fmt.Errorf("suspend: %w", err)
	}
	return nil
}

// Resume lets a suspended child run again (subject to the duty cycle).
func (p *Proc) Resume() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exited {
		return ErrFinished
	}
	p.suspended = false
	if err := p.applyLocked(); err != nil {
		return fmt.Errorf("resume: %w", err)
	}
	return nil
}

// Kill ends the child; Wait then reports KindKilled.
func (p *Proc) Kill() error {
	if !p.kill(KindKilled, "killed by the node") {
		return ErrFinished
	}
	return nil
}

// SetDutyCycle lets the child run at most percent of the time, in slices
// of 100 ms (values are clamped to 1..100; 100 means unthrottled).
func (p *Proc) SetDutyCycle(percent int) {
	percent = min(max(percent, 1), 100)
	for {
		select {
		case p.dutyCh <- percent:
			return
		case <-p.dutyCh: // drop a value not yet taken: the latest wins
		case <-p.done:
			return
		}
	}
}

// CPUSeconds is the child's CPU time so far (Linux and Windows; elsewhere
// ErrUnsupported until Wait reports it).
func (p *Proc) CPUSeconds() (float64, error) { return cpuSeconds(p.Pid()) }

// Wait blocks until the child has ended and reports how. The error is
// non-nil only when the parent's side failed (e.g. the output file could not
// be written); a failed module is a Result with a Kind.
func (p *Proc) Wait() (Result, error) {
	<-p.done
	return p.result, p.err
}

// Done is closed when the run has ended and Wait will not block.
func (p *Proc) Done() <-chan struct{} { return p.done }

// applyLocked brings the child's state in line with the flags.
func (p *Proc) applyLocked() error {
	want := p.suspended || p.dutyOff
	if want == p.stopped || p.exited {
		return nil
	}
	var err error
	if want {
		err = p.os.suspend()
	} else {
		err = p.os.resume()
	}
	if err != nil {
		return err
	}
	p.stopped = want
	now := time.Now()
	if want {
		p.active += now.Sub(p.activeSince)
		p.activeSince = time.Time{}
	} else {
		p.activeSince = now
	}
	return nil
}

func (p *Proc) activeTime() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.active
	if !p.activeSince.IsZero() {
		a += time.Since(p.activeSince)
	}
	return a
}

// kill ends the child for the given reason; the first reason wins. It
// reports whether the child was still running.
func (p *Proc) kill(kind FailureKind, msg string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exited {
		return false
	}
	if p.killMsg == "" {
		p.killKind, p.killMsg = kind, msg
	}
	if err := p.os.kill(); err != nil {
		p.log.Warn("Could not kill the sandbox child", "pid", p.cmd.Process.Pid, "err", err)
	}
	return true
}

// monitor enforces the time and scratch limits and ctx.
func (p *Proc) monitor(ctx context.Context) {
	t := time.NewTicker(monitorTick)
	defer t.Stop()
	scratchLimit := int64(p.spec.ScratchMB) << 20
	for i := 0; ; i++ {
		select {
		case <-p.done:
			return
		case <-ctx.Done():
			p.kill(KindKilled, "killed: "+ctx.Err().Error())
			return
		case <-t.C:
		}
		if p.activeTime() >= p.spec.Timeout {
			p.kill(KindTime, fmt.Sprintf("time limit reached (%v)", p.spec.Timeout))
			return
		}
		p.mu.Lock()
		stopped := p.stopped
		p.mu.Unlock()
		if i%2 == 1 && !stopped {
			if n := dirBytes(p.scratch); n > scratchLimit {
				p.kill(KindScratch, fmt.Sprintf("scratch limit reached (%d MB)", p.spec.ScratchMB))
				return
			}
		}
	}
}

// dutyLoop alternates the child between running and stopped slices.
func (p *Proc) dutyLoop() {
	percent := 100
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	setOff := func(off bool) {
		p.mu.Lock()
		p.dutyOff = off
		if err := p.applyLocked(); err != nil {
			p.log.Warn("Duty cycle could not switch the child", "err", err)
		}
		p.mu.Unlock()
	}
	wait := func(d time.Duration) (changed bool, done bool) {
		timer.Reset(d)
		select {
		case percent = <-p.dutyCh:
			timer.Stop()
			return true, false
		case <-p.done:
			timer.Stop()
			return false, true
		case <-timer.C:
			return false, false
		}
	}
	for {
		if percent >= 100 {
			setOff(false)
			select {
			case percent = <-p.dutyCh:
				continue
			case <-p.done:
				return
			}
		}
		on := dutyPeriod * time.Duration(percent) / 100
		if changed, done := wait(on); done {
			return
		} else if changed {
			continue
		}
		setOff(true)
		changed, done := wait(dutyPeriod - on)
		if done {
			return
		}
		setOff(false)
		_ = changed
	}
}

// finish gathers the result once the child has exited and cleans up.
func (p *Proc) finish(waitErr error) {
	defer close(p.done)
	st := p.cmd.ProcessState
	res := Result{WallSeconds: time.Since(p.start).Seconds(), OutputBytes: p.output.written()}
	if st != nil {
		res.CPUSeconds = (st.UserTime() + st.SystemTime()).Seconds()
		res.PeakMemoryBytes = peakMemory(st)
	}
	if pm := p.os.peakMemory(); pm > res.PeakMemoryBytes {
		res.PeakMemoryBytes = pm
	}
	p.mu.Lock()
	killKind, killMsg := p.killKind, p.killMsg
	p.mu.Unlock()

	var cs childStatus
	b, statusErr := os.ReadFile(p.status)
	if statusErr == nil {
		statusErr = json.Unmarshal(b, &cs)
	}
	switch {
	case killMsg != "":
		res.Kind, res.Message = killKind, killMsg
	case statusErr == nil:
		res.Kind, res.ExitCode, res.Message, res.CacheHit = cs.Kind, cs.ExitCode, cs.Message, cs.CacheHit
		// A write refused by the file size cap makes the module fail on
		// its own; name the cause.
		if cs.Kind != KindNone && dirBytes(p.scratch) >= int64(p.spec.ScratchMB)<<20 {
			res.Kind, res.ExitCode = KindScratch, 0
			res.Message = fmt.Sprintf("scratch limit reached (%d MB)", p.spec.ScratchMB)
		}
	case dirBytes(p.scratch) >= int64(p.spec.ScratchMB)<<20:
		// The file size cap refused a write (SIGXFSZ where not ignored).
		res.Kind, res.Message = KindScratch, fmt.Sprintf("scratch limit reached (%d MB)", p.spec.ScratchMB)
	case p.stderr.sawOOM():
		// The same words as the limiter's: the message is the job's result
		// on the network, and replicas that hit either cap must agree.
		p.log.Warn("Sandbox child ran out of memory under the OS cap", "pid", p.cmd.Process.Pid, "memoryMB", p.spec.MemoryMB)
		res.Kind, res.Message = KindMemory, fmt.Sprintf("memory limit reached (%d MB)", p.spec.MemoryMB)
	default:
		res.Kind = KindCrash
		res.Message = fmt.Sprintf("sandbox child failed: %v", waitErr)
		if waitErr == nil {
			res.Message = "sandbox child failed: it left no status"
		}
		p.log.Error("Sandbox child failed", "pid", p.cmd.Process.Pid, "err", waitErr, "statusErr", statusErr)
	}
	if res.Kind != KindNone && res.Kind != KindExit {
		res.ExitCode = 0
	}
	if p.outFile != nil {
		// Only a regular file is synced: /dev/null or a pipe refuses.
		if fi, err := p.outFile.Stat(); err == nil && fi.Mode().IsRegular() {
			if err := p.outFile.Sync(); err != nil && p.err == nil {
				p.err = fmt.Errorf("write output: %w", err)
			}
		}
		if err := p.outFile.Close(); err != nil && p.err == nil {
			p.err = fmt.Errorf("write output: %w", err)
		}
		p.outFile = nil
	}
	if err := p.output.err; err != nil && p.err == nil {
		p.err = fmt.Errorf("write output: %w", err)
	}
	p.result = res
	p.cleanup()
}

// cleanup removes what Start made for this run.
func (p *Proc) cleanup() {
	if p.outFile != nil {
		p.outFile.Close()
	}
	if p.os != nil {
		p.os.close()
	}
	if p.workDir != "" {
		if err := os.RemoveAll(p.workDir); err != nil {
			p.log.Warn("Could not remove the sandbox folder", "dir", p.workDir, "err", err)
		}
	}
}

// dirBytes sums the sizes of the files under dir (links not followed).
func dirBytes(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// limitWriter passes on at most limit bytes, then calls onLimit once and
// drops the rest.
type limitWriter struct {
	w       io.Writer
	limit   int64
	onLimit func()
	mu      sync.Mutex
	n       int64
	hit     bool
	err     error
}

func (l *limitWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	keep := b
	if room := l.limit - l.n; int64(len(keep)) > room {
		keep = keep[:max(room, 0)]
		if !l.hit {
			l.hit = true
			defer l.onLimit()
		}
	}
	if len(keep) > 0 && l.err == nil {
		n, err := l.w.Write(keep)
		l.n += int64(n)
		if err != nil {
			l.err = err
		}
	}
	return len(b), nil
}

func (l *limitWriter) written() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// cappedWriter passes on the first left bytes and notes that the rest was
// dropped. It keeps a short tail to recognise the Go runtime's
// out-of-memory death.
type cappedWriter struct {
	w         io.Writer
	mu        sync.Mutex
	left      int
	truncated bool
	tail      []byte
}

func (c *cappedWriter) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tail = append(c.tail, b...)
	if len(c.tail) > 4096 {
		c.tail = c.tail[len(c.tail)-4096:]
	}
	if c.left > 0 {
		keep := b[:min(len(b), c.left)]
		c.left -= len(keep)
		_, _ = c.w.Write(keep)
		if c.left == 0 {
			_, _ = io.WriteString(c.w, "\n[stderr truncated]\n")
		}
	}
	return len(b), nil
}

func (c *cappedWriter) sawOOM() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Contains(c.tail, []byte("fatal error: out of memory")) ||
		bytes.Contains(c.tail, []byte("memory allocation of")) // Rust's abort message
}
