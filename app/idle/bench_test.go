package idle

import (
	"context"
	"os"
	"testing"
)

// go test -run '^$' -bench . -benchmem ./app/idle (under Xvfb for X11)

func BenchmarkSample(b *testing.B) {
	s := NewSampler(nil, nil)
	defer s.Close()
	ctx := context.Background()
	s.Sample(ctx) // the first CPU sample waits 200 ms
	b.ResetTimer()
	for b.Loop() {
		s.Sample(ctx)
	}
}

func BenchmarkCPUSample(b *testing.B) {
	c := NewCPU(nil)
	ctx := context.Background()
	if _, err := c.Sample(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Sample(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCPUSampleWithOurs registers this process's parent, so the
// process-tree walk and per-process reads are included.
func BenchmarkCPUSampleWithOurs(b *testing.B) {
	ppid := os.Getppid()
	c := NewCPU(func() []int { return []int{ppid} })
	ctx := context.Background()
	if _, err := c.Sample(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Sample(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGPUDevicesFakeProbe(b *testing.B) {
	probe := &fakeProbe{readings: []gpuReading{{
		name: "fake", util: 50, procs: []int{1, 2, 3}, procUtilOK: true,
		procUtil: []gpuProcUtil{{pid: 1, smPercent: 20, timestamp: 1}, {pid: 2, smPercent: 30, timestamp: 2}},
	}}}
	g := newGPU(nil, nil, probe)
	ctx := context.Background()
	for b.Loop() {
		probe.since = probe.since[:0]
		if _, err := g.Devices(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
