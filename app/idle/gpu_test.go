package idle

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
)

// fakeProbe is a gpuProbe over fixed readings.
type fakeProbe struct {
	mu        sync.Mutex
	initErr   error
	readings  []gpuReading
	inits     int
	since     []uint64 // the sinceMicros of each read, in order
	shutdowns int
}

var _ gpuProbe = (*fakeProbe)(nil)

func (f *fakeProbe) init() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inits++
	return f.initErr
}

func (f *fakeProbe) count() (int, error) { return len(f.readings), nil }

func (f *fakeProbe) read(i int, since uint64) (gpuReading, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.since = append(f.since, since)
	return f.readings[i], nil
}

func (f *fakeProbe) shutdown() error { f.shutdowns++; return nil }

func TestGPUTellsOursFromOthers(t *testing.T) {
	t.Parallel()
	const ourJob, ourJobChild = 4242, 4243 // not live processes: no descendants
	probe := &fakeProbe{readings: []gpuReading{
		{ // device 0: our job at 80%, a game at 15% (two samples: 10, 20)
			name: "NVIDIA GeForce RTX 4070", util: 95, memUsed: 3 << 30, memTotal: 12 << 30,
			tempC: 66, powerW: 180.5, energyMJ: 123456789,
			procs:      []int{ourJob, 777, 777, 888},
			procUtilOK: true,
			procUtil: []gpuProcUtil{
				{pid: ourJob, smPercent: 80, timestamp: 100},
				{pid: 777, smPercent: 10, timestamp: 110},
				{pid: 777, smPercent: 20, timestamp: 150},
				{pid: 888, smPercent: 0, timestamp: 120},
			},
		},
		{ // device 1: no per-process utilization; only ours runs
			name: "Tesla T4", util: 60, procs: []int{ourJobChild},
		},
	}}
	g := newGPU(func() []int { return []int{ourJob, ourJobChild} }, nil, probe)
	got, err := g.Devices(context.Background())
	if err != nil {
		t.Fatalf("Devices() error = %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("Devices() = %d devices, want 2", len(got))
	}
	want0 := GPUInfo{Index: 0, Name: "NVIDIA GeForce RTX 4070", UtilPercent: 95, OtherUtilPercent: 15,
		MemoryUsedBytes: 3 << 30, MemoryTotalBytes: 12 << 30, TemperatureC: 66, PowerWatts: 180.5,
		EnergyMillijoules: 123456789, OtherProcesses: 2}
	if got[0] != want0 {
		t.Errorf("device 0 = %+v\nwant       %+v", got[0], want0)
	}
	if got[1].OtherUtilPercent != 0 || got[1].OtherProcesses != 0 || got[1].UtilPercent != 60 {
		t.Errorf("device 1 = %+v: only our job runs, so others use 0%%", got[1])
	}

	// The next read asks for samples after the newest one seen.
	if _, err := g.Devices(context.Background()); err != nil {
		t.Fatal(err)
	}
	if probe.since[2] != 150 || probe.since[3] != 0 {
		t.Errorf("second read since = %v, want device 0 from 150 and device 1 from 0", probe.since[2:])
	}
	if probe.inits != 1 {
		t.Errorf("init called %d times, want once", probe.inits)
	}
}

func TestGPUWithoutPerProcessData(t *testing.T) {
	t.Parallel()
	probe := &fakeProbe{readings: []gpuReading{
		{name: "a", util: 40, procs: []int{1000}}, // someone else only
		{name: "b", util: 40},                     // nobody listed
	}}
	g := newGPU(func() []int { return []int{5} }, nil, probe)
	got, err := g.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range got {
		if d.OtherUtilPercent != 40 {
			t.Errorf("%s: OtherUtilPercent = %v, want all of 40 when none of ours runs", d.Name, d.OtherUtilPercent)
		}
	}
	if got[0].OtherProcesses != 1 {
		t.Errorf("OtherProcesses = %d, want 1", got[0].OtherProcesses)
	}
}

func TestGPUOursIncludesDescendants(t *testing.T) {
	t.Parallel()
	// Register this process's parent as our job: this process is then
	// its descendant and must count as ours.
	parent := os.Getppid()
	probe := &fakeProbe{readings: []gpuReading{{
		util: 50, procs: []int{os.Getpid()}, procUtilOK: true,
		procUtil: []gpuProcUtil{{pid: os.Getpid(), smPercent: 50, timestamp: 1}},
	}}}
	g := newGPU(func() []int { return []int{parent} }, nil, probe)
	got, err := g.Devices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got[0].OtherUtilPercent != 0 || got[0].OtherProcesses != 0 {
		t.Fatalf("device = %+v: a child of our job is ours", got[0])
	}
}

func TestGPUNoDriverIsErrNoGPU(t *testing.T) {
	t.Parallel()
	probe := &fakeProbe{initErr: ErrNoGPU}
	g := newGPU(nil, nil, probe)
	for range 3 {
		if _, err := g.Devices(context.Background()); !errors.Is(err, ErrNoGPU) {
			t.Fatalf("Devices() error = %v, want ErrNoGPU", err)
		}
	}
	if probe.inits != 1 {
		t.Fatalf("init called %d times; a missing driver is looked for once", probe.inits)
	}
	if err := g.Close(); err != nil || probe.shutdowns != 0 {
		t.Fatalf("Close() = %v after %d shutdowns; nothing to shut down", err, probe.shutdowns)
	}
}

func TestGPUZeroDevices(t *testing.T) {
	t.Parallel()
	g := newGPU(nil, nil, &fakeProbe{})
	if _, err := g.Devices(context.Background()); !errors.Is(err, ErrNoGPU) {
		t.Fatalf("Devices() error = %v, want ErrNoGPU", err)
	}
}

// TestGPUReal runs NVML for real: on a machine without the NVIDIA library
// (this one) it must say ErrNoGPU, not crash; on a GPU machine it logs the
// readings.
func TestGPUReal(t *testing.T) {
	t.Parallel()
	g := NewGPU(nil, nil)
	defer g.(interface{ Close() error }).Close()
	got, err := g.Devices(context.Background())
	switch {
	case errors.Is(err, ErrNoGPU):
		t.Logf("no GPU: %v", err)
		if err.Error() == "" || !errors.Is(err, ErrNoGPU) {
			t.Fatal("ErrNoGPU must carry its message")
		}
	case err != nil:
		t.Fatalf("Devices() error = %v", err)
	default:
		if len(got) == 0 {
			t.Fatal("Devices() returned no devices and no error")
		}
		for _, d := range got {
			t.Logf("GPU %+v", d)
			if d.Name == "" || d.MemoryTotalBytes == 0 {
				t.Errorf("GPU %d lacks a name or memory size: %+v", d.Index, d)
			}
		}
	}
}
