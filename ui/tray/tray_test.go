package tray

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/app/idle/idletest"
	"github.com/idlenode/idlenode/ui/tray/traytest"
)

func TestLabelsFor(t *testing.T) {
	t.Parallel()
	until := time.Date(2026, 3, 1, 14, 5, 0, 0, time.Local)
	net := app.NetworkState{TokenSymbol: "IDLE", TokenDecimals: 18}
	long := strings.Repeat("x", 100)
	for _, tc := range []struct {
		name string
		st   app.State
		want Labels
	}{
		{"working", app.State{State: app.PhaseWorking, Reason: "Idle for 5 min", Network: net, Totals: app.Totals{EarnedToday: "1250000000000000000"}},
			Labels{Icon: IconWorking, Status: "Working", Reason: "Idle for 5 min", Earned: "Earned today: 1.25 IDLE", PauseItem: "Pause for 1 hour", Tooltip: "idlenode: Working — Idle for 5 min"}},
		{"snoozed", app.State{State: app.PhasePaused, PausedUntil: &until, Reason: "Paused by you", Network: net},
			Labels{Icon: IconPaused, Status: "Paused until 14:05", Reason: "Paused by you", Earned: "Earned today: 0 IDLE", PauseItem: "Resume", Paused: true, Tooltip: "idlenode: Paused until 14:05 — Paused by you"}},
		{"waiting", app.State{State: app.PhaseWaiting, Reason: "Other programs use 63% CPU"},
			Labels{Icon: IconWaiting, Status: "Waiting", Reason: "Other programs use 63% CPU", Earned: "Earned today: 0 tokens", PauseItem: "Pause for 1 hour", Tooltip: "idlenode: Waiting — Other programs use 63% CPU"}},
		{"suspended", app.State{State: app.PhaseSuspended, Reason: "Keyboard used 2 s ago"},
			Labels{Icon: IconWaiting, Status: "Stopped for you", Reason: "Keyboard used 2 s ago", Earned: "Earned today: 0 tokens", PauseItem: "Pause for 1 hour", Tooltip: "idlenode: Stopped for you — Keyboard used 2 s ago"}},
		{"offline", app.State{State: app.PhaseOffline, Reason: "Coordinator unreachable"},
			Labels{Icon: IconError, Status: "Offline", Reason: "Coordinator unreachable", Earned: "Earned today: 0 tokens", PauseItem: "Pause for 1 hour", Tooltip: "idlenode: Offline — Coordinator unreachable"}},
		{"settings problem", app.State{State: app.PhaseWaiting, SettingsProblem: "bad file"},
			Labels{Icon: IconError, Status: "Waiting", Earned: "Earned today: 0 tokens", PauseItem: "Pause for 1 hour", Tooltip: "idlenode: Waiting"}},
		{"long reason", app.State{State: app.PhaseSetup, Reason: long},
			Labels{Icon: IconWaiting, Status: "Not set up", Reason: strings.Repeat("x", 69) + "…", Earned: "Earned today: 0 tokens", PauseItem: "Pause for 1 hour", Tooltip: "idlenode: Not set up — " + strings.Repeat("x", 69) + "…"}},
		{"bad amount", app.State{State: app.PhaseWorking, Totals: app.Totals{EarnedToday: "garbage"}},
			Labels{Icon: IconWorking, Status: "Working", Earned: "Earned today: ?", PauseItem: "Pause for 1 hour", Tooltip: "idlenode: Working"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LabelsFor(tc.st); got != tc.want {
				t.Errorf("LabelsFor:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestIconPNG(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, n := range []string{IconWorking, IconWaiting, IconPaused, IconError} {
		b := IconPNG(n)
		if len(b) < 8 || string(b[1:4]) != "PNG" {
			t.Fatalf("%s: not a PNG", n)
		}
		if seen[string(b)] {
			t.Errorf("%s: same image as another state", n)
		}
		seen[string(b)] = true
	}
}

// idleWorker lets the core reach "working" without jobs.
type idleWorker struct{}

func (idleWorker) SetAllowed(bool, string)  {}
func (idleWorker) Status() app.WorkerStatus { return app.WorkerStatus{} }

// newCore runs a real core over fake idle signals on an idle machine.
func newCore(t *testing.T) (*app.App, <-chan struct{}) {
	t.Helper()
	paths, store := apptest.Home(t, t.TempDir())
	sig := idletest.New(nil)
	sig.Input.SetIdle(time.Hour)
	a := app.New(app.Deps{Paths: paths, Settings: store, Sampler: sig.Sampler(), Input: sig.Input, Worker: idleWorker{},
		Tick: 20 * time.Millisecond, FastTick: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	var runErr error
	go func() { runErr = a.Run(ctx); close(stopped) }()
	t.Cleanup(func() {
		cancel()
		<-stopped
		if runErr != nil {
			t.Errorf("core: %v", runErr)
		}
	})
	waitFor(t, "working", func() bool { return a.State().State == app.PhaseWorking })
	return a, stopped
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMenuPauseResumeDrivesCore(t *testing.T) {
	a, _ := newCore(t)
	m := &Menu{Core: a}
	st := m.TogglePause()
	if st.State != app.PhasePaused || st.PausedUntil == nil {
		t.Fatalf("after pause: %v until %v, want paused with an end", st.State, st.PausedUntil)
	}
	if left := time.Until(*st.PausedUntil); left < 59*time.Minute || left > time.Hour {
		t.Errorf("snooze ends in %v, want an hour", left)
	}
	if l := LabelsFor(st); l.PauseItem != "Resume" || l.Icon != IconPaused {
		t.Errorf("labels while paused: %+v", l)
	}
	st = m.TogglePause()
	if st.State == app.PhasePaused {
		t.Fatalf("after resume: still paused")
	}
	waitFor(t, "working again", func() bool { return a.State().State == app.PhaseWorking })
}

func TestMenuOpenAndQuit(t *testing.T) {
	a, _ := newCore(t)
	var opened []string
	m := &Menu{Core: a, Open: func(tab string) error { opened = append(opened, tab); return nil }}
	if err := m.OpenWindow("settings"); err != nil || len(opened) != 1 || opened[0] != "settings" {
		t.Fatalf("open settings: %v, %v", err, opened)
	}
	boom := errors.New("no display")
	m.Open = func(string) error { return boom }
	if err := m.OpenWindow("dashboard"); !errors.Is(err, boom) {
		t.Fatalf("open error = %v, want it wrapped", err)
	}
	if err := (&Menu{Core: a}).OpenWindow("x"); !errors.Is(err, ErrNoWindow) {
		t.Fatalf("no opener: %v", err)
	}
}

func TestLauncherStartsOneWindow(t *testing.T) {
	dir := t.TempDir()
	out := dir + "/args"
	cmds := dir + "/commands"
	// A stand-in for the idlenode binary that records its arguments and
	// the commands on its stdin, and stays open like a window would until
	// told to close.
	script := dir + "/idlenode"
	body := "#!/bin/sh\necho \"$@\" >> " + out + "\nexec 3<&0\ncat <&3 >> " + cmds + " &\nwhile [ ! -e " + dir + "/close ]; do sleep 0.05; done\nkill $!\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	l := &Launcher{Exe: script, Home: "/tmp/node1"}
	if err := l.Open("wallet"); err != nil {
		t.Fatal(err)
	}
	// Window already open: no new one, the open one comes to the front.
	if err := l.Open("settings"); err != nil {
		t.Fatal(err)
	}
	if err := l.Open(""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "window started", func() bool { b, _ := os.ReadFile(out); return len(b) > 0 })
	waitFor(t, "commands", func() bool { b, _ := os.ReadFile(cmds); return string(b) == "show settings\nshow\n" })
	if !l.Running() {
		t.Fatal("launcher forgot its window")
	}
	if err := os.WriteFile(dir+"/close", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "window closed", func() bool { return !l.Running() })
	b, _ := os.ReadFile(out)
	if got := string(b); got != "window --commands-on-stdin --tab wallet --home /tmp/node1\n" {
		t.Fatalf("window started with %q", got)
	}
	if err := (&Launcher{Exe: dir + "/missing"}).Open("x"); err == nil {
		t.Fatal("missing binary: no error")
	}
}

// TestTrayOverDBus shows the real tray to a fake tray host, reads the menu
// and clicks it, as a desktop panel does.
func TestTrayOverDBus(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" || !HasSessionBus() {
		t.Skip("no D-Bus session bus (run under dbus-run-session, as scripts/test.sh does)")
	}
	if used.Load() {
		t.Skip("fyne.io/systray shows one tray per process (test run with -count > 1)")
	}
	w, err := traytest.Start()
	if errors.Is(err, traytest.ErrNameTaken) {
		t.Skip("a real tray host owns the watcher name")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	a, stopped := newCore(t)
	var mu sync.Mutex
	var opened []string
	m := &Menu{Core: a, Open: func(tab string) error { mu.Lock(); opened = append(opened, tab); mu.Unlock(); return nil }}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, m) }()

	it, err := w.WaitItem(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byLabel := func() map[string]traytest.Entry {
		entries, err := w.Menu(ctx, it)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]traytest.Entry{}
		for _, e := range entries {
			out[e.Label] = e
		}
		return out
	}
	var menu map[string]traytest.Entry
	waitFor(t, "menu built", func() bool { menu = byLabel(); _, ok := menu["Quit"]; return ok })
	for _, l := range []string{"Working", "Earned today: 0 tokens", "Pause for 1 hour", "Open idlenode", "Settings", "Quit"} {
		if _, ok := menu[l]; !ok {
			t.Fatalf("menu lacks %q: %v", l, menu)
		}
	}
	if menu["Working"].Enabled {
		t.Error("the status line is clickable")
	}

	if err := w.Click(ctx, it, menu["Pause for 1 hour"].ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "paused by the menu", func() bool { return a.State().State == app.PhasePaused })
	waitFor(t, "menu says Resume", func() bool { _, ok := byLabel()["Resume"]; return ok })
	if err := w.Click(ctx, it, byLabel()["Resume"].ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "working after Resume", func() bool { return a.State().State == app.PhaseWorking })

	if err := w.Click(ctx, it, menu["Settings"].ID); err != nil {
		t.Fatal(err)
	}
	if err := w.Activate(ctx, it); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "window opened twice", func() bool { mu.Lock(); defer mu.Unlock(); return len(opened) == 2 })
	mu.Lock()
	slices.Sort(opened) // the icon's click is synchronous, the menu's queued
	if opened[0] != "" || opened[1] != "settings" {
		t.Errorf("opened %v, want [(none) settings]", opened)
	}
	mu.Unlock()

	if err := w.Click(ctx, it, menu["Quit"].ID); err != nil {
		t.Fatal(err)
	}
	// Quit ends the core's Run; the tray stops with the service's context.
	select {
	case <-stopped:
	case <-ctx.Done():
		t.Fatal("Quit in the tray did not stop the core")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("tray Run: %v", err)
	}
}

func TestNoSessionBusMeansNoTray(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv("DISPLAY", "")
	if HasSessionBus() {
		t.Fatal("found a session bus where none runs (autolaunched one?)")
	}
	if _, err := NewNotifier(); err == nil {
		t.Fatal("notifier without a session bus")
	}
	a, _ := newCore(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, &Menu{Core: a}) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run without a bus: %v", err)
	}
}
