package tray

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"

	"github.com/idlenode/idlenode/app"
)

// ErrTrayUsed means Run was called twice in one process: fyne.io/systray
// keeps one tray per process.
var ErrTrayUsed = errors.New("tray: already shown by this process")

var used atomic.Bool

// HasSessionBus reports whether a D-Bus session bus answers. The tray
// needs one on Linux (fyne.io/systray panics on quit without one). It
// never starts a bus: on a server without one, godbus's autolaunch would
// leave a dbus-daemon behind.
func HasSessionBus() bool {
	conn, err := connectSession()
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// connectSession connects to the running session bus, without autolaunch.
func connectSession() (*dbus.Conn, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, fmt.Errorf("connect session bus: %w", err)
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect session bus: %w", err)
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect session bus: %w", err)
	}
	return conn, nil
}

// Run shows the tray icon and menu until ctx ends or Quit is chosen (which
// ends the service through Core.Quit). Without a session bus it logs that
// the tray is off and waits for ctx: the node works on, and the window
// still opens with `idlenode window`.
func Run(ctx context.Context, m *Menu) error {
	log := m.log()
	if !HasSessionBus() {
		log.Info("No desktop session bus: running without a tray icon")
		<-ctx.Done()
		return nil
	}
	if !used.CompareAndSwap(false, true) {
		return ErrTrayUsed
	}
	start, end := systray.RunWithExternalLoop(nil, nil)
	start()
	defer end()

	sub, unsubscribe := m.Core.Subscribe()
	defer unsubscribe()
	first := LabelsFor(m.Core.State())

	systray.SetIcon(IconPNG(first.Icon))
	systray.SetTitle("idlenode")
	systray.SetTooltip(first.Tooltip)
	status := systray.AddMenuItem(first.Status, "What idlenode is doing")
	status.Disable()
	reason := systray.AddMenuItem(first.Reason, "Why")
	reason.Disable()
	earned := systray.AddMenuItem(first.Earned, "Validated earnings today")
	earned.Disable()
	systray.AddSeparator()
	pause := systray.AddMenuItem(first.PauseItem, "Stop work for an hour, or go back to work")
	open := systray.AddMenuItem("Open idlenode", "Dashboard, wallet and activity")
	sets := systray.AddMenuItem("Settings", "When and how much idlenode works")
	systray.AddSeparator()
	quit := systray.AddMenuItem("Quit", "Stop idlenode: no work until it starts again")
	systray.SetOnTapped(func() { _ = m.OpenWindow("") })
	log.Info("Tray ready")

	last := first
	apply := func(st app.State) {
		l := LabelsFor(st)
		if l.Icon != last.Icon {
			systray.SetIcon(IconPNG(l.Icon))
		}
		if l.Tooltip != last.Tooltip {
			systray.SetTooltip(l.Tooltip)
		}
		if l.Status != last.Status {
			status.SetTitle(l.Status)
		}
		if l.Reason != last.Reason {
			reason.SetTitle(l.Reason)
		}
		if l.Earned != last.Earned {
			earned.SetTitle(l.Earned)
		}
		if l.PauseItem != last.PauseItem {
			pause.SetTitle(l.PauseItem)
		}
		last = l
	}
	// systray drops a click when nobody receives at that instant: one
	// goroutine per item always listens and queues it.
	clicks := make(chan *systray.MenuItem, 8)
	for _, it := range []*systray.MenuItem{pause, open, sets, quit} {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-it.ClickedCh:
					select {
					case clicks <- it:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case st := <-sub:
			apply(st)
		case it := <-clicks:
			switch it {
			case pause:
				apply(m.TogglePause())
			case open:
				_ = m.OpenWindow("")
			case sets:
				_ = m.OpenWindow("settings")
			case quit:
				m.Quit()
			}
		}
	}
}
