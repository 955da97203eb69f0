package tray

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/idlenode/idlenode/app"
)

func TestNotesFor(t *testing.T) {
	t.Parallel()
	net := app.NetworkState{TokenSymbol: "IDLE", TokenDecimals: 18}
	wallet := func(claimable, token string) app.WalletState {
		return app.WalletState{Address: "0xabc", Claimable: claimable, Token: token}
	}
	for _, tc := range []struct {
		name      string
		prev, cur app.State
		want      []Note
	}{
		{"nothing", app.State{State: app.PhaseWorking}, app.State{State: app.PhaseWorking}, nil},
		{"offline", app.State{State: app.PhaseWorking}, app.State{State: app.PhaseOffline, Reason: "Coordinator unreachable"},
			[]Note{{Summary: "idlenode is offline", Body: "Coordinator unreachable", Urgent: true}}},
		{"still offline", app.State{State: app.PhaseOffline}, app.State{State: app.PhaseOffline}, nil},
		{"settings problem", app.State{}, app.State{SettingsProblem: "bad file, defaults used"},
			[]Note{{Summary: "idlenode settings had a problem", Body: "bad file, defaults used", Urgent: true}}},
		{"claimed", app.State{Network: net, Wallet: wallet("3000000000000000000", "1000000000000000000")},
			app.State{Network: net, Wallet: wallet("0", "4000000000000000000")},
			[]Note{{Summary: "Rewards claimed", Body: "3 IDLE arrived in your wallet."}}},
		{"received, not claimed", app.State{Network: net, Wallet: wallet("3", "1")}, app.State{Network: net, Wallet: wallet("3", "5")}, nil},
		{"new wallet", app.State{Network: net}, app.State{Network: net, Wallet: wallet("0", "5")}, nil},
		{"garbage amounts", app.State{Wallet: wallet("x", "1")}, app.State{Wallet: wallet("0", "5")}, nil},
		{"flagged", app.State{}, app.State{Network: app.NetworkState{Flagged: true, Rejected: 2}},
			[]Note{{Summary: "The network flagged this node",
				Body: "2 of its results disagreed with other nodes. Faulty memory or overclocking can cause this; staked tokens may be slashed.", Urgent: true}}},
		{"still flagged", app.State{Network: app.NetworkState{Flagged: true}}, app.State{Network: app.NetworkState{Flagged: true}}, nil},
		{"wallet error", app.State{}, app.State{Wallet: app.WalletState{Error: "chain unreachable"}},
			[]Note{{Summary: "idlenode wallet problem", Body: "chain unreachable", Urgent: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := NotesFor(tc.prev, tc.cur)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("note %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// notifications is a stand-in org.freedesktop.Notifications server.
type notifications struct {
	mu  sync.Mutex
	got []string
}

func (n *notifications) Notify(app string, id uint32, icon, summary, body string, actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, app+"|"+summary+"|"+body)
	return uint32(len(n.got)), nil
}

func TestNotifierOverDBus(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" || !HasSessionBus() {
		t.Skip("no D-Bus session bus (run under dbus-run-session, as scripts/test.sh does)")
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv := &notifications{}
	if err := conn.Export(srv, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Skipf("a notification service runs already (%v)", err)
	}
	n, err := NewNotifier()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()

	a, _ := newCore(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { Notify(ctx, a, n, nil); close(done) }()
	time.Sleep(50 * time.Millisecond) // the first snapshot is the baseline
	// The settings problem is the one change a core over fakes can make:
	// a direct Send covers the rest of the wire.
	if err := n.Send(ctx, Note{Summary: "Rewards claimed", Body: "3 IDLE arrived in your wallet."}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "notification", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return len(srv.got) == 1 && srv.got[0] == "idlenode|Rewards claimed|3 IDLE arrived in your wallet."
	})
	cancel()
	<-done
}
