package idle

import (
	"bytes"
	"context"
	"os"
	"strconv"
)

// childPIDs reads /proc/PID/task/TID/children for every thread, which costs
// a few small reads instead of a scan of every process. Kernels without
// CONFIG_PROC_CHILDREN fall back to the scan.
func childPIDs(ctx context.Context, pid int32) []int32 {
	dir := "/proc/" + strconv.Itoa(int(pid)) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []int32
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/children")
		if err != nil {
			if os.IsNotExist(err) {
				return childrenByScan(ctx, pid)
			}
			continue
		}
		for _, f := range bytes.Fields(b) {
			if n, err := strconv.ParseInt(string(f), 10, 32); err == nil {
				out = append(out, int32(n))
			}
		}
	}
	return out
}
