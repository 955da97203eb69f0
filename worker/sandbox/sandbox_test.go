//go:build cgo

package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// run runs spec to its end and returns the result, stdout and stderr.
func run(t *testing.T, r *Runner, s Spec) (Result, string, string) {
	t.Helper()
	if s.OutputPath == "" {
		s.OutputPath = filepath.Join(t.TempDir(), "out")
	}
	var stderr lockedBuffer
	s.Stderr = &stderr
	p, err := r.Start(context.Background(), s)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	res, err := p.Wait()
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	out, err := os.ReadFile(s.OutputPath)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(out), stderr.String()
}

func TestHostileModules(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	input := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(input, []byte("shout this\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		mode  string
		spec  func(*Spec)
		kind  FailureKind
		msg   string
		code  int
		check func(t *testing.T, out, stderr string)
	}{
		{mode: "ok", check: wantOutput("hello from the sandbox\n")},
		{mode: "echo", spec: func(s *Spec) { s.InputPath = input }, check: wantOutput("SHOUT THIS\n")},
		{mode: "noeol", check: func(t *testing.T, out, stderr string) {
			wantOutput("no trailing newline")(t, out, stderr)
			if stderr != "stderr line" {
				t.Errorf("stderr = %q, want %q", stderr, "stderr line")
			}
		}},
		{mode: "passwd", check: deniedAll(4)},
		{mode: "net", check: deniedAll(3)},
		{mode: "env", check: wantOutput("env=[]\nargs=[\"job.wasm\" \"env\"]\n")},
		{mode: "sleep", check: wantOutput("slept 1.018s\ntimer fired at 1h0m1s\n")},
		{mode: "exit3", kind: KindExit, code: 3, msg: "module exited with code 3"},
		{mode: "panic", kind: KindExit, code: 2, msg: "module exited with code 2",
			check: func(t *testing.T, out, stderr string) {
				if !strings.Contains(stderr, "the guest panicked on purpose") {
					t.Errorf("stderr lacks the panic: %q", stderr)
				}
			}},
		{mode: "recurse", kind: KindTrap, msg: "trap: stack overflow"},
		{mode: "alloc", spec: func(s *Spec) { s.MemoryMB = 64 }, kind: KindMemory, msg: "memory limit reached (64 MB)"},
		{mode: "spin", spec: func(s *Spec) { s.Timeout = time.Second }, kind: KindTime, msg: "time limit reached (1s)"},
		{mode: "stdout", spec: func(s *Spec) { s.MaxOutputMB = 1 }, kind: KindOutput, msg: "output limit reached (1 MB)",
			check: func(t *testing.T, out, stderr string) {
				if len(out) != 1<<20 {
					t.Errorf("kept %d bytes of output, want exactly %d", len(out), 1<<20)
				}
			}},
		{mode: "disk", spec: func(s *Spec) { s.ScratchMB = 8 }, kind: KindScratch, msg: "scratch limit reached (8 MB)"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			s := Spec{ModulePath: wasm, Args: []string{tt.mode}, Timeout: 2 * time.Minute}
			if tt.spec != nil {
				tt.spec(&s)
			}
			res, out, stderr := run(t, testRunner(), s)
			if res.Kind != tt.kind || res.Message != tt.msg || res.ExitCode != tt.code {
				t.Fatalf("got kind %v, code %d, message %q; want %v, %d, %q (stderr %q)",
					res.Kind, res.ExitCode, res.Message, tt.kind, tt.code, tt.msg, stderr)
			}
			if res.WallSeconds <= 0 || res.CPUSeconds <= 0 || res.PeakMemoryBytes == 0 {
				t.Errorf("result lacks usage: %+v", res)
			}
			if tt.check != nil {
				tt.check(t, out, stderr)
			}
		})
	}
}

func TestWritesStayInScratch(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	base := t.TempDir()
	scratch := filepath.Join(base, "scratch")
	res, out, _ := run(t, testRunner(), Spec{ModulePath: wasm, Args: []string{"escape"}, ScratchDir: scratch})
	if res.Kind != KindNone {
		t.Fatalf("escape: %v %s", res.Kind, res.Message)
	}
	if strings.Contains(out, "wrote: /tmp") {
		t.Errorf("module claims a write to /tmp: %q", out)
	}
	ents, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "scratch" {
		t.Errorf("files appeared beside the scratch folder: %v", ents)
	}
	if _, err := os.Stat("/tmp/idlenode-sandbox-escape"); err == nil {
		t.Errorf("/tmp/idlenode-sandbox-escape exists")
	}
	// Writes the module thinks went to .. or / land inside scratch.
	for _, name := range []string{"inside.txt", "idlenode-sandbox-escape"} {
		if b, err := os.ReadFile(filepath.Join(scratch, name)); err != nil || string(b) != "escaped" {
			t.Errorf("%s in scratch: %q, %v", name, b, err)
		}
	}
}

func TestDeterministic(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	r := testRunner()
	_, a, _ := run(t, r, Spec{ModulePath: wasm, Args: []string{"clocks"}, Seed: 7})
	_, b, _ := run(t, r, Spec{ModulePath: wasm, Args: []string{"clocks"}, Seed: 7})
	if a != b {
		t.Fatalf("two runs with one seed differ:\n%s\n---\n%s", a, b)
	}
	if !strings.Contains(a, "now 1577836800000000000 2020-01-01T00:00:00Z\n") {
		t.Errorf("clock is not the fixed one:\n%s", a)
	}
	_, c, _ := run(t, r, Spec{ModulePath: wasm, Args: []string{"clocks"}, Seed: 8})
	if lineWith(a, "crypto/rand") == lineWith(c, "crypto/rand") {
		t.Errorf("another seed gave the same random bytes: %s", lineWith(c, "crypto/rand"))
	}
}

// TestGoGuestNaNs: a Go program's NaNs, made at run time and read back as
// bits, are the canonical ones; without the rewrite this CPU shows others.
func TestGoGuestNaNs(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	res, out, stderr := run(t, testRunner(), Spec{ModulePath: wasm, Args: []string{"nan"}})
	want := strings.Repeat("7ff8000000000000 7fc00000\n", 4)
	if res.Kind != KindNone || out != want {
		t.Fatalf("%v %s: got\n%s\nwant\n%s\n%s", res.Kind, res.Message, out, want, stderr)
	}
	if runtime.GOARCH == "amd64" {
		r := testRunner()
		r.nanMode = nanOff
		if _, off, _ := run(t, r, Spec{ModulePath: wasm, Args: []string{"nan"}}); off == want {
			t.Errorf("without the rewrite the NaNs are canonical too: the test proves nothing")
		}
	}
}

func TestInvalidModules(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	wat := func(name, src string) string {
		b, err := wasmtime.Wat2Wasm(src)
		if err != nil {
			t.Fatal(err)
		}
		return write(name, b)
	}
	// An f64.store of an i32: the error names the byte of the module as
	// built, not as rewritten for NaN canonicalisation.
	typeErr := []byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x05\x03\x01\x00\x01" +
		"\x0a\x0b\x01\x09\x00\x41\x00\x41\x00\x39\x03\x00\x0b")
	verr := wasmtime.ModuleValidate(wasmtime.NewEngine(), typeErr)
	if verr == nil {
		t.Fatal("the type error module validates")
	}
	tests := []struct {
		name, path string
		kind       FailureKind
		msg        string
	}{
		{"typeerror", write("typeerror.wasm", typeErr), KindInvalidModule, "invalid module: " + firstLine(verr.Error())},
		{"gc", wat("gc.wasm", `(module (type (struct)) (func (export "_start")))`), KindInvalidModule, ""},
		{"garbage", write("garbage.wasm", []byte("#!/bin/sh\necho not wasm\n")), KindInvalidModule, "not a WebAssembly module (no \\0asm header)"},
		{"empty", write("empty.wasm", nil), KindInvalidModule, "not a WebAssembly module (no \\0asm header)"},
		{"component", write("component.wasm", []byte("\x00asm\x0d\x00\x01\x00")), KindInvalidModule, "unsupported WebAssembly binary version 65549 (a component or a newer format?)"},
		{"truncated", write("truncated.wasm", []byte("\x00asm\x01\x00\x00\x00\x01\x05")), KindInvalidModule, ""},
		{"nostart", wat("nostart.wasm", `(module (func (export "main")))`), KindInvalidModule, "module has no _start function (not a WASI command)"},
		{"envimport", wat("env.wasm", `(module (import "env" "steal" (func)) (func (export "_start")))`), KindInvalidModule, "unsupported import env.steal (only WASI preview 1 is offered)"},
		{"badwasi", wat("badwasi.wasm", `(module (import "wasi_snapshot_preview1" "sock_open" (func)) (func (export "_start")))`), KindInvalidModule, "unsupported import wasi_snapshot_preview1.sock_open (only WASI preview 1 is offered)"},
		{"unreachable", wat("unreachable.wasm", `(module (func (export "_start") unreachable))`), KindTrap, "trap: unreachable"},
		{"recursion", wat("recursion.wasm", `(module (func $f (export "_start") call $f))`), KindTrap, "trap: stack overflow"},
		{"oob", wat("oob.wasm", `(module (memory 1) (func (export "_start") i32.const 70000 i32.load drop))`), KindTrap, "trap: out of bounds memory access"},
		{"bigmemory", wat("big.wasm", `(module (memory (export "memory") 2000) (func (export "_start")))`), KindMemory, "memory limit reached (64 MB): the module needs 125 MB to start"},
		// A single memory.grow past the limit, refused while the module
		// holds almost nothing, then a failure of the module's own.
		{"biggrow", wat("biggrow.wasm", growThenExit(`(memory (export "memory") 1)`, 10000, 3)), KindMemory, "memory limit reached (64 MB)"},
		// The module's own maximum is not the sandbox's limit.
		{"ownmax", wat("ownmax.wasm", growThenExit(`(memory (export "memory") 1 10)`, 20, 3)), KindExit, "module exited with code 3"},
		// A module that copes with the refusal succeeds.
		{"copes", wat("copes.wasm", growThenExit(`(memory (export "memory") 1)`, 10000, 0)), KindNone, "-"},
		{"divzero", wat("div.wasm", `(module (func (export "_start") i32.const 1 i32.const 0 i32.div_s drop))`), KindTrap, "trap: integer divide by zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, _, stderr := run(t, testRunner(), Spec{ModulePath: tt.path, MemoryMB: 64})
			if res.Kind != tt.kind {
				t.Fatalf("kind %v (%q), want %v; stderr %q", res.Kind, res.Message, tt.kind, stderr)
			}
			if tt.msg == "-" {
				return
			}
			if tt.msg != "" && res.Message != tt.msg {
				t.Errorf("message %q, want %q", res.Message, tt.msg)
			}
			if tt.msg == "" && !strings.HasPrefix(res.Message, "invalid module: ") {
				t.Errorf("message %q, want an 'invalid module: ' line", res.Message)
			}
			if strings.Contains(res.Message, "\n") {
				t.Errorf("message is not one line: %q", res.Message)
			}
		})
	}
}

// growThenExit is a module with the given memory that grows it by pages
// and, when that is refused, exits with code.
func growThenExit(memory string, pages, code int) string {
	return fmt.Sprintf(`(module
	  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
	  %s
	  (func (export "_start")
	    (if (i32.eq (memory.grow (i32.const %d)) (i32.const -1))
	      (then (call $exit (i32.const %d))))))`, memory, pages, code)
}

func TestStartErrors(t *testing.T) {
	r := testRunner()
	_, err := r.Start(context.Background(), Spec{})
	if !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("empty spec: %v, want ErrInvalidSpec", err)
	}
	_, err = r.Start(context.Background(), Spec{ModulePath: filepath.Join(t.TempDir(), "missing.wasm")})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing module: %v, want not exist", err)
	}
	_, err = r.Start(context.Background(), Spec{ModulePath: "x.wasm", MemoryMB: -1})
	if !errors.Is(err, ErrInvalidSpec) {
		t.Errorf("negative memory: %v, want ErrInvalidSpec", err)
	}
	wasm := filepath.Join(t.TempDir(), "m.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm\x01\x00\x00\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"/", os.Getenv("HOME")} {
		if dir == "" {
			continue
		}
		if _, err := r.Start(context.Background(), Spec{ModulePath: wasm, ScratchDir: dir}); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("scratch %s: %v, want ErrInvalidSpec", dir, err)
		}
	}
}

// TestSuspendUsesNoCPU measures the child's CPU time over a window while
// it is suspended: it must not move. The module then resumes and finishes.
func TestSuspendUsesNoCPU(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads CPU time from /proc")
	}
	wasm := buildGuest(t, "hostile")
	out := filepath.Join(t.TempDir(), "out")
	p, err := testRunner().Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"work", "1500"}, OutputPath: out})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	waitCPU(t, p, 0.3)
	if err := p.Suspend(); err != nil {
		t.Fatal(err)
	}
	waitAllStopped(t, p.Pid())
	c0, err := p.CPUSeconds()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	c1, err := p.CPUSeconds()
	if err != nil {
		t.Fatal(err)
	}
	if c1 != c0 {
		t.Errorf("suspended child used %.2f s of CPU", c1-c0)
	}
	if err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	waitCPU(t, p, c1+0.05)
	res, err := p.Wait()
	if err != nil || res.Kind != KindNone {
		t.Fatalf("after resume: %+v, %v", res, err)
	}
	if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte("done ")) {
		t.Errorf("output %q", b)
	}
}

// TestDutyCycle: at a low duty cycle the child is switched off in slices
// (the OS side of stopping is measured by TestSuspendUsesNoCPU and
// BenchmarkDutyCycle); at 100% it runs unthrottled and finishes.
func TestDutyCycle(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	p, err := testRunner().Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"work", "300"}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	stopped := func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.stopped
	}
	p.SetDutyCycle(10)
	deadline := time.Now().Add(30 * time.Second)
	for !stopped() {
		if time.Now().After(deadline) {
			t.Fatal("never saw the child stopped at a 10% duty cycle")
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.SetDutyCycle(100)
	time.Sleep(dutyPeriod) // let the loop take the new value
	for stopped() {
		if time.Now().After(deadline) {
			t.Fatal("the child stayed stopped at 100%")
		}
		time.Sleep(2 * time.Millisecond)
	}
	res, err := p.Wait()
	if err != nil || res.Kind != KindNone {
		t.Fatalf("result %+v, %v", res, err)
	}
}

func TestKillAndContext(t *testing.T) {
	t.Parallel()
	wasm := buildGuest(t, "hostile")
	p, err := testRunner().Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"spin"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Suspend(); err != nil {
		t.Fatal(err)
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	res, _ := p.Wait()
	if res.Kind != KindKilled || res.Message != "killed by the node" {
		t.Errorf("Kill: %v %q", res.Kind, res.Message)
	}
	if err := p.Kill(); !errors.Is(err, ErrFinished) {
		t.Errorf("second Kill: %v, want ErrFinished", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	p, err = testRunner().Start(ctx, Spec{ModulePath: wasm, Args: []string{"spin"}})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	res, _ = p.Wait()
	if res.Kind != KindKilled || res.Message != "killed: context canceled" {
		t.Errorf("cancel: %v %q", res.Kind, res.Message)
	}
}

// TestCheckpointSurvivesRestart: a job suspended and killed leaves its
// checkpoint; started again on the same scratch folder it continues from
// there, and the other files of the first run are gone.
func TestCheckpointSurvivesRestart(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	scratch := filepath.Join(t.TempDir(), "job-1")
	r := testRunner()
	p, err := r.Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"checkpoint", "1000000"}, ScratchDir: scratch})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for readCheckpoint(scratch) < 3 {
		if time.Now().After(deadline) {
			p.Kill()
			t.Fatal("no checkpoint written")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.Suspend(); err != nil {
		t.Fatal(err)
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if res, _ := p.Wait(); res.Kind != KindKilled {
		t.Fatalf("first run: %v %s", res.Kind, res.Message)
	}
	n := readCheckpoint(scratch)
	if err := os.WriteFile(filepath.Join(scratch, "stale.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	target := strconv.Itoa(n + 5)
	res, out, _ := run(t, r, Spec{ModulePath: wasm, Args: []string{"checkpoint", target}, ScratchDir: scratch})
	if res.Kind != KindNone {
		t.Fatalf("restart: %v %s", res.Kind, res.Message)
	}
	want := "resumed from " + strconv.Itoa(n) + "\nreached " + target + "\n"
	if out != want {
		t.Errorf("restart output %q, want %q", out, want)
	}
	if _, err := os.Stat(filepath.Join(scratch, "stale.txt")); err == nil {
		t.Error("a non-checkpoint file survived the restart")
	}
}

// helloWAT prints "hello from the sandbox\n".
const helloWAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from the sandbox\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 23))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`

func TestCompileCache(t *testing.T) {
	b, err := wasmtime.Wat2Wasm(helloWAT)
	if err != nil {
		t.Fatal(err)
	}
	wasm := filepath.Join(t.TempDir(), "hello.wasm")
	if err := os.WriteFile(wasm, b, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "cache")
	r := &Runner{CacheDir: dir}
	spec := Spec{ModulePath: wasm}
	res, _, _ := run(t, r, spec)
	if res.Kind != KindNone || res.CacheHit {
		t.Fatalf("first run: %+v", res)
	}
	res, _, _ = run(t, r, spec)
	if res.Kind != KindNone || !res.CacheHit {
		t.Fatalf("second run did not hit the cache: %+v", res)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("cache folder mode %v, %v; want 0700", fi.Mode(), err)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*.cwasm"))
	if len(entries) != 1 {
		t.Fatalf("cache entries %v", entries)
	}
	// Tamper with the native code: the next run must recompile, not load it.
	// (In place, as an attacker would, not by rename.)
	f, err := os.OpenFile(entries[0], os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, err = f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	one := []byte{0}
	if _, err := f.ReadAt(one, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	one[0] ^= 0xff
	if _, err := f.WriteAt(one, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res, out, _ := run(t, r, spec)
	if res.Kind != KindNone || res.CacheHit || out != "hello from the sandbox\n" {
		t.Fatalf("tampered entry: %+v %q", res, out)
	}
	res, _, _ = run(t, r, spec)
	if !res.CacheHit {
		t.Errorf("the recompiled entry was not cached again: %+v", res)
	}
}

// waitAllStopped waits until /proc shows every thread of pid stopped
// (a thread waiting for a CPU gets there when it is next scheduled).
func waitAllStopped(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		stopped, err := allStopped(pid)
		if err != nil {
			t.Fatal(err)
		}
		if stopped {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the child's threads never all stopped")
		}
		time.Sleep(time.Millisecond)
	}
}

func waitCPU(t *testing.T, p *Proc, atLeast float64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := p.CPUSeconds()
		if err != nil {
			t.Fatalf("CPU time: %v", err)
		}
		if c >= atLeast {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("child reached only %.2f s of CPU", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readCheckpoint(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

func wantOutput(want string) func(t *testing.T, out, stderr string) {
	return func(t *testing.T, out, stderr string) {
		t.Helper()
		if out != want {
			t.Errorf("output %q, want %q", out, want)
		}
	}
}

func deniedAll(n int) func(t *testing.T, out, stderr string) {
	return func(t *testing.T, out, stderr string) {
		t.Helper()
		if strings.Count(out, "denied: ") != n || strings.Contains(out, "LEAK") {
			t.Errorf("want %d denials and no leak, got:\n%s", n, out)
		}
	}
}

func lineWith(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestNaNCanonical: 0/0 computed at run time comes out as the canonical
// NaN (0x7ff8000000000000), not the CPU's own (x86 gives the sign bit set).
func TestNaNCanonical(t *testing.T) {
	b, err := wasmtime.Wat2Wasm(`(module
	  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
	  (memory (export "memory") 1)
	  (func (export "_start")
	    (i64.store (i32.const 16) (i64.reinterpret_f64
	      (f64.div (f64.load (i32.const 100)) (f64.load (i32.const 108)))))
	    (i32.store (i32.const 0) (i32.const 16))
	    (i32.store (i32.const 4) (i32.const 8))
	    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))))`)
	if err != nil {
		t.Fatal(err)
	}
	wasm := filepath.Join(t.TempDir(), "nan.wasm")
	if err := os.WriteFile(wasm, b, 0o600); err != nil {
		t.Fatal(err)
	}
	canonical := "\x00\x00\x00\x00\x00\x00\xf8\x7f"
	res, out, _ := run(t, testRunner(), Spec{ModulePath: wasm})
	if res.Kind != KindNone || out != canonical {
		t.Fatalf("NaN bytes %x (%v %s), want %x", out, res.Kind, res.Message, canonical)
	}
	if runtime.GOARCH == "amd64" {
		// Without canonicalisation x86 shows its own NaN: the setting matters.
		r := testRunner()
		r.nanMode = nanOff
		_, out, _ := run(t, r, Spec{ModulePath: wasm})
		if out == canonical {
			t.Errorf("without canonicalisation the NaN is still canonical; the test proves nothing")
		}
	}
}

// TestPollOnDescriptors: poll_oneoff on a descriptor (not only clocks)
// goes to wasmtime's own and works.
func TestPollOnDescriptors(t *testing.T) {
	b, err := wasmtime.Wat2Wasm(`(module
	  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
	  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
	  (memory (export "memory") 1)
	  (func (export "_start")
	    (i64.store (i32.const 0) (i64.const 7))
	    (i32.store8 (i32.const 8) (i32.const 1))
	    (i32.store (i32.const 16) (i32.const 0))
	    (i32.store8 (i32.const 300) (i32.add (i32.const 48)
	      (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200))))
	    (i32.store8 (i32.const 301) (i32.add (i32.const 48) (i32.load (i32.const 200))))
	    (i32.store8 (i32.const 302) (i32.add (i32.const 48) (i32.load8_u (i32.const 100))))
	    (i32.store (i32.const 400) (i32.const 300))
	    (i32.store (i32.const 404) (i32.const 3))
	    (drop (call $w (i32.const 1) (i32.const 400) (i32.const 1) (i32.const 500)))))`)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	wasm, input := filepath.Join(dir, "poll.wasm"), filepath.Join(dir, "in")
	if err := os.WriteFile(wasm, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(input, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, out, stderr := run(t, testRunner(), Spec{ModulePath: wasm, InputPath: input})
	// errno 0, one event, for userdata 7.
	if res.Kind != KindNone || out != "017" {
		t.Fatalf("poll on stdin: %v %s, output %q, stderr %q", res.Kind, res.Message, out, stderr)
	}
}

// TestSuspendedTimeIsFree: time suspended does not count toward the time
// limit; time running after Resume does.
func TestSuspendedTimeIsFree(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out a 3 s limit and 4 s suspended")
	}
	t.Parallel()
	wasm := buildGuest(t, "hostile")
	p, err := testRunner().Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"spin"}, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	if err := p.Suspend(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
		res, _ := p.Wait()
		t.Fatalf("ended while suspended: %v %s", res.Kind, res.Message)
	case <-time.After(4 * time.Second): // longer than the limit
	}
	if err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	res, _ := p.Wait()
	if res.Kind != KindTime {
		t.Fatalf("after resume: %v %s, want the time limit", res.Kind, res.Message)
	}
	if res.WallSeconds < 7 {
		t.Errorf("wall %.1f s: the suspended 4 s counted toward the 3 s limit", res.WallSeconds)
	}
	if err := p.Resume(); !errors.Is(err, ErrFinished) {
		t.Errorf("Resume after the end: %v, want ErrFinished", err)
	}
}
