package idle

import (
	"context"
	"testing"
	"time"
)

// TestCPUOursVersusOthers measures one busy child with two samplers over
// the same interval: one that knows the child is ours and one that does
// not. The machine may be busy with other work too, so the test compares
// the two instead of expecting an idle machine.
func TestCPUOursVersusOthers(t *testing.T) {
	for _, mode := range []string{"spin", "parent"} {
		t.Run(mode, func(t *testing.T) {
			child := startChild(t, mode)
			pid := child.Process.Pid
			knows := NewCPU(func() []int { return []int{pid} })
			blind := NewCPU(nil)
			ctx := context.Background()
			// Baselines (the first call measures 200 ms on its own).
			if _, err := knows.Sample(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := blind.Sample(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1500 * time.Millisecond)
			a, err := knows.Sample(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b, err := blind.Sample(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("knows: %+v; blind: %+v", a, b)
			if a.Cores < 1 || b.Cores != a.Cores {
				t.Fatalf("Cores = %d and %d", a.Cores, b.Cores)
			}
			// One spinning process gets at least a tenth of a core even
			// on a loaded machine.
			minShare := 10 / float64(a.Cores)
			if a.OursPercent < minShare {
				t.Errorf("OursPercent = %.1f, want >= %.1f: the busy child is ours", a.OursPercent, minShare)
			}
			if b.OursPercent != 0 {
				t.Errorf("blind OursPercent = %.1f, want 0", b.OursPercent)
			}
			if b.OtherPercent < minShare {
				t.Errorf("blind OtherPercent = %.1f, want >= %.1f: the busy child is someone else's", b.OtherPercent, minShare)
			}
			// Same machine, same interval: the busy time is the same,
			// so what the first calls ours, the second calls other.
			if a.OtherPercent > b.OtherPercent-a.OursPercent/2 {
				t.Errorf("OtherPercent = %.1f with the child ours, %.1f without: ours (%.1f) must not count as other",
					a.OtherPercent, b.OtherPercent, a.OursPercent)
			}
			for _, s := range []CPUSample{a, b} {
				if s.OtherPercent < 0 || s.OursPercent < 0 || s.OtherPercent+s.OursPercent > 100.0001 {
					t.Errorf("sample out of range: %+v", s)
				}
			}
		})
	}
}

func TestCPUFirstSampleHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewCPU(nil).Sample(ctx); err == nil {
		t.Fatal("Sample() with a cancelled context succeeded")
	}
}

func TestCPUVanishedPIDs(t *testing.T) {
	t.Parallel()
	// PIDs that do not exist (or exited) are skipped, not an error.
	c := NewCPU(func() []int { return []int{-1, 0, 1 << 30} })
	for range 2 {
		s, err := c.Sample(context.Background())
		if err != nil {
			t.Fatalf("Sample() error = %v", err)
		}
		if s.OursPercent != 0 {
			t.Fatalf("OursPercent = %v for PIDs that do not exist", s.OursPercent)
		}
	}
}
