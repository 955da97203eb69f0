package idle_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app/idle"
	"github.com/idlenode/idlenode/app/idle/idletest"
)

func TestSamplerOverFakes(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	f := idletest.New(func() time.Time { return now })
	f.CPU.Set(idle.CPUSample{OtherPercent: 63, OursPercent: 30, Cores: 8}, nil)
	f.Input.SetIdle(12 * time.Second)
	f.Input.SetMethod("x11-screensaver")
	f.Memory.Set(41.5, nil)
	f.Power.Set(idle.PowerState{OnBattery: true, HasBattery: true, BatteryPercent: 42}, nil)
	f.Thermal.Set(71, nil)
	gpu := idle.GPUInfo{Name: "RTX", UtilPercent: 90, OtherUtilPercent: 10}
	f.GPU.Set([]idle.GPUInfo{gpu}, nil)

	s := f.Sampler().Sample(context.Background())
	if !s.Time.Equal(now) || s.CPUErr != nil || s.CPU.OtherPercent != 63 || s.CPU.Cores != 8 {
		t.Errorf("time/cpu = %v %+v %v", s.Time, s.CPU, s.CPUErr)
	}
	if !s.InputKnown || s.InputIdle != 12*time.Second || s.InputMethod != "x11-screensaver" {
		t.Errorf("input = %v %v %q", s.InputIdle, s.InputKnown, s.InputMethod)
	}
	if !s.MemoryKnown || s.MemoryPercent != 41.5 {
		t.Errorf("memory = %v %v", s.MemoryPercent, s.MemoryKnown)
	}
	if !s.PowerKnown || !s.Power.OnBattery || s.Power.BatteryPercent != 42 {
		t.Errorf("power = %+v %v", s.Power, s.PowerKnown)
	}
	if !s.TemperatureKnown || s.TemperatureC != 71 {
		t.Errorf("temperature = %v %v", s.TemperatureC, s.TemperatureKnown)
	}
	if len(s.GPUs) != 1 || s.GPUs[0] != gpu || s.GPUNote != "" {
		t.Errorf("gpus = %+v, note %q", s.GPUs, s.GPUNote)
	}

	// The fake clock moves: idle grows with it.
	now = now.Add(5 * time.Second)
	if d, known, _ := f.Sampler().InputIdle(context.Background()); !known || d != 17*time.Second {
		t.Errorf("InputIdle() after 5 s = %v, %v; want 17s", d, known)
	}
}

func TestSamplerErrorsBecomeUnknown(t *testing.T) {
	t.Parallel()
	f := idletest.New(nil)
	boom := errors.New("boom")
	f.CPU.Set(idle.CPUSample{}, boom)
	f.Input.SetErr(idle.ErrUnsupported)
	f.Input.SetMethod("none: no desktop session")
	f.Memory.Set(0, boom)
	f.Power.Set(idle.PowerState{}, boom)
	f.Thermal.Set(0, boom)
	f.GPU.Set(nil, idle.ErrNoGPU)

	s := f.Sampler().Sample(context.Background())
	if !errors.Is(s.CPUErr, boom) || s.InputKnown || s.MemoryKnown || s.PowerKnown || s.TemperatureKnown {
		t.Errorf("Sample() = %+v: every failed signal must be unknown", s)
	}
	if s.InputMethod != "none: no desktop session" || s.GPUNote != "no NVIDIA GPU found" || s.GPUs != nil {
		t.Errorf("method %q, gpu note %q, gpus %v", s.InputMethod, s.GPUNote, s.GPUs)
	}

	// Nil signals are unknown too, never a panic.
	var empty idle.Sampler
	s = empty.Sample(context.Background())
	if s.CPUErr == nil || s.InputKnown || s.MemoryKnown || s.GPUNote == "" || !strings.HasPrefix(s.InputMethod, "none") {
		t.Errorf("empty Sampler = %+v", s)
	}
	if err := empty.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
}

// TestSamplerReal reads this machine's real signals.
func TestSamplerReal(t *testing.T) {
	s := idle.NewSampler(nil, nil)
	defer s.Close()
	sig := s.Sample(context.Background())
	t.Logf("signals: %+v", sig)
	if sig.CPUErr != nil || sig.CPU.Cores < 1 {
		t.Errorf("CPU = %+v, %v", sig.CPU, sig.CPUErr)
	}
	if !sig.MemoryKnown || !sig.PowerKnown {
		t.Errorf("memory known %v, power known %v", sig.MemoryKnown, sig.PowerKnown)
	}
	if sig.InputMethod == "" {
		t.Error("InputMethod is empty")
	}
	if os.Getenv("DISPLAY") != "" && (!sig.InputKnown || sig.InputMethod != "x11-screensaver") {
		t.Errorf("under DISPLAY: input %v known %v method %q", sig.InputIdle, sig.InputKnown, sig.InputMethod)
	}
	if len(sig.GPUs) == 0 && !strings.HasPrefix(sig.GPUNote, "no NVIDIA GPU found") {
		t.Errorf("no GPUs and the note says %q", sig.GPUNote)
	}
}

func ExampleSampler() {
	f := idletest.New(nil)
	f.CPU.Set(idle.CPUSample{OtherPercent: 12, Cores: 4}, nil)
	f.Input.SetErr(idle.ErrUnsupported)
	f.Input.SetMethod("none: DISPLAY not set")
	s := f.Sampler().Sample(context.Background())
	fmt.Println(s.CPU.OtherPercent, s.InputKnown, s.InputMethod, s.GPUNote)
	// Output: 12 false none: DISPLAY not set no NVIDIA GPU found
}
