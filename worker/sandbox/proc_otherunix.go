//go:build unix && !linux

package sandbox

import "os/exec"

func setSysProcAttr(cmd *exec.Cmd) {}

// waitStopped: SIGSTOP takes effect at once; there is no cheap way to see it.
func waitStopped(pid int) error { return nil }

func cpuSeconds(pid int) (float64, error) { return 0, ErrUnsupported }
