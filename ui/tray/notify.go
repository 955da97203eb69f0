package tray

import (
	"context"
	"fmt"
	"log/slog"
	"math/big"

	"github.com/godbus/dbus/v5"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/ui/format"
)

// Note is one desktop notification.
type Note struct {
	Summary string
	Body    string
	Urgent  bool
}

// NotesFor returns the notifications worth sending for the change from
// prev to cur: rewards claimed, the node going offline, a settings
// problem. Pure, so the rules are tested without a desktop.
func NotesFor(prev, cur app.State) []Note {
	var out []Note
	dec, sym := format.Decimals(cur), format.Symbol(cur)
	if cur.State == app.PhaseOffline && prev.State != app.PhaseOffline {
		out = append(out, Note{Summary: "idlenode is offline", Body: cur.Reason, Urgent: true})
	}
	if cur.Network.Flagged && !prev.Network.Flagged {
		out = append(out, Note{Summary: "The network flagged this node",
			Body:   fmt.Sprintf("%d of its results disagreed with other nodes. Faulty memory or overclocking can cause this; staked tokens may be slashed.", cur.Network.Rejected),
			Urgent: true})
	}
	if cur.SettingsProblem != "" && cur.SettingsProblem != prev.SettingsProblem {
		out = append(out, Note{Summary: "idlenode settings had a problem", Body: cur.SettingsProblem, Urgent: true})
	}
	if cur.Wallet.Error != "" && cur.Wallet.Error != prev.Wallet.Error {
		out = append(out, Note{Summary: "idlenode wallet problem", Body: cur.Wallet.Error, Urgent: true})
	}
	// A claim moves the claimable amount into the token balance.
	pc, err1 := format.ParseBase(prev.Wallet.Claimable)
	cc, err2 := format.ParseBase(cur.Wallet.Claimable)
	pt, err3 := format.ParseBase(prev.Wallet.Token)
	ct, err4 := format.ParseBase(cur.Wallet.Token)
	if err1 == nil && err2 == nil && err3 == nil && err4 == nil && prev.Wallet.Address != "" &&
		prev.Wallet.Address == cur.Wallet.Address && cc.Cmp(pc) < 0 && ct.Cmp(pt) > 0 {
		got := new(big.Int).Sub(ct, pt)
		out = append(out, Note{Summary: "Rewards claimed", Body: fmt.Sprintf("%s %s arrived in your wallet.", format.Tokens(got, dec), sym)})
	}
	return out
}

// Notifier sends desktop notifications over D-Bus
// (org.freedesktop.Notifications).
type Notifier struct {
	conn *dbus.Conn
}

// NewNotifier connects to the session bus.
func NewNotifier() (*Notifier, error) {
	conn, err := connectSession()
	if err != nil {
		return nil, err
	}
	return &Notifier{conn: conn}, nil
}

// Close closes the bus connection.
func (n *Notifier) Close() error { return n.conn.Close() }

// Send shows one notification.
func (n *Notifier) Send(ctx context.Context, note Note) error {
	urgency := byte(1)
	if note.Urgent {
		urgency = 2
	}
	hints := map[string]dbus.Variant{"urgency": dbus.MakeVariant(urgency)}
	obj := n.conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	call := obj.CallWithContext(ctx, "org.freedesktop.Notifications.Notify", 0,
		"idlenode", uint32(0), "", note.Summary, note.Body, []string{}, hints, int32(-1))
	if call.Err != nil {
		return fmt.Errorf("send notification: %w", call.Err)
	}
	return nil
}

// Notify watches the core and sends NotesFor each change until ctx ends.
// A desktop without a notification service only costs a log line.
func Notify(ctx context.Context, core Core, n *Notifier, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sub, stop := core.Subscribe()
	defer stop()
	var prev app.State
	first := true
	warned := false
	for {
		select {
		case <-ctx.Done():
			return
		case st := <-sub:
			if first {
				prev, first = st, false
				continue
			}
			for _, note := range NotesFor(prev, st) {
				if err := n.Send(ctx, note); err != nil && !warned {
					log.Info("Desktop notifications unavailable", "err", err)
					warned = true
				}
			}
			prev = st
		}
	}
}
