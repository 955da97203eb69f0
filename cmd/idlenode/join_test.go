package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/app/settings"
	"github.com/idlenode/idlenode/protocol"
)

const testNetwork = `{"name": "testnet", "coordinator_url": "http://127.0.0.1:7070", "rpc_url": "http://127.0.0.1:8545", "chain_id": 1337, "token_symbol": "IDLE", "token_decimals": 18}`

func TestJoinNetworkFromFileAndURL(t *testing.T) {
	ctx := context.Background()
	paths, store := apptest.Home(t, t.TempDir())
	if _, joined, err := joinedNetwork(ctx, paths); err != nil || joined {
		t.Fatalf("fresh home joined: %v %v", joined, err)
	}

	src := filepath.Join(t.TempDir(), "network.json")
	if err := os.WriteFile(src, []byte(testNetwork), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := joinNetwork(ctx, paths, store, src)
	if err != nil || n.Name != "testnet" {
		t.Fatalf("join file: %v %+v", err, n)
	}
	s := store.Get()
	if s.CoordinatorURL != "http://127.0.0.1:7070" || s.RPCURL != "http://127.0.0.1:8545" || s.NetworkFile != paths.Network() {
		t.Fatalf("settings after join: %+v", s)
	}
	// The settings file on disk says the same (a fresh store reads it).
	again, err := settings.Open(paths.Settings())
	if err != nil || again.Get().CoordinatorURL != "http://127.0.0.1:7070" {
		t.Fatalf("settings file: %v %+v", err, again.Get())
	}
	got, joined, err := joinedNetwork(ctx, paths)
	if err != nil || !joined || got != n {
		t.Fatalf("joined network: %v %v %+v", err, joined, got)
	}
	if fi, err := os.Stat(paths.Network()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("network file: %v %v", err, fi)
	}

	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.NewReplacer("testnet", "urlnet", "7070", "7171").Replace(testNetwork)))
	}))
	defer hs.Close()
	n, err = joinNetwork(ctx, paths, store, hs.URL+"/network.json")
	if err != nil || n.Name != "urlnet" || store.Get().CoordinatorURL != "http://127.0.0.1:7171" {
		t.Fatalf("join url: %v %+v", err, n)
	}
	if got, _, _ := joinedNetwork(ctx, paths); got.Name != "urlnet" {
		t.Fatalf("network file after url join: %+v", got)
	}
}

func TestJoinNetworkRefusesBadSourcesAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	paths, store := apptest.Home(t, t.TempDir())
	before := store.Get()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"name": "", "coordinator_url": "http://x"}`), 0o600)
	garbage := filepath.Join(dir, "garbage.json")
	os.WriteFile(garbage, []byte("not json at all"), 0o600)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/network.json"
	ln.Close()
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()

	for _, tc := range []struct{ source, want string }{
		{bad, "network name is empty"},
		{garbage, "invalid"},
		{filepath.Join(dir, "missing.json"), "no such file"},
		{dead, "connection refused"},
		{notFound.URL + "/network.json", "http status 404"},
	} {
		_, err := joinNetwork(ctx, paths, store, tc.source)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("join %s: %v, want %q", tc.source, err, tc.want)
		}
	}
	if _, err := os.Stat(paths.Network()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a refused join wrote the network file: %v", err)
	}
	if after := store.Get(); after.CoordinatorURL != before.CoordinatorURL || after.NetworkFile != before.NetworkFile {
		t.Fatalf("a refused join changed the settings: %+v", after)
	}
}

func TestNetworkServiceRefusesSwitchWhileWorking(t *testing.T) {
	ctx := context.Background()
	paths, store := apptest.Home(t, t.TempDir())
	src := filepath.Join(t.TempDir(), "network.json")
	os.WriteFile(src, []byte(testNetwork), 0o600)
	other := filepath.Join(t.TempDir(), "other.json")
	os.WriteFile(other, []byte(strings.Replace(testNetwork, "7070", "9090", 1)), 0o600)

	var working protocol.Network
	isWorking := false
	svc := &networkService{paths: paths, store: store, working: func() (protocol.Network, bool) { return working, isWorking }}
	n, err := svc.Join(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	working, isWorking = n, true
	if _, err := svc.Join(ctx, src); err != nil {
		t.Fatalf("rejoining the same network: %v", err)
	}
	if _, err := svc.Join(ctx, other); !errors.Is(err, ErrSwitchNetwork) || !strings.Contains(err.Error(), "restart the service") {
		t.Fatalf("switch while working: %v", err)
	}
	if got, _, _ := svc.Network(ctx); got.CoordinatorURL != "http://127.0.0.1:7070" {
		t.Fatalf("switch refused but network changed: %+v", got)
	}
}

func TestJoinVerb(t *testing.T) {
	home := t.TempDir()
	src := filepath.Join(t.TempDir(), "network.json")
	os.WriteFile(src, []byte(testNetwork), 0o600)
	var out, errb bytes.Buffer
	if err := runJoin(context.Background(), []string{"--home", home, src}, &out, &errb); err != nil {
		t.Fatalf("join: %v %s", err, errb.String())
	}
	if !strings.Contains(out.String(), "Joined testnet: coordinator http://127.0.0.1:7070, chain 1337 (IDLE)") {
		t.Fatalf("output %q", out.String())
	}
	paths, _ := app.DefaultPaths(home)
	if n, joined, err := joinedNetwork(context.Background(), paths); err != nil || !joined || n.Name != "testnet" {
		t.Fatalf("after verb: %v %v %+v", err, joined, n)
	}
}

// A join that fails leaves nothing behind: no settings, no folders; an
// empty descriptor says it is empty.
func TestJoinVerbFailureMakesNothing(t *testing.T) {
	home := filepath.Join(t.TempDir(), "node")
	empty := filepath.Join(t.TempDir(), "network.json")
	os.WriteFile(empty, nil, 0o600)
	for src, want := range map[string]string{
		filepath.Join(t.TempDir(), "missing.json"): "no such file",
		empty: "the file is empty",
	} {
		var out, errb bytes.Buffer
		err := runJoin(context.Background(), []string{"--home", home, src}, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("join %s: %v, want %q", src, err, want)
		}
	}
	if _, err := os.Stat(home); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a failed join made %s: %v", home, err)
	}
}
