package coordinator_test

import (
	"context"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/coordinator/store/sqlite"
	"github.com/idlenode/idlenode/protocol/client"
)

type testEnv struct {
	srv   *coordinator.Server
	store *sqlite.Store
	url   string
}

// start runs a real coordinator on SQLite in a temp dir behind httptest.
func start(t testing.TB, mod func(*coordinator.Config)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "coordinator.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := coordinator.Config{Store: st, DataDir: dir, PublicURL: "http://" + ln.Addr().String(),
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		RateLimit: 10000, RateBurst: 10000}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := coordinator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		ts.Close()
		st.Close()
	})
	return &testEnv{srv: srv, store: st, url: ts.URL}
}

func newClient(t testing.TB, url string) *client.Client {
	t.Helper()
	sg, err := client.GenerateKeySigner()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(url, sg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
