package sandbox

import "errors"

// ErrUnsupported: this operation is not offered on this OS.
var ErrUnsupported = errors.New("sandbox: not supported on this OS")

// osProc is the OS's handle on a child: stop, continue, kill. suspend
// returns once no thread of the child can run module code again.
type osProc interface {
	suspend() error
	resume() error
	kill() error
	// peakMemory is the child's peak memory where the OS tracks it beyond
	// rusage (0 otherwise).
	peakMemory() uint64
	close()
}
