package idle

import (
	"context"
	"fmt"

	"github.com/shirou/gopsutil/v4/mem"
)

// gopsutilMemory reads physical memory use from gopsutil.
type gopsutilMemory struct{}

var _ Memory = gopsutilMemory{}

// NewMemory returns the memory signal.
func NewMemory() Memory { return gopsutilMemory{} }

func (gopsutilMemory) UsedPercent(ctx context.Context) (float64, error) {
	v, err := mem.VirtualMemoryWithContext(ctx)
	if err != nil {
		return 0, fmt.Errorf("read memory: %w", err)
	}
	return clamp100(v.UsedPercent), nil
}
