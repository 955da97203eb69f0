package idle

import (
	"context"

	"github.com/shirou/gopsutil/v4/process"
)

// maxDescendants bounds the walk over a process tree, so that a job that
// forks without end cannot make sampling slow.
const maxDescendants = 4096

// expandPIDs returns pids and all their live descendants.
func expandPIDs(ctx context.Context, pids []int) map[int32]struct{} {
	if len(pids) == 0 {
		return nil
	}
	set := make(map[int32]struct{}, len(pids))
	queue := make([]int32, 0, len(pids))
	for _, p := range pids {
		if p > 0 {
			queue = append(queue, int32(p))
		}
	}
	for len(queue) > 0 && len(set) < maxDescendants {
		pid := queue[0]
		queue = queue[1:]
		if _, ok := set[pid]; ok {
			continue
		}
		set[pid] = struct{}{}
		queue = append(queue, childPIDs(ctx, pid)...)
	}
	return set
}

// childrenByScan asks gopsutil, which scans every process on the machine.
func childrenByScan(ctx context.Context, pid int32) []int32 {
	p, err := process.NewProcessWithContext(ctx, pid)
	if err != nil {
		return nil
	}
	kids, err := p.ChildrenWithContext(ctx)
	if err != nil {
		return nil // includes process.ErrorNoChildren
	}
	out := make([]int32, 0, len(kids))
	for _, k := range kids {
		out = append(out, k.Pid)
	}
	return out
}
