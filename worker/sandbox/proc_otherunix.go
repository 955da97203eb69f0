//go:build unix && !linux

package sandbox

import "os/exec"

func setSysProcAttr(cmd *exec.Cmd) {}

func cpuSeconds(pid int) (float64, error) { return 0, ErrUnsupported }

// stopThreads: the process-wide SIGSTOP is enough here.
func stopThreads(pid int) {}
