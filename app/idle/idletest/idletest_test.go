package idletest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app/idle"
	"github.com/idlenode/idlenode/app/idle/idletest"
)

func TestZeroValuesAreAQuietMachine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if s, err := (&idletest.CPU{}).Sample(ctx); err != nil || s != (idle.CPUSample{}) {
		t.Errorf("CPU = %+v, %v", s, err)
	}
	in := &idletest.Input{}
	if d, err := in.IdleFor(ctx); err != nil || d != 0 || in.Method() != "fake" {
		t.Errorf("Input = %v, %v, %q", d, err, in.Method())
	}
	if _, err := (&idletest.GPU{}).Devices(ctx); !errors.Is(err, idle.ErrNoGPU) {
		t.Errorf("GPU error = %v, want ErrNoGPU", err)
	}
	if p, err := (&idletest.Power{}).Read(ctx); err != nil || p.OnBattery {
		t.Errorf("Power = %+v, %v", p, err)
	}
	if _, err := (&idletest.Thermal{}).MaxCelsius(ctx); !errors.Is(err, idle.ErrUnsupported) {
		t.Errorf("Thermal error = %v, want ErrUnsupported", err)
	}
}

func TestInputFollowsItsClock(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	in := &idletest.Input{Now: func() time.Time { return now }}
	in.SetIdle(time.Minute)
	now = now.Add(30 * time.Second)
	if d, _ := in.IdleFor(context.Background()); d != 90*time.Second {
		t.Fatalf("IdleFor() = %v, want 90s", d)
	}
	in.Touch()
	if d, _ := in.IdleFor(context.Background()); d != 0 {
		t.Fatalf("IdleFor() after Touch = %v, want 0", d)
	}
	in.SetErr(idle.ErrUnsupported)
	if _, err := in.IdleFor(context.Background()); !errors.Is(err, idle.ErrUnsupported) {
		t.Fatalf("IdleFor() error = %v", err)
	}
	if in.Calls() != 3 {
		t.Fatalf("Calls() = %d, want 3", in.Calls())
	}
}

func TestGPUReturnsCopies(t *testing.T) {
	t.Parallel()
	g := &idletest.GPU{}
	g.Set([]idle.GPUInfo{{Name: "a", UtilPercent: 5}}, nil)
	got, _ := g.Devices(context.Background())
	got[0].UtilPercent = 99
	again, _ := g.Devices(context.Background())
	if again[0].UtilPercent != 5 {
		t.Fatal("Devices() shares its slice with callers")
	}
}

// TestFakesAreSafeForConcurrentUse is for -race.
func TestFakesAreSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	f := idletest.New(nil)
	s := f.Sampler()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 100 {
				s.Sample(context.Background())
			}
		}()
		go func() {
			defer wg.Done()
			for j := range 100 {
				f.CPU.Set(idle.CPUSample{OtherPercent: float64(j)}, nil)
				f.Input.SetIdle(time.Duration(i) * time.Second)
				f.GPU.Set([]idle.GPUInfo{{Index: j}}, nil)
				f.Power.Set(idle.PowerState{HasBattery: true, BatteryPercent: float64(j)}, nil)
				f.Thermal.Set(float64(j), nil)
				f.Memory.Set(float64(j), nil)
			}
		}()
	}
	wg.Wait()
	if f.CPU.Calls() != 400 || f.Input.Calls() != 400 {
		t.Fatalf("calls: cpu %d input %d, want 400 each", f.CPU.Calls(), f.Input.Calls())
	}
}
