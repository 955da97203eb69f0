//go:build unix

package sandbox

import (
	"os"
	"runtime"
	"syscall"
)

// unixProc signals the child through os.Process, which cannot hit a
// recycled pid once the child is reaped.
type unixProc struct{ p *os.Process }

var _ osProc = (*unixProc)(nil)

func attachProc(p *os.Process, memoryBytes int64) (osProc, error) {
	return &unixProc{p: p}, nil
}

func (u *unixProc) suspend() error {
	if err := u.p.Signal(syscall.SIGSTOP); err != nil {
		return err
	}
	stopThreads(u.p.Pid)
	return nil
}

func (u *unixProc) resume() error      { return u.p.Signal(syscall.SIGCONT) }
func (u *unixProc) kill() error        { return u.p.Kill() }
func (u *unixProc) peakMemory() uint64 { return 0 }
func (u *unixProc) close()             {}

// peakMemory reads ru_maxrss: KiB on Linux and the BSDs, bytes on macOS.
func peakMemory(st *os.ProcessState) uint64 {
	ru, ok := st.SysUsage().(*syscall.Rusage)
	if !ok || ru.Maxrss <= 0 {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return uint64(ru.Maxrss)
	}
	return uint64(ru.Maxrss) << 10
}
