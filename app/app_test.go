package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app/idle"
	"github.com/idlenode/idlenode/app/idle/idletest"
	"github.com/idlenode/idlenode/app/settings"
)

// recWorker records what the core tells it. It stands in for the worker,
// which has its own tests against the real sandbox and coordinator.
type recWorker struct {
	mu      sync.Mutex
	allowed []bool
	at      []time.Time
	status  WorkerStatus
	changed chan bool
}

func newRecWorker() *recWorker { return &recWorker{changed: make(chan bool, 100)} }

func (w *recWorker) SetAllowed(allowed bool, reason string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := len(w.allowed); n == 0 || w.allowed[n-1] != allowed {
		w.changed <- allowed
	}
	w.allowed = append(w.allowed, allowed)
	w.at = append(w.at, time.Now())
}

func (w *recWorker) Status() WorkerStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status
}

func (w *recWorker) set(s WorkerStatus) {
	w.mu.Lock()
	w.status = s
	w.mu.Unlock()
}

type fixture struct {
	app    *App
	sig    *idletest.Signals
	worker *recWorker
	paths  Paths
}

func newFixture(t *testing.T, withWorker bool) *fixture {
	t.Helper()
	dir := t.TempDir()
	paths, err := DefaultPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := paths.Ensure(); err != nil {
		t.Fatal(err)
	}
	store, err := settings.Open(paths.Settings())
	if err != nil {
		t.Fatal(err)
	}
	sig := idletest.New(nil)
	sig.Input.SetIdle(time.Hour)
	sig.Input.SetMethod("fake")
	f := &fixture{sig: sig, paths: paths}
	deps := Deps{Paths: paths, Settings: store, Sampler: sig.Sampler(), Input: sig.Input, Tick: 20 * time.Millisecond, FastTick: 5 * time.Millisecond}
	if withWorker {
		f.worker = newRecWorker()
		deps.Worker = f.worker
	}
	f.app = New(deps)
	return f
}

func (f *fixture) run(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.app.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestSetupWithoutNetwork(t *testing.T) {
	f := newFixture(t, false)
	f.app.SampleOnce(context.Background())
	st := f.app.State()
	if st.State != PhaseSetup {
		t.Fatalf("state %v, want setup", st.State)
	}
	if st.SettingsFile != f.paths.Settings() || st.InputMethod != "fake" || st.InputIdleSeconds == nil {
		t.Fatalf("snapshot incomplete: %+v", st)
	}
	b, err := st.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"state", "reason", "cpu_other_percent", "input_idle_seconds", "input_method", "on_battery", "battery_percent", "gpus", "settings_file"} {
		if _, ok := m[k]; !ok {
			t.Errorf("status JSON lacks %q", k)
		}
	}
	if m["state"] != "setup" || m["battery_percent"] != nil {
		t.Errorf("state %v battery %v", m["state"], m["battery_percent"])
	}
	if g, ok := m["gpus"].([]any); !ok || len(g) != 0 {
		t.Errorf("gpus must be an empty list, is %#v", m["gpus"])
	}
}

func TestWorksWhenIdleAndSuspendsOnInput(t *testing.T) {
	f := newFixture(t, true)
	f.worker.set(WorkerStatus{Jobs: []JobState{{ID: "j1", Status: "running"}}})
	f.run(t)
	if allowed := <-f.worker.changed; !allowed {
		t.Fatal("first decision was not to work on an idle machine")
	}
	waitFor(t, "working", func() bool { return f.app.State().State == PhaseWorking })

	f.sig.Input.Touch()
	select {
	case allowed := <-f.worker.changed:
		if allowed {
			t.Fatal("worker allowed after input")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("input did not stop work")
	}
	waitFor(t, "suspended", func() bool {
		st := f.app.State()
		return st.State == PhaseSuspended && st.Reason == "Keyboard or mouse used 0 s ago (works after 3 min)"
	})
}

func TestOfflineAndWaiting(t *testing.T) {
	f := newFixture(t, true)
	f.worker.set(WorkerStatus{Offline: true, Problem: "Coordinator unreachable; retrying in 4 s"})
	f.app.SampleOnce(context.Background())
	if st := f.app.State(); st.State != PhaseOffline || st.Reason != "Coordinator unreachable; retrying in 4 s" {
		t.Fatalf("got %v %q", st.State, st.Reason)
	}
	f = newFixture(t, true) // a fresh node: nothing to hold on to
	f.sig.CPU.Set(idleCPU(70), nil)
	f.app.SampleOnce(context.Background())
	if st := f.app.State(); st.State != PhaseWaiting || st.Reason != "Other programs use 70% CPU (limit 25%)" {
		t.Fatalf("got %v %q", st.State, st.Reason)
	}
}

func TestPausePersistsAndSnoozeEnds(t *testing.T) {
	f := newFixture(t, true)
	f.app.Pause(0)
	if st := f.app.State(); st.State != PhasePaused || st.Reason != "Paused by you" {
		t.Fatalf("got %v %q", st.State, st.Reason)
	}
	// A restart keeps the pause.
	again := New(Deps{Paths: f.paths, Settings: mustStore(t, f.paths), Sampler: f.sig.Sampler(), Worker: f.worker})
	again.SampleOnce(context.Background())
	if st := again.State(); st.State != PhasePaused {
		t.Fatalf("pause lost across restart: %v", st.State)
	}
	again.Resume()
	if st := again.State(); st.State != PhaseWorking {
		t.Fatalf("resume: %v %q", st.State, st.Reason)
	}

	now := time.Now()
	clock := &now
	snooze := New(Deps{Paths: f.paths, Settings: mustStore(t, f.paths), Sampler: f.sig.Sampler(), Worker: f.worker,
		Now: func() time.Time { return *clock }})
	snooze.Pause(time.Hour)
	st := snooze.State()
	if st.State != PhasePaused || st.PausedUntil == nil || !st.PausedUntil.Equal(now.Add(time.Hour)) {
		t.Fatalf("snooze: %+v", st)
	}
	later := now.Add(time.Hour + time.Second)
	clock = &later
	snooze.SampleOnce(context.Background())
	if st := snooze.State(); st.State != PhaseWorking || st.PausedUntil != nil {
		t.Fatalf("snooze did not end: %v %q", st.State, st.Reason)
	}
}

func TestUpdateSettingsAppliesAtOnce(t *testing.T) {
	f := newFixture(t, true)
	f.run(t)
	waitFor(t, "working", func() bool { return f.app.State().State == PhaseWorking })
	f.sig.Input.SetIdle(2 * time.Minute)
	if _, err := f.app.UpdateSettings(func(s *settings.Settings) error { return s.Set("idle_minutes", "1") }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.UpdateSettings(func(s *settings.Settings) error { return s.Set("idle_minutes", "-1") }); err == nil {
		t.Fatal("invalid settings accepted")
	}
	if _, err := f.app.UpdateSettings(func(s *settings.Settings) error { return s.Set("idle_minutes", "10") }); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "waiting for 10 min idle", func() bool {
		st := f.app.State()
		return st.State != PhaseWorking && st.Settings.IdleMinutes == 10
	})
}

func TestSubscribeLatestWins(t *testing.T) {
	f := newFixture(t, true)
	ch, cancel := f.app.Subscribe()
	defer cancel()
	first := <-ch
	for i := 0; i < 10; i++ {
		f.app.SampleOnce(context.Background())
	}
	last := <-ch
	if last.Seq != first.Seq+10 {
		t.Fatalf("latest snapshot seq %d, want %d", last.Seq, first.Seq+10)
	}
	select {
	case st := <-ch:
		t.Fatalf("stale snapshot left behind: %d", st.Seq)
	default:
	}
}

func mustStore(t *testing.T, p Paths) *settings.Store {
	t.Helper()
	s, err := settings.Open(p.Settings())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// BenchmarkInputToStop measures the time from the owner's input to the
// worker being told to stop, with the default 100 ms input poll. It reports
// p50 and p99 in ms over b.N events.
func BenchmarkInputToStop(b *testing.B) {
	dir := b.TempDir()
	paths, _ := DefaultPaths(dir)
	_ = paths.Ensure()
	store, _ := settings.Open(filepath.Join(dir, "settings.json"))
	sig := idletest.New(nil)
	sig.Input.SetIdle(time.Hour)
	w := newRecWorker()
	a := New(Deps{Paths: paths, Settings: store, Sampler: sig.Sampler(), Input: sig.Input, Worker: w})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.Run(ctx)
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		sig.Input.SetIdle(time.Hour)
		a.kickNow()
		for allowed := range w.changed {
			if allowed {
				break
			}
		}
		time.Sleep(time.Duration(i%7) * 13 * time.Millisecond) // land at varied points of the poll
		t0 := time.Now()
		sig.Input.Touch()
		for allowed := range w.changed {
			if !allowed {
				break
			}
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
}

func idleCPU(other float64) idle.CPUSample { return idle.CPUSample{OtherPercent: other, Cores: 2} }

// The running node takes an edit of its settings file by hand, and sets a
// broken one aside with the problem shown.
func TestRunningNodeTakesSettingsEdits(t *testing.T) {
	f := newFixture(t, true)
	f.run(t)
	s := settings.Default()
	s.Preset, s.IdleMinutes = "custom", 7
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.WriteFile(f.paths.Settings(), b, 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(f.paths.Settings(), later, later)
	waitFor(t, "the edit taken", func() bool { return f.app.State().Settings.IdleMinutes == 7 })

	if err := os.WriteFile(f.paths.Settings(), []byte("garbage{{"), 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(f.paths.Settings(), later.Add(time.Minute), later.Add(time.Minute))
	waitFor(t, "the broken edit set aside", func() bool {
		st := f.app.State()
		return strings.Contains(st.SettingsProblem, "kept as") && st.Settings.IdleMinutes == settings.Default().IdleMinutes
	})
}
