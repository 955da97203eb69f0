//go:build windows

package sandbox

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// lowerPriority puts this process in the idle priority class.
func lowerPriority() error {
	if err := windows.SetPriorityClass(windows.CurrentProcess(), windows.IDLE_PRIORITY_CLASS); err != nil {
		return fmt.Errorf("lower priority: %w", err)
	}
	return nil
}

// limitProcess does nothing on Windows: the parent puts the child in a job
// object with a memory cap.
func limitProcess(memoryBytes, scratchBytes int64) error { return nil }
