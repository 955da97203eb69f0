package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/idlenode/idlenode/app/settings"
	"github.com/idlenode/idlenode/protocol"
)

// fileNetwork is a NetworkBackend over one descriptor file, validating
// with the real protocol.LoadNetwork.
type fileNetwork struct {
	mu   sync.Mutex
	path string
}

var _ NetworkBackend = (*fileNetwork)(nil)

func (f *fileNetwork) Network(ctx context.Context) (protocol.Network, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := protocol.LoadNetwork(ctx, f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return protocol.Network{}, false, nil
	}
	return n, err == nil, err
}

func (f *fileNetwork) Join(ctx context.Context, source string) (protocol.Network, error) {
	n, err := protocol.LoadNetwork(ctx, source)
	if err != nil {
		return protocol.Network{}, err
	}
	data, _ := json.Marshal(n)
	f.mu.Lock()
	defer f.mu.Unlock()
	return n, settings.WriteFileAtomic(f.path, data, 0o600)
}

// startNetworkNode runs a real core and the real API with the network
// routes on a Unix socket; nb is nil for a service without them.
func startNetworkNode(t *testing.T, nb NetworkBackend) *Client {
	t.Helper()
	return startNode(t, func(s *Server) {
		if nb != nil {
			s.ServeNetwork(nb)
		}
	}).client
}

const goodNetwork = `{"name": "testnet", "coordinator_url": "http://127.0.0.1:7070", "chain_id": 1337, "token_symbol": "IDLE", "token_decimals": 18}`

func TestJoinNetworkFromFileAndURL(t *testing.T) {
	dir := t.TempDir()
	b := &fileNetwork{path: filepath.Join(dir, "joined.json")}
	c := startNetworkNode(t, b)
	ctx := context.Background()

	info, err := c.Network(ctx)
	if err != nil || info.Joined {
		t.Fatalf("before join: %v %+v", err, info)
	}

	src := filepath.Join(dir, "network.json")
	if err := os.WriteFile(src, []byte(goodNetwork), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := c.JoinNetwork(ctx, "  "+src+"\n")
	if err != nil || n.Name != "testnet" || n.CoordinatorURL != "http://127.0.0.1:7070" || n.ChainID != 1337 {
		t.Fatalf("join file: %v %+v", err, n)
	}
	info, err = c.Network(ctx)
	if err != nil || !info.Joined || info.Network.Name != "testnet" {
		t.Fatalf("after join: %v %+v", err, info)
	}

	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Replace(goodNetwork, "testnet", "urlnet", 1)))
	}))
	defer hs.Close()
	n, err = c.JoinNetwork(ctx, hs.URL+"/network.json")
	if err != nil || n.Name != "urlnet" {
		t.Fatalf("join url: %v %+v", err, n)
	}
	if info, _ := c.Network(ctx); info.Network.Name != "urlnet" {
		t.Fatalf("after url join: %+v", info)
	}
}

func TestJoinNetworkRefusesBadSources(t *testing.T) {
	dir := t.TempDir()
	joined := filepath.Join(dir, "joined.json")
	b := &fileNetwork{path: joined}
	c := startNetworkNode(t, b)
	ctx := context.Background()

	notJSON := filepath.Join(dir, "notjson.json")
	invalid := filepath.Join(dir, "invalid.json")
	os.WriteFile(notJSON, []byte("<html>hello</html>"), 0o600)
	os.WriteFile(invalid, []byte(`{"name": "x", "coordinator_url": "ftp://nowhere"}`), 0o600)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/network.json"
	ln.Close()

	for _, tc := range []struct{ source, want string }{
		{"", "give a network.json file or an http(s) URL"},
		{filepath.Join(dir, "missing.json"), "no such file"},
		{notJSON, "invalid"},
		{invalid, "coordinator_url"},
		{dead, "connection refused"},
	} {
		_, err := c.JoinNetwork(ctx, tc.source)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("join %q: %v, want 400 containing %q", tc.source, err, tc.want)
		}
	}
	if _, err := os.Stat(joined); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a refused join wrote the network file: %v", err)
	}
	if info, err := c.Network(ctx); err != nil || info.Joined {
		t.Fatalf("after refused joins: %v %+v", err, info)
	}
}

func TestNoNetworkService(t *testing.T) {
	c := startNetworkNode(t, nil)
	if _, err := c.Network(context.Background()); !errors.Is(err, ErrNoNetworkService) {
		t.Fatalf("network: %v", err)
	}
	if _, err := c.JoinNetwork(context.Background(), "/x.json"); !errors.Is(err, ErrNoNetworkService) {
		t.Fatalf("join: %v", err)
	}
}
