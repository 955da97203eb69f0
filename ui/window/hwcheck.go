package window

import (
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shirou/gopsutil/v4/mem"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/ui/format"
)

// What the network needs of a node, checked by the first run.
const (
	MinCores       = 2
	MinMemoryBytes = 2 << 30
	// MinScore is the benchmark score (MiB/s of SHA-256 over all cores)
	// below which a node is too slow to finish jobs in time.
	MinScore = 300
)

// Hardware is what this machine offers.
type Hardware struct {
	Cores       int
	MemoryBytes uint64
	GPUs        []app.GPUState
	GPUNote     string
	Score       float64 // 0 until the benchmark ran
}

// DetectHardware reads cores and memory here, and the GPUs from the
// service's state (the service sees NVML; the window does not load it).
func DetectHardware(ctx context.Context, st app.State) Hardware {
	h := Hardware{Cores: runtime.NumCPU(), GPUs: st.GPUs, GPUNote: st.GPUNote}
	if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		h.MemoryBytes = vm.Total
	}
	return h
}

// Benchmark hashes with every core for about d and returns MiB/s: a
// rough score of what this machine does in the time it has.
func Benchmark(ctx context.Context, d time.Duration) float64 {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var total atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 64<<10)
			for ctx.Err() == nil {
				for range 16 {
					sum := sha256.Sum256(buf)
					buf[0] ^= sum[0]
				}
				total.Add(16 * int64(len(buf)))
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	if secs <= 0 {
		return 0
	}
	return float64(total.Load()) / (1 << 20) / secs
}

// HardwareLines describes the machine in a few lines.
func HardwareLines(h Hardware) []string {
	lines := []string{
		fmt.Sprintf("CPU: %d cores", h.Cores),
		"Memory: " + format.Bytes(h.MemoryBytes),
	}
	switch {
	case len(h.GPUs) > 0:
		for _, g := range h.GPUs {
			lines = append(lines, fmt.Sprintf("GPU: %s, %s", g.Name, format.Bytes(g.MemoryTotalBytes)))
		}
	case h.GPUNote != "":
		lines = append(lines, "GPU: "+h.GPUNote)
	default:
		lines = append(lines, "GPU: none found")
	}
	if h.Score > 0 {
		lines = append(lines, fmt.Sprintf("Benchmark: %.0f points", h.Score))
	}
	return lines
}

// Verdict says plainly whether the machine meets what the network needs,
// and what falls short. ok is false when something does.
func Verdict(h Hardware) (msg string, ok bool) {
	var short []string
	if h.Cores < MinCores {
		short = append(short, fmt.Sprintf("%d core (the network needs %d)", h.Cores, MinCores))
	}
	if h.MemoryBytes > 0 && h.MemoryBytes < MinMemoryBytes {
		short = append(short, fmt.Sprintf("%s of memory (needs %s)", format.Bytes(h.MemoryBytes), format.Bytes(MinMemoryBytes)))
	}
	if h.Score > 0 && h.Score < MinScore {
		short = append(short, fmt.Sprintf("a benchmark score of %.0f (needs %d)", h.Score, MinScore))
	}
	if len(short) > 0 {
		return "Below what the network needs: " + strings.Join(short, ", ") + ". idlenode can still run, but will get few jobs.", false
	}
	if h.Score == 0 {
		return "Run the benchmark to see how fast this machine is.", true
	}
	return "This machine meets what the network needs.", true
}
