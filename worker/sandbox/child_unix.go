//go:build unix && !linux

package sandbox

import (
	"fmt"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// lowerPriority gives this process nice 20 (the BSDs and macOS keep the
// nice value per process).
func lowerPriority() error {
	if err := unix.Setpriority(unix.PRIO_PROCESS, 0, 20); err != nil {
		return fmt.Errorf("lower priority: %w", err)
	}
	return nil
}

// limitProcess caps every file written at the scratch limit. These systems
// offer no memory cap that the Go runtime and the engine's reservations
// tolerate; the store's limiter bounds the module's memory.
func limitProcess(memoryBytes, scratchBytes int64) error {
	// A refused write should fail the write (EFBIG), not kill the child.
	signal.Ignore(syscall.SIGXFSZ)
	if scratchBytes > 0 {
		lim := unix.Rlimit{Cur: uint64(scratchBytes), Max: uint64(scratchBytes)}
		if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &lim); err != nil {
			return fmt.Errorf("limit process: RLIMIT_FSIZE: %w", err)
		}
	}
	return nil
}
