package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app/settings"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.Local)

// idle returns readings of a quiet machine whose owner left long ago.
func idle(at time.Time) Signals {
	return Signals{Now: at, InputIdle: time.Hour, InputKnown: true, CPUOtherPercent: 3}
}

func TestRules(t *testing.T) {
	def := settings.Default()
	with := func(f func(*settings.Settings)) settings.Settings { s := settings.Default(); f(&s); return s }
	cases := []struct {
		name   string
		sig    func(Signals) Signals
		set    settings.Settings
		pause  Pause
		work   bool
		cause  Cause
		reason string
	}{
		{name: "idle machine works", sig: func(s Signals) Signals { return s }, set: def, work: true, reason: "You have been away 1 h"},
		{name: "recent input", sig: func(s Signals) Signals { s.InputIdle = 12 * time.Second; return s }, set: def,
			cause: CauseInput, reason: "Keyboard or mouse used 12 s ago (works after 3 min)"},
		{name: "input exactly at threshold works", sig: func(s Signals) Signals { s.InputIdle = 3 * time.Minute; return s }, set: def, work: true},
		{name: "unknown input falls back to CPU", sig: func(s Signals) Signals { s.InputKnown = false; s.InputIdle = 0; return s }, set: def,
			work: true, reason: "Idle detection unavailable: watching the CPU only"},
		{name: "busy CPU blocks start", sig: func(s Signals) Signals { s.CPUOtherPercent = 63.4; return s }, set: def,
			cause: CauseCPU, reason: "Other programs use 63% CPU (limit 25%)"},
		{name: "CPU at the limit works", sig: func(s Signals) Signals { s.CPUOtherPercent = 25; return s }, set: def, work: true},
		{name: "on battery", sig: func(s Signals) Signals { s.HasBattery, s.OnBattery, s.BatteryPercent = true, true, 42; return s }, set: def,
			cause: CauseBattery, reason: "On battery (42%)"},
		{name: "battery allowed above minimum", sig: func(s Signals) Signals { s.HasBattery, s.OnBattery, s.BatteryPercent = true, true, 80; return s },
			set: with(func(s *settings.Settings) { s.RunOnBattery = true; s.MinBatteryPercent = 50 }), work: true},
		{name: "battery allowed at exactly minimum", sig: func(s Signals) Signals { s.HasBattery, s.OnBattery, s.BatteryPercent = true, true, 50; return s },
			set: with(func(s *settings.Settings) { s.RunOnBattery = true; s.MinBatteryPercent = 50 }), work: true},
		{name: "battery below minimum", sig: func(s Signals) Signals { s.HasBattery, s.OnBattery, s.BatteryPercent = true, true, 18; return s },
			set:   with(func(s *settings.Settings) { s.RunOnBattery = true; s.MinBatteryPercent = 30 }),
			cause: CauseBattery, reason: "Battery at 18% (works above 30%)"},
		{name: "battery charging on AC works", sig: func(s Signals) Signals { s.HasBattery, s.OnBattery, s.BatteryPercent = true, false, 5; return s }, set: def, work: true},
		{name: "outside schedule", sig: func(s Signals) Signals { return s },
			set:   with(func(s *settings.Settings) { s.Schedule = []settings.Window{{Start: "22:00", End: "07:00"}} }),
			cause: CauseSchedule, reason: "Outside your schedule (works 22:00–07:00)"},
		{name: "inside schedule across midnight", sig: func(s Signals) Signals { s.Now = t0.Add(11*time.Hour + 30*time.Minute); return s },
			set: with(func(s *settings.Settings) { s.Schedule = []settings.Window{{Start: "22:00", End: "07:00"}} }), work: true},
		{name: "too hot", sig: func(s Signals) Signals { s.TemperatureC, s.TemperatureKnown = 88, true; return s },
			set: with(func(s *settings.Settings) { s.MaxTemperatureC = 80 }), cause: CauseTemperature, reason: "Too hot: 88 °C (limit 80 °C)"},
		{name: "heat ignored without a limit", sig: func(s Signals) Signals { s.TemperatureC, s.TemperatureKnown = 95, true; return s }, set: def, work: true},
		{name: "paused", sig: func(s Signals) Signals { return s }, set: def, pause: Pause{Paused: true}, cause: CausePaused, reason: "Paused by you"},
		{name: "snoozed", sig: func(s Signals) Signals { return s }, set: def, pause: Pause{Paused: true, Until: t0.Add(time.Hour)},
			cause: CausePaused, reason: "Paused by you until 13:00"},
		{name: "snooze expired", sig: func(s Signals) Signals { return s }, set: def, pause: Pause{Paused: true, Until: t0}, work: true},
		{name: "pause beats everything", sig: func(s Signals) Signals { s.InputIdle = 0; s.CPUOtherPercent = 99; return s }, set: def,
			pause: Pause{Paused: true}, cause: CausePaused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := New().Decide(c.sig(idle(t0)), c.set, c.pause)
			if d.Work != c.work || (!c.work && d.Cause != c.cause) {
				t.Fatalf("work=%v cause=%v (%q), want work=%v cause=%v", d.Work, d.Cause, d.Reason, c.work, c.cause)
			}
			if c.reason != "" && d.Reason != c.reason {
				t.Fatalf("reason %q, want %q", d.Reason, c.reason)
			}
		})
	}
}

func TestInputStopsAtOnce(t *testing.T) {
	p := New()
	s := settings.Default()
	if d := p.Decide(idle(t0), s, Pause{}); !d.Work {
		t.Fatal("not working on an idle machine")
	}
	sig := idle(t0.Add(100 * time.Millisecond))
	sig.InputIdle = 50 * time.Millisecond
	if d := p.Decide(sig, s, Pause{}); d.Work || d.Cause != CauseInput {
		t.Fatalf("input did not stop work at once: %+v", d)
	}
}

func TestNoisyCausesHoldThenStop(t *testing.T) {
	p := New()
	s := settings.Default()
	p.Decide(idle(t0), s, Pause{})
	busy := func(at time.Duration) Decision {
		sig := idle(t0.Add(at))
		sig.CPUOtherPercent = 80
		return p.Decide(sig, s, Pause{})
	}
	if d := busy(time.Second); !d.Work || d.Pending != CauseCPU || !strings.HasPrefix(d.PendingReason, "Other programs use 80% CPU") {
		t.Fatalf("stopped before the hold, or did not say why it may: %+v", d)
	}
	if d := busy(5 * time.Second); !d.Work {
		t.Fatalf("stopped at 4 s of load: %+v", d)
	}
	if d := busy(6 * time.Second); d.Work || d.Cause != CauseCPU {
		t.Fatalf("did not stop after the hold: %+v", d)
	}
}

func TestBlipDoesNotStop(t *testing.T) {
	p := New()
	s := settings.Default()
	p.Decide(idle(t0), s, Pause{})
	for i := 1; i < 30; i++ {
		sig := idle(t0.Add(time.Duration(i) * time.Second))
		if i%3 == 0 { // a spike every third second never lasts
			sig.CPUOtherPercent = 90
		}
		if d := p.Decide(sig, s, Pause{}); !d.Work {
			t.Fatalf("short spikes stopped work at %d s: %+v", i, d)
		}
	}
}

func TestResumeAfterNoisyStopWaits(t *testing.T) {
	p := New()
	s := settings.Default()
	sig := idle(t0)
	sig.CPUOtherPercent = 90
	if d := p.Decide(sig, s, Pause{}); d.Work {
		t.Fatal("worked under load")
	}
	for _, at := range []time.Duration{time.Second, 10 * time.Second, 15 * time.Second} {
		d := p.Decide(idle(t0.Add(at)), s, Pause{})
		if d.Work || d.Cause != CauseSettling || !strings.Contains(d.Reason, "starting in") {
			t.Fatalf("at %v: resumed too early or wrong reason: %+v", at, d)
		}
	}
	if d := p.Decide(idle(t0.Add(16*time.Second)), s, Pause{}); !d.Work {
		t.Fatalf("did not resume after the quiet period: %+v", d)
	}
	// Load back during settling restarts the wait.
	sig = idle(t0.Add(17 * time.Second))
	sig.CPUOtherPercent = 90
	p.Decide(sig, s, Pause{}) // working: pending only
	sig.Now = t0.Add(23 * time.Second)
	if d := p.Decide(sig, s, Pause{}); d.Work {
		t.Fatal("kept working under sustained load")
	}
	if d := p.Decide(idle(t0.Add(24*time.Second)), s, Pause{}); d.Work {
		t.Fatal("resumed without settling after the second stop")
	}
}

func TestResumeAfterInputNeedsOnlyIdleTime(t *testing.T) {
	p := New()
	s := settings.Default()
	sig := idle(t0)
	sig.InputIdle = time.Second
	p.Decide(sig, s, Pause{})
	sig = idle(t0.Add(3 * time.Minute))
	sig.InputIdle = 3 * time.Minute
	if d := p.Decide(sig, s, Pause{}); !d.Work {
		t.Fatalf("idle time reached but not working: %+v", d)
	}
}

func TestSnoozeExpires(t *testing.T) {
	p := New()
	s := settings.Default()
	pause := Pause{Paused: true, Until: t0.Add(time.Hour)}
	if d := p.Decide(idle(t0.Add(59*time.Minute)), s, pause); d.Work {
		t.Fatal("worked while snoozed")
	}
	if d := p.Decide(idle(t0.Add(time.Hour)), s, pause); !d.Work {
		t.Fatalf("snooze did not expire: %+v", d)
	}
}

func TestGPU(t *testing.T) {
	s := settings.Default()
	sig := idle(t0)
	if d := New().Decide(sig, s, Pause{}); d.GPU || d.GPUReason != "No GPU available" {
		t.Fatalf("GPU without GPU: %+v", d)
	}
	sig.GPUKnown = true
	if d := New().Decide(sig, s, Pause{}); !d.GPU {
		t.Fatalf("idle GPU not used: %+v", d)
	}
	sig.GPUOtherPercent = 34
	if d := New().Decide(sig, s, Pause{}); d.GPU || d.GPUReason != "GPU busy with other programs (34%, limit 10%)" {
		t.Fatalf("busy GPU: %+v", d)
	}
	sig.GPUOtherPercent = 0
	sig.InputIdle = time.Second
	if d := New().Decide(sig, s, Pause{}); d.GPU {
		t.Fatal("GPU used while owner types without gpu_while_in_use")
	}
	s.GPUWhileInUse = true
	if d := New().Decide(sig, s, Pause{}); !d.GPU || d.Work {
		t.Fatalf("gpu_while_in_use: %+v", d)
	}
	s.GPUEnabled = false
	if d := New().Decide(idle(t0), s, Pause{}); d.GPU {
		t.Fatal("GPU used while off")
	}
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0 s", 12 * time.Second: "12 s", 3 * time.Minute: "3 min",
		2*time.Hour + 5*time.Minute: "2 h 5 min", 2 * time.Hour: "2 h",
	} {
		if got := Ago(d); got != want {
			t.Errorf("Ago(%v) = %q, want %q", d, got, want)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	p := New()
	s := settings.Default()
	s.Schedule = []settings.Window{{Start: "00:00", End: "23:59"}}
	sig := idle(t0)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sig.Now = t0.Add(time.Duration(i) * time.Millisecond)
		p.Decide(sig, s, Pause{})
	}
}
