//go:build linux

package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// lowerPriority gives every thread of this process nice 19 and SCHED_IDLE.
// Linux keeps both per thread; threads made later inherit them from the
// thread that makes them, so setting all present threads covers the rest.
// Two passes catch a thread started during the first.
func lowerPriority() error {
	var errs []error
	for pass := 0; pass < 2; pass++ {
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("lower priority: %w", err)
		}
		for _, e := range ents {
			tid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if err := unix.Setpriority(unix.PRIO_PROCESS, tid, 19); err != nil && pass == 1 {
				errs = append(errs, err)
			}
			attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_IDLE}
			if err := unix.SchedSetAttr(tid, &attr, 0); err != nil && pass == 1 {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("lower priority: %w", err)
	}
	return nil
}

// limitProcess caps this process: RLIMIT_FSIZE bounds every file written
// (the scratch limit; stdout is a pipe and is not affected) and RLIMIT_DATA
// bounds private writable memory to what is mapped now plus the module's
// memory limit plus headroom for the engine. The Go runtime reserves its
// address space with PROT_NONE mappings, which RLIMIT_DATA does not count,
// so it tolerates this cap where it would not tolerate RLIMIT_AS.
func limitProcess(memoryBytes, scratchBytes int64) error {
	// A refused write should fail the write (EFBIG), not kill the child.
	signal.Ignore(syscall.SIGXFSZ)
	var errs []error
	if scratchBytes > 0 {
		lim := unix.Rlimit{Cur: uint64(scratchBytes), Max: uint64(scratchBytes)}
		if err := unix.Setrlimit(unix.RLIMIT_FSIZE, &lim); err != nil {
			errs = append(errs, fmt.Errorf("RLIMIT_FSIZE: %w", err))
		}
	}
	if memoryBytes > 0 {
		now, err := vmData()
		if err != nil {
			errs = append(errs, err)
		} else {
			max := uint64(now) + uint64(memoryBytes) + dataHeadroom
			lim := unix.Rlimit{Cur: max, Max: max}
			if err := unix.Setrlimit(unix.RLIMIT_DATA, &lim); err != nil {
				errs = append(errs, fmt.Errorf("RLIMIT_DATA: %w", err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("limit process: %w", err)
	}
	return nil
}

// dataHeadroom is what the engine and runtime may map beyond the module's
// memory once the module is compiled.
const dataHeadroom = 256 << 20

// vmData reads this process's VmData from /proc/self/status, in bytes.
func vmData() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Bytes()
		if rest, ok := bytes.CutPrefix(line, []byte("VmData:")); ok {
			f := bytes.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(string(f[0]), 10, 64)
				if err == nil {
					return kb << 10, nil
				}
			}
		}
	}
	return 0, errors.New("no VmData in /proc/self/status")
}
