package sandbox

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Safe defaults, used where a Spec leaves a limit at zero.
const (
	DefaultMemoryMB    = 256
	DefaultTimeout     = 10 * time.Minute
	DefaultMaxOutputMB = 64
	DefaultScratchMB   = 256
	// StderrCap is how much of a module's stderr is passed on; the rest is
	// dropped with a note.
	StderrCap = 64 << 10
)

// Exported sentinel errors, for errors.Is.
var (
	// ErrInvalidSpec: the Spec cannot be run as given.
	ErrInvalidSpec = errors.New("sandbox: invalid spec")
	// ErrNoEngine: this binary was built without cgo, so it has no wasm engine.
	ErrNoEngine = errors.New("sandbox: this build has no wasm engine (built without cgo)")
	// ErrFinished: the child has already ended.
	ErrFinished = errors.New("sandbox: process already finished")
)

// Spec says what to run and within which limits. Zero limits take the
// defaults above.
type Spec struct {
	// ModulePath is the WebAssembly module (WASI preview 1 command).
	ModulePath string
	// InputPath becomes the module's stdin; empty means an empty stdin.
	InputPath string
	// OutputPath receives the module's stdout (created or truncated, 0600);
	// empty means stdout is counted and dropped.
	OutputPath string
	// Stderr receives the module's stderr, capped at StderrCap; nil drops it.
	Stderr io.Writer
	// Args are the module's arguments after argv[0] (which is "job.wasm").
	Args []string
	// Seed seeds the module's random numbers (WASI random_get).
	Seed uint64
	// MemoryMB caps the module's linear memory.
	MemoryMB int
	// Timeout caps the time the child runs (compiling included), not
	// counting time suspended.
	Timeout time.Duration
	// MaxOutputMB caps stdout.
	MaxOutputMB int
	// ScratchMB caps the bytes in the scratch folder.
	ScratchMB int
	// ScratchDir is the module's working folder, kept across restarts so that
	// checkpoint* files survive. It must belong to this job alone: Start
	// removes everything in it but checkpoint*. Empty means a private
	// temporary folder removed afterwards.
	ScratchDir string
}

func (s Spec) withDefaults() Spec {
	if s.MemoryMB == 0 {
		s.MemoryMB = DefaultMemoryMB
	}
	if s.Timeout == 0 {
		s.Timeout = DefaultTimeout
	}
	if s.MaxOutputMB == 0 {
		s.MaxOutputMB = DefaultMaxOutputMB
	}
	if s.ScratchMB == 0 {
		s.ScratchMB = DefaultScratchMB
	}
	return s
}

// Validate reports what is wrong with s, after defaults are applied.
func (s Spec) Validate() error {
	s = s.withDefaults()
	switch {
	case s.ModulePath == "":
		return fmt.Errorf("%w: no module given", ErrInvalidSpec)
	case s.MemoryMB < 1 || s.MemoryMB > 4096:
		return fmt.Errorf("%w: memory %d MB is outside 1..4096", ErrInvalidSpec, s.MemoryMB)
	case s.Timeout < 0:
		return fmt.Errorf("%w: negative timeout %v", ErrInvalidSpec, s.Timeout)
	case s.MaxOutputMB < 0:
		return fmt.Errorf("%w: negative output limit %d MB", ErrInvalidSpec, s.MaxOutputMB)
	case s.ScratchMB < 0:
		return fmt.Errorf("%w: negative scratch limit %d MB", ErrInvalidSpec, s.ScratchMB)
	}
	for i, a := range s.Args {
		if strings.IndexByte(a, 0) >= 0 {
			return fmt.Errorf("%w: argument %d contains a NUL byte", ErrInvalidSpec, i+1)
		}
	}
	return nil
}

// FailureKind says why a run did not succeed. Values are persisted and
// reported: never renumber.
type FailureKind int

const (
	KindNone          FailureKind = 0 // the module exited 0
	KindMemory        FailureKind = 1 // memory limit reached
	KindTime          FailureKind = 2 // time limit reached
	KindOutput        FailureKind = 3 // output limit reached
	KindScratch       FailureKind = 4 // scratch limit reached
	KindExit          FailureKind = 5 // the module exited with a non-zero code
	KindTrap          FailureKind = 6 // the module trapped
	KindInvalidModule FailureKind = 7 // not wasm, no _start, unsupported imports
	KindKilled        FailureKind = 8 // killed by the node (Kill or context end)
	KindCrash         FailureKind = 9 // the sandbox child itself failed
)

var kindNames = [...]string{"none", "memory", "time", "output", "scratch", "exit", "trap", "invalid module", "killed", "crash"}

func (k FailureKind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// ExitCode is the `idlenode sandbox exec` exit status for k (see doc.go).
func (k FailureKind) ExitCode() int {
	switch k {
	case KindNone:
		return 0
	case KindCrash:
		return 1
	}
	return 9 + int(k) // 10 memory ... 17 killed
}

// Result is what a finished run reports.
type Result struct {
	Kind FailureKind
	// ExitCode is the module's exit code (0 unless Kind is KindNone or KindExit).
	ExitCode int
	// Message is one line naming what happened, empty on success.
	Message string
	// CPUSeconds is user plus system time of the child, compile included.
	CPUSeconds float64
	// WallSeconds is the time from Start to exit, suspensions included.
	WallSeconds float64
	// PeakMemoryBytes is the child's peak resident memory (0 where unknown).
	PeakMemoryBytes uint64
	// OutputBytes is how much stdout was kept.
	OutputBytes int64
	// CacheHit says the compiled module came from the cache.
	CacheHit bool
}

// Err returns nil on success, else an error carrying Message.
func (r Result) Err() error {
	if r.Kind == KindNone {
		return nil
	}
	return &RunError{Kind: r.Kind, Msg: r.Message}
}

// RunError is a failed run as an error.
type RunError struct {
	Kind FailureKind
	Msg  string
}

func (e *RunError) Error() string { return e.Msg }
