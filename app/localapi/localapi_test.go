package localapi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/app/idle/idletest"
)

type node struct {
	app    *app.App
	client *Client
	sock   string
}

// startNode runs a real core (over fake signals) and the real API on a
// Unix socket in a temp dir.
func startNode(t *testing.T, routes ...func(*Server)) *node {
	t.Helper()
	dir, err := os.MkdirTemp("", "ln") // short: socket paths are limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	paths, store := apptest.Home(t, dir)
	sig := idletest.New(nil)
	sig.Input.SetIdle(time.Hour)
	a := app.New(app.Deps{Paths: paths, Settings: store, Sampler: sig.Sampler(), Tick: 20 * time.Millisecond})
	ln, err := Listen(paths.Socket())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srvDone := make(chan error, 1)
	runDone := make(chan error, 1)
	srv := NewServer(a, nil)
	for _, r := range routes {
		r(srv)
	}
	go func() { srvDone <- srv.Serve(ctx, ln) }()
	go func() { runDone <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-srvDone; err != nil {
			t.Errorf("Serve: %v", err)
		}
		<-runDone
	})
	// The first decision follows the first sample; until then the state
	// says "Starting".
	for deadline := time.Now().Add(10 * time.Second); a.State().Seq == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the core made no decision")
		}
	}
	return &node{app: a, client: NewClient(paths.Socket()), sock: paths.Socket()}
}

func TestStateAndCommands(t *testing.T) {
	n := startNode(t)
	ctx := context.Background()
	st, err := n.client.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != app.PhaseSetup || st.SettingsFile == "" {
		t.Fatalf("state: %+v", st)
	}
	st, err = n.client.Pause(ctx, time.Hour)
	if err != nil || st.State != app.PhasePaused || st.PausedUntil == nil || !strings.HasPrefix(st.Reason, "Paused by you until") {
		t.Fatalf("pause: %v %+v", err, st)
	}
	st, err = n.client.Resume(ctx)
	if err != nil || st.State == app.PhasePaused {
		t.Fatalf("resume: %v %v", err, st.State)
	}
}

func TestSettingsErrorsNameTheField(t *testing.T) {
	n := startNode(t)
	ctx := context.Background()
	if _, err := n.client.Set(ctx, "max_cpu_other_percent", "400"); err == nil {
		t.Fatal("accepted 400%")
	} else if fe := FieldErrors(err); fe.Field("max_cpu_other_percent") == "" {
		t.Fatalf("no field error: %v", err)
	}
	s, err := n.client.Preset(ctx, "gentle")
	if err != nil || s.Preset != "gentle" || s.IdleMinutes != 10 {
		t.Fatalf("preset: %v %+v", err, s)
	}
	s.CoresPercent = 0
	if _, err := n.client.PutSettings(ctx, s); FieldErrors(err).Field("cores_percent") == "" {
		t.Fatalf("put invalid: %v", err)
	}
	s.CoresPercent = 80
	if got, err := n.client.PutSettings(ctx, s); err != nil || got.CoresPercent != 80 {
		t.Fatalf("put: %v", err)
	}
	if got, err := n.client.Settings(ctx); err != nil || got.CoresPercent != 80 {
		t.Fatalf("get: %v %d", err, got.CoresPercent)
	}
	if _, err := n.client.Preset(ctx, "turbo"); err == nil || !strings.Contains(err.Error(), "unknown preset") {
		t.Fatalf("bad preset: %v", err)
	}
}

func TestWatchStreamsChanges(t *testing.T) {
	n := startNode(t)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan app.State, 100)
	done := make(chan error, 1)
	go func() { done <- n.client.Watch(ctx, func(s app.State) { got <- s }) }()
	first := <-got
	if _, err := n.client.Pause(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case s := <-got:
			if s.Seq <= first.Seq {
				t.Fatalf("stream went backwards: %d after %d", s.Seq, first.Seq)
			}
			if s.State == app.PhasePaused {
				cancel()
				if err := <-done; err != nil {
					t.Fatalf("Watch: %v", err)
				}
				return
			}
		case <-deadline:
			t.Fatal("pause never reached the stream")
		}
	}
}

func TestSocketIsOwnerOnlyAndSingle(t *testing.T) {
	n := startNode(t)
	fi, err := os.Stat(n.sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v", fi.Mode().Perm())
	}
	dfi, _ := os.Stat(filepath.Dir(n.sock))
	if dfi.Mode().Perm() != 0o700 {
		t.Fatalf("socket folder mode %v", dfi.Mode().Perm())
	}
	if _, err := Listen(n.sock); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second service: %v", err)
	}
}

func TestNotRunningAndStaleSocket(t *testing.T) {
	dir, _ := os.MkdirTemp("", "ln")
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "node.sock")
	if _, err := NewClient(sock).State(context.Background()); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("no service: %v", err)
	}
	// A socket file left by a crash is replaced.
	ln, err := Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	ln.(interface{ SetUnlinkOnClose(bool) }).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("stale socket not left for the test: %v", err)
	}
	if _, err := NewClient(sock).State(context.Background()); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("stale socket: %v", err)
	}
	ln, err = Listen(sock)
	if err != nil {
		t.Fatalf("stale socket blocked a new service: %v", err)
	}
	ln.Close()
}

func TestBadRequests(t *testing.T) {
	n := startNode(t)
	ctx := context.Background()
	var out map[string]any
	for _, c := range []struct {
		path string
		body any
	}{
		{"/v1/pause", map[string]any{"minutes": -5}},
		{"/v1/pause", map[string]any{"minutes": "soon"}},
		{"/v1/settings/set", map[string]any{"key": "idle_minutes"}},
		{"/v1/settings/set", map[string]any{"bogus": 1}},
	} {
		err := n.client.Do(ctx, "POST", c.path, c.body, &out)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != 400 || ae.ErrorBody.Error == "" {
			t.Errorf("%s %v: want a 400 with a message, got %v", c.path, c.body, err)
		}
	}
}
