package idle

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/process"
)

// firstSampleInterval is how long the first CPU sample measures, since
// there is no previous call to measure from.
const firstSampleInterval = 200 * time.Millisecond

// gopsutilCPU measures total busy time from gopsutil and subtracts the CPU
// time of our job processes and their descendants.
type gopsutilCPU struct {
	ours func() []int

	mu        sync.Mutex
	cores     int
	have      bool
	prevTotal float64
	prevBusy  float64
	lastTotal float64
	lastBusy  float64
	prevProc  map[int32]float64
	curProc   map[int32]float64
	last      CPUSample
}

var _ CPU = (*gopsutilCPU)(nil)

// NewCPU returns the real CPU signal. ours returns the PIDs of our job
// processes (it may be nil); their descendants count as ours too, so jobs
// never count as the owner being busy.
func NewCPU(ours func() []int) CPU {
	if ours == nil {
		ours = func() []int { return nil }
	}
	return &gopsutilCPU{
		ours:     ours,
		prevProc: make(map[int32]float64),
		curProc:  make(map[int32]float64),
	}
}

func (c *gopsutilCPU) Sample(ctx context.Context) (CPUSample, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cores == 0 {
		n, err := cpu.CountsWithContext(ctx, true)
		if err != nil || n < 1 {
			n = 1
		}
		c.cores = n
	}
	if !c.have {
		if err := c.read(ctx); err != nil {
			return CPUSample{}, err
		}
		c.prevTotal, c.prevBusy = c.lastTotal, c.lastBusy
		c.prevProc, c.curProc = c.curProc, c.prevProc
		c.have = true
		t := time.NewTimer(firstSampleInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			c.have = false
			return CPUSample{}, fmt.Errorf("sample cpu: %w", ctx.Err())
		case <-t.C:
		}
	}
	if err := c.read(ctx); err != nil {
		return CPUSample{}, err
	}
	dTotal := c.lastTotal - c.prevTotal
	dBusy := c.lastBusy - c.prevBusy
	if dTotal <= 0 {
		// Called again within one clock tick: nothing new to say.
		return c.last, nil
	}
	var dOurs float64
	for pid, now := range c.curProc {
		before, seen := c.prevProc[pid]
		switch {
		case seen && now >= before:
			dOurs += now - before
		default:
			// New to us (or a reused PID): all its time is recent
			// enough to be ours rather than the owner's.
			dOurs += now
		}
	}
	busy := clamp100(dBusy / dTotal * 100)
	ours := clamp100(dOurs / dTotal * 100)
	if ours > busy {
		ours = busy
	}
	c.last = CPUSample{OtherPercent: busy - ours, OursPercent: ours, Cores: c.cores}
	c.prevTotal, c.prevBusy = c.lastTotal, c.lastBusy
	c.prevProc, c.curProc = c.curProc, c.prevProc
	return c.last, nil
}

// read fills lastTotal, lastBusy and curProc.
func (c *gopsutilCPU) read(ctx context.Context) error {
	ts, err := cpu.TimesWithContext(ctx, false)
	if err != nil {
		return fmt.Errorf("read cpu times: %w", err)
	}
	if len(ts) == 0 {
		return fmt.Errorf("read cpu times: %w", ErrUnsupported)
	}
	t := ts[0]
	// Guest time is already part of user and nice on Linux.
	total := t.User + t.System + t.Idle + t.Nice + t.Iowait + t.Irq + t.Softirq + t.Steal
	c.lastTotal = total
	c.lastBusy = total - t.Idle - t.Iowait

	clear(c.curProc)
	for pid := range expandPIDs(ctx, c.ours()) {
		p, err := process.NewProcessWithContext(ctx, pid)
		if err != nil {
			continue // exited since ours() listed it
		}
		pt, err := p.TimesWithContext(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("read process times: %w", err)
			}
			continue
		}
		c.curProc[pid] = pt.User + pt.System
	}
	return nil
}
