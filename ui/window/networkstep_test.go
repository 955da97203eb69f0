package window

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/protocol"
)

const testNetworkJSON = `{"name": "testnet", "coordinator_url": "http://127.0.0.1:7070", "chain_id": 1337, "token_symbol": "IDLE", "token_decimals": 18}`

func TestNetworkStepView(t *testing.T) {
	joined := protocol.Network{Name: "testnet", CoordinatorURL: "http://127.0.0.1:7070", ChainID: 1337, TokenSymbol: "IDLE"}
	for _, tc := range []struct {
		name string
		info localapi.NetworkInfo
		err  error
		want NetworkStepView
	}{
		{"not joined", localapi.NetworkInfo{}, nil, NetworkStepView{ShowForm: true}},
		{"joined", localapi.NetworkInfo{Joined: true, Network: joined}, nil,
			NetworkStepView{Done: "Joined testnet: coordinator http://127.0.0.1:7070, rewards in IDLE."}},
		{"joined without chain", localapi.NetworkInfo{Joined: true, Network: protocol.Network{CoordinatorURL: "http://c"}}, nil,
			NetworkStepView{Done: "Joined the network: coordinator http://c."}},
		{"refused", localapi.NetworkInfo{}, errors.New("load network: connection refused"), NetworkStepView{ShowForm: true, Message: "Could not join: Connection refused"}},
		{"old service", localapi.NetworkInfo{}, localapi.ErrNoNetworkService, NetworkStepView{Done: noNetworkText}},
	} {
		if got := NetworkStep(tc.info, tc.err); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestJoinSource(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory")
	}
	wd, _ := os.Getwd()
	for in, want := range map[string]string{
		"":                                   "",
		"  https://example.org/n.json \n":    "https://example.org/n.json",
		"http://127.0.0.1:7070/network.json": "http://127.0.0.1:7070/network.json",
		"/srv/network.json":                  "/srv/network.json",
		"file:///srv/my%20network.json":      "/srv/my network.json",
		"~/network.json":                     filepath.Join(home, "network.json"),
		"network.json":                       filepath.Join(wd, "network.json"),
		"~bob/network.json":                  filepath.Join(wd, "~bob/network.json"),
	} {
		if got := JoinSource(in); got != want {
			t.Errorf("JoinSource(%q) = %q, want %q", in, got, want)
		}
	}
}

// A node with a wallet but no network gets the first run, and joins from
// its network step: errors show inline and join nothing.
func TestFirstRunJoinsNetwork(t *testing.T) {
	n := startNode(t, newMemWallet(true))
	u := newUI(t, n.client, "")
	u.Apply(n.app.State())
	u.checkFirstRun(context.Background())
	if u.root.Objects[0] == u.tabs {
		t.Fatal("a node without a network did not get the first run")
	}
	s := u.first.network
	if !s.form.Visible() || s.done.Visible() {
		t.Fatal("network step does not offer to join")
	}
	test.Tap(s.joinBtn)
	if !strings.Contains(s.msg.Text, "Paste the network's address") {
		t.Errorf("empty join: %q", s.msg.Text)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"name": "x", "coordinator_url": "ftp://nowhere"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ source, want string }{
		{filepath.Join(dir, "missing.json"), "no such file"},
		{bad, "coordinator_url"},
	} {
		s.source.SetText(tc.source)
		test.Tap(s.joinBtn)
		if !strings.HasPrefix(s.msg.Text, "Could not join: ") || !strings.Contains(s.msg.Text, tc.want) || !s.form.Visible() || s.joinBtn.Disabled() {
			t.Errorf("join %s: %q", tc.source, s.msg.Text)
		}
		if _, joined, _ := n.network.Network(context.Background()); joined {
			t.Fatalf("a bad source %s joined", tc.source)
		}
	}

	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(testNetworkJSON)) }))
	defer hs.Close()
	s.source.SetText(hs.URL + "/network.json")
	test.Type(s.source, " ") // a stray space is trimmed
	test.Tap(s.joinBtn)
	if got, joined, _ := n.network.Network(context.Background()); !joined || got.Name != "testnet" {
		t.Fatalf("join url: %q", s.msg.Text)
	}
	if s.form.Visible() || !s.done.Visible() || s.done.Text != "Joined testnet: coordinator http://127.0.0.1:7070, rewards in IDLE." {
		t.Fatalf("after join: form %v, done %q", s.form.Visible(), s.done.Text)
	}
	if !strings.Contains(labelsIn(u.win.Content()), "Joined testnet") {
		t.Error("the window does not show the joined network")
	}
}

// A node with a wallet and a network goes straight to the dashboard; the
// first run, opened by hand, shows the network it works for.
func TestJoinedNodeSkipsFirstRun(t *testing.T) {
	n := startNode(t, newMemWallet(true))
	n.network.joined = &protocol.Network{Name: "testnet", CoordinatorURL: "http://127.0.0.1:7070"}
	u := newUI(t, n.client, "")
	u.checkFirstRun(context.Background())
	if u.root.Objects[0] != u.tabs {
		t.Fatal("a set-up node got the first run")
	}
	u.ShowFirstRun()
	if u.first.network.form.Visible() || u.first.network.done.Text != "Joined testnet: coordinator http://127.0.0.1:7070." {
		t.Fatalf("joined step: %q", u.first.network.done.Text)
	}
	test.AssertRendersToMarkup(t, "firstrun-joined.xml", u.win.Canvas())
}
