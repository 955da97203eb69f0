package idle

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// gpuProbe is the narrow part of NVML this package uses, so that the logic
// that tells our GPU use from others' is tested without a GPU.
type gpuProbe interface {
	// init loads the library; ErrNoGPU when there is no library or driver.
	init() error
	count() (int, error)
	// read reads device i; per-process utilization since sinceMicros, an
	// NVML timestamp.
	read(i int, sinceMicros uint64) (gpuReading, error)
	shutdown() error
}

// gpuReading is what a probe reads from one device. Values the device does
// not support are zero.
type gpuReading struct {
	name     string
	util     float64
	memUsed  uint64
	memTotal uint64
	tempC    float64
	powerW   float64
	energyMJ uint64
	// procs are the PIDs of running compute and graphics processes.
	procs []int
	// procUtilOK is false when the device reports no per-process
	// utilization; procUtil then is empty.
	procUtilOK bool
	procUtil   []gpuProcUtil
}

// gpuProcUtil is one per-process utilization sample.
type gpuProcUtil struct {
	pid       int
	smPercent float64
	timestamp uint64
}

// nvmlGPU turns probe readings into GPUInfo, telling our processes from
// others'.
type nvmlGPU struct {
	ours  func() []int
	log   *slog.Logger
	probe gpuProbe

	mu       sync.Mutex
	initDone bool
	initErr  error
	lastSeen map[int]uint64
}

var _ GPU = (*nvmlGPU)(nil)

// NewGPU returns the NVIDIA GPU signal. NVML is loaded at the first call to
// Devices, so the binary starts on machines without libnvidia-ml; there,
// and without cgo or on macOS, Devices returns ErrNoGPU. ours returns the
// PIDs of our job processes (their descendants count as ours too).
func NewGPU(ours func() []int, log *slog.Logger) GPU {
	return newGPU(ours, log, newNVMLProbe())
}

func newGPU(ours func() []int, log *slog.Logger, probe gpuProbe) *nvmlGPU {
	if ours == nil {
		ours = func() []int { return nil }
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &nvmlGPU{ours: ours, log: log, probe: probe, lastSeen: make(map[int]uint64)}
}

// Devices reads every GPU once.
func (g *nvmlGPU) Devices(ctx context.Context) ([]GPUInfo, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.initDone {
		// Once: a driver installed later needs a restart, and trying to
		// load a missing library every second costs for nothing.
		g.initDone = true
		g.initErr = g.probe.init()
		if g.initErr != nil {
			g.log.Info("No GPU signal", "err", g.initErr)
		}
	}
	if g.initErr != nil {
		return nil, g.initErr
	}
	n, err := g.probe.count()
	if err != nil {
		return nil, fmt.Errorf("count gpus: %w", err)
	}
	if n == 0 {
		return nil, ErrNoGPU
	}
	ours := expandPIDs(ctx, g.ours())
	out := make([]GPUInfo, 0, n)
	for i := 0; i < n; i++ {
		r, err := g.probe.read(i, g.lastSeen[i])
		if err != nil {
			return nil, fmt.Errorf("read gpu %d: %w", i, err)
		}
		out = append(out, g.info(i, r, ours))
	}
	return out, nil
}

// info is pure: readings and our PIDs in, one GPUInfo out.
func (g *nvmlGPU) info(i int, r gpuReading, ours map[int32]struct{}) GPUInfo {
	isOurs := func(pid int) bool { _, ok := ours[int32(pid)]; return ok }
	info := GPUInfo{
		Index:             i,
		Name:              r.name,
		UtilPercent:       clamp100(r.util),
		MemoryUsedBytes:   r.memUsed,
		MemoryTotalBytes:  r.memTotal,
		TemperatureC:      r.tempC,
		PowerWatts:        r.powerW,
		EnergyMillijoules: r.energyMJ,
	}
	seen := make(map[int]bool, len(r.procs))
	oursRunning := false
	for _, pid := range r.procs {
		if seen[pid] {
			continue // a process can be both compute and graphics
		}
		seen[pid] = true
		if isOurs(pid) {
			oursRunning = true
		} else {
			info.OtherProcesses++
		}
	}
	switch {
	case r.procUtilOK:
		// Several samples per process: average each, sum the others.
		type acc struct {
			sum float64
			n   int
		}
		per := make(map[int]acc)
		for _, s := range r.procUtil {
			a := per[s.pid]
			a.sum += s.smPercent
			a.n++
			per[s.pid] = a
			if s.timestamp > g.lastSeen[i] {
				g.lastSeen[i] = s.timestamp
			}
		}
		var other float64
		for pid, a := range per {
			if !isOurs(pid) {
				other += a.sum / float64(a.n)
			}
		}
		info.OtherUtilPercent = clamp100(other)
	case oursRunning:
		// No split available: jobs must never count as the owner being
		// busy, and input idle still catches an owner at work.
		info.OtherUtilPercent = 0
	default:
		info.OtherUtilPercent = info.UtilPercent
	}
	return info
}

// Close releases NVML.
func (g *nvmlGPU) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.initDone || g.initErr != nil {
		return nil
	}
	g.initDone = false
	return g.probe.shutdown()
}
