// Package traytest is a stand-in tray host for tests and measurements: a
// minimal org.kde.StatusNotifierWatcher on the D-Bus session bus that
// records the items registering with it, reads their menus
// (com.canonical.dbusmenu) and clicks their entries, as a desktop's panel
// would. It needs a session bus (run tests under dbus-run-session).
package traytest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

// ErrNameTaken means another tray host already owns the watcher name.
var ErrNameTaken = errors.New("traytest: org.kde.StatusNotifierWatcher is taken")

const (
	watcherName   = "org.kde.StatusNotifierWatcher"
	watcherPath   = "/StatusNotifierWatcher"
	itemPath      = "/StatusNotifierItem"
	menuPath      = "/StatusNotifierItem/menu"
	dbusmenuIface = "com.canonical.dbusmenu"
)

// Watcher is the fake tray host.
type Watcher struct {
	conn *dbus.Conn

	mu    sync.Mutex
	items []Registration
	reg   chan struct{}
}

// Registration is one RegisterStatusNotifierItem call.
type Registration struct {
	Sender string // the item's unique bus name
	Path   string
	At     time.Time
}

type handler struct{ w *Watcher }

// RegisterStatusNotifierItem is the D-Bus method items call.
func (h handler) RegisterStatusNotifierItem(sender dbus.Sender, path string) *dbus.Error {
	h.w.mu.Lock()
	h.w.items = append(h.w.items, Registration{Sender: string(sender), Path: path, At: time.Now()})
	h.w.mu.Unlock()
	select {
	case h.w.reg <- struct{}{}:
	default:
	}
	return nil
}

// Start connects to the session bus and takes the watcher name.
func Start() (*Watcher, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("connect session bus: %w", err)
	}
	w := &Watcher{conn: conn, reg: make(chan struct{}, 1)}
	if err := conn.Export(handler{w}, watcherPath, watcherName); err != nil {
		conn.Close()
		return nil, fmt.Errorf("export watcher: %w", err)
	}
	r, err := conn.RequestName(watcherName, dbus.NameFlagDoNotQueue)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("request watcher name: %w", err)
	}
	if r != dbus.RequestNameReplyPrimaryOwner {
		conn.Close()
		return nil, ErrNameTaken
	}
	return w, nil
}

// Close releases the name and the connection.
func (w *Watcher) Close() error { return w.conn.Close() }

// Items returns the registrations so far.
func (w *Watcher) Items() []Registration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Registration(nil), w.items...)
}

// WaitItem waits for the first registration.
func (w *Watcher) WaitItem(ctx context.Context) (Registration, error) {
	for {
		if it := w.Items(); len(it) > 0 {
			return it[0], nil
		}
		select {
		case <-ctx.Done():
			return Registration{}, fmt.Errorf("wait for a tray item: %w", ctx.Err())
		case <-w.reg:
		}
	}
}

// Entry is one menu entry as the host sees it.
type Entry struct {
	ID      int32
	Label   string
	Enabled bool
	Visible bool
	Type    string // "separator" or ""
}

// Menu reads the item's whole menu.
func (w *Watcher) Menu(ctx context.Context, it Registration) ([]Entry, error) {
	var rev uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	call := w.conn.Object(it.Sender, menuPath).CallWithContext(ctx, dbusmenuIface+".GetLayout", 0, int32(0), int32(-1), []string{})
	if call.Err != nil {
		return nil, fmt.Errorf("get menu layout: %w", call.Err)
	}
	if err := call.Store(&rev, &root); err != nil {
		return nil, fmt.Errorf("read menu layout: %w", err)
	}
	var out []Entry
	for _, c := range root.Children {
		fields, ok := c.Value().([]any)
		if !ok || len(fields) < 2 {
			return nil, fmt.Errorf("read menu layout: unexpected child %v", c)
		}
		e := Entry{Enabled: true, Visible: true}
		e.ID, _ = fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		if v, ok := props["label"]; ok {
			e.Label, _ = v.Value().(string)
		}
		if v, ok := props["enabled"]; ok {
			e.Enabled, _ = v.Value().(bool)
		}
		if v, ok := props["visible"]; ok {
			e.Visible, _ = v.Value().(bool)
		}
		if v, ok := props["type"]; ok {
			e.Type, _ = v.Value().(string)
		}
		out = append(out, e)
	}
	return out, nil
}

// Click clicks the menu entry id.
func (w *Watcher) Click(ctx context.Context, it Registration, id int32) error {
	call := w.conn.Object(it.Sender, menuPath).CallWithContext(ctx, dbusmenuIface+".Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix()))
	if call.Err != nil {
		return fmt.Errorf("click menu entry %d: %w", id, call.Err)
	}
	return nil
}

// Activate clicks the icon itself (a left click on the tray icon).
func (w *Watcher) Activate(ctx context.Context, it Registration) error {
	call := w.conn.Object(it.Sender, itemPath).CallWithContext(ctx, "org.kde.StatusNotifierItem.Activate", 0, int32(0), int32(0))
	if call.Err != nil {
		return fmt.Errorf("activate tray icon: %w", call.Err)
	}
	return nil
}

// Property reads a StatusNotifierItem property such as "ToolTip".
func (w *Watcher) Property(ctx context.Context, it Registration, name string) (dbus.Variant, error) {
	var v dbus.Variant
	call := w.conn.Object(it.Sender, itemPath).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, "org.kde.StatusNotifierItem", name)
	if call.Err != nil {
		return v, fmt.Errorf("read tray property %s: %w", name, call.Err)
	}
	err := call.Store(&v)
	return v, err
}
