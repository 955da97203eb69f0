//go:build !linux

package idle

import "context"

func childPIDs(ctx context.Context, pid int32) []int32 {
	return childrenByScan(ctx, pid)
}
