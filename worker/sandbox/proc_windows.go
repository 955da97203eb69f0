//go:build windows

package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	ntdll            = windows.NewLazySystemDLL("ntdll.dll")
	ntSuspendProcess = ntdll.NewProc("NtSuspendProcess")
	ntResumeProcess  = ntdll.NewProc("NtResumeProcess")
)

// jobHeadroom is what the engine, the Go runtime and the compiler may use
// beyond the module's memory limit.
const jobHeadroom = 1 << 30

// setSysProcAttr starts the child at idle priority, without a console.
func setSysProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{
		CreationFlags: windows.IDLE_PRIORITY_CLASS | windows.CREATE_NO_WINDOW,
	}
}

// winProc suspends the whole process (every thread) and puts it in a job
// object that caps its committed memory and kills it with the job.
type winProc struct {
	p   *os.Process
	h   windows.Handle
	job windows.Handle
}

var _ osProc = (*winProc)(nil)

func attachProc(p *os.Process, memoryBytes int64) (osProc, error) {
	w := &winProc{p: p}
	h, err := windows.OpenProcess(windows.PROCESS_SUSPEND_RESUME|windows.PROCESS_SET_QUOTA|
		windows.PROCESS_TERMINATE|windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(p.Pid))
	if err != nil {
		return w, fmt.Errorf("open child: %w", err)
	}
	w.h = h
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return w, fmt.Errorf("create job object: %w", err)
	}
	w.job = job
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_PROCESS_MEMORY | windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	info.ProcessMemoryLimit = uintptr(memoryBytes + jobHeadroom)
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		return w, fmt.Errorf("limit job object: %w", err)
	}
	if err := windows.AssignProcessToJobObject(job, h); err != nil {
		return w, fmt.Errorf("assign job object: %w", err)
	}
	return w, nil
}

func (w *winProc) call(proc *windows.LazyProc) error {
	if w.h == 0 {
		return ErrUnsupported
	}
	if err := proc.Find(); err != nil {
		return err
	}
	if st, _, _ := proc.Call(uintptr(w.h)); st != 0 {
		return fmt.Errorf("%s: NTSTATUS %#x", proc.Name, st)
	}
	return nil
}

// suspend: NtSuspendProcess suspends every thread before it returns.
func (w *winProc) suspend() error { return w.call(ntSuspendProcess) }
func (w *winProc) resume() error  { return w.call(ntResumeProcess) }
func (w *winProc) kill() error    { return w.p.Kill() }

func (w *winProc) peakMemory() uint64 {
	if w.job == 0 {
		return 0
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	if err := windows.QueryInformationJobObject(w.job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)), nil); err != nil {
		return 0
	}
	return uint64(info.PeakProcessMemoryUsed)
}

func (w *winProc) close() {
	if w.job != 0 {
		windows.CloseHandle(w.job)
		w.job = 0
	}
	if w.h != 0 {
		windows.CloseHandle(w.h)
		w.h = 0
	}
}

// peakMemory: Windows reports it through the job object instead.
func peakMemory(st *os.ProcessState) uint64 { return 0 }

// cpuSeconds is the child's user and kernel time so far.
func cpuSeconds(pid int) (float64, error) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return 0, fmt.Errorf("cpu time: %w", err)
	}
	defer windows.CloseHandle(h)
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		return 0, fmt.Errorf("cpu time: %w", err)
	}
	ticks := func(f windows.Filetime) uint64 { return uint64(f.HighDateTime)<<32 | uint64(f.LowDateTime) }
	return float64(ticks(kernel)+ticks(user)) / 1e7, nil // 100 ns units
}
