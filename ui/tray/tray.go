// Package tray is the node service's tray icon and menu. It runs inside the
// always-on service (`idlenode run`) through fyne.io/systray, which speaks
// D-Bus StatusNotifierItem on Linux and needs no OpenGL, so the service stays
// light. The menu shows the status and its reason and today's earnings, and
// offers pause/resume, opening the window (a separate process) and quitting.
//
// The labels are pure functions of app.State (Labels), and the menu's
// actions are methods of Menu, so both are tested without a tray host.
package tray

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/assets"
	"github.com/idlenode/idlenode/ui/format"
)

// Core is the part of the node core the tray drives. *app.App implements
// it; every method is safe for concurrent use and returns quickly.
type Core interface {
	State() app.State
	Subscribe() (<-chan app.State, func())
	Pause(d time.Duration)
	Resume()
	Quit()
}

var _ Core = (*app.App)(nil)

// SnoozeFor is how long "Pause for 1 hour" pauses.
const SnoozeFor = time.Hour

// Icon names, one per look of the tray icon.
const (
	IconWorking = "working"
	IconWaiting = "waiting"
	IconPaused  = "paused"
	IconError   = "error"
)

// IconPNG returns the PNG for an icon name (the waiting icon for unknown
// names).
func IconPNG(name string) []byte {
	switch name {
	case IconWorking:
		return assets.TrayWorking
	case IconPaused:
		return assets.TrayPaused
	case IconError:
		return assets.TrayError
	}
	return assets.TrayWaiting
}

// Labels is everything the tray shows for one State.
type Labels struct {
	Icon      string // IconWorking, IconWaiting, IconPaused or IconError
	Status    string // first menu line: "Working", "Paused until 14:05"
	Reason    string // second menu line: the policy's reason, shortened
	Earned    string // "Earned today: 1.25 IDLE"
	PauseItem string // "Pause for 1 hour" or "Resume"
	Paused    bool   // the pause item resumes
	Tooltip   string // hover text: status and reason
}

// maxReason keeps the reason line readable in a menu.
const maxReason = 70

// LabelsFor computes the tray's labels for st.
func LabelsFor(st app.State) Labels {
	l := Labels{
		Status:    format.Status(st),
		Reason:    shorten(st.Reason, maxReason),
		Earned:    "Earned today: " + format.EarnedToday(st),
		PauseItem: "Pause for 1 hour",
	}
	switch st.State {
	case app.PhaseWorking:
		l.Icon = IconWorking
	case app.PhasePaused:
		l.Icon, l.PauseItem, l.Paused = IconPaused, "Resume", true
	case app.PhaseOffline:
		l.Icon = IconError
	default:
		l.Icon = IconWaiting
	}
	if st.SettingsProblem != "" && st.State != app.PhasePaused {
		l.Icon = IconError
	}
	l.Tooltip = "idlenode: " + l.Status
	if l.Reason != "" {
		l.Tooltip += " — " + l.Reason
	}
	return l
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// ErrNoWindow means the window could not be started.
var ErrNoWindow = errors.New("tray: cannot open the window")

// Menu holds the tray menu's actions. Open starts the window on a tab
// ("settings", ...; "" for the window's own choice: the dashboard, or the
// first run on a new node); it must not block.
type Menu struct {
	Core Core
	Open func(tab string) error
	Log  *slog.Logger
}

// TogglePause pauses for SnoozeFor, or resumes when the node is paused.
// It returns the state after the change.
func (m *Menu) TogglePause() app.State {
	if m.Core.State().State == app.PhasePaused {
		m.Core.Resume()
	} else {
		m.Core.Pause(SnoozeFor)
	}
	return m.Core.State()
}

// OpenWindow opens the window on tab.
func (m *Menu) OpenWindow(tab string) error {
	if m.Open == nil {
		return fmt.Errorf("open %s: %w", tab, ErrNoWindow)
	}
	if err := m.Open(tab); err != nil {
		m.log().Warn("Could not open the window", "tab", tab, "err", err)
		return fmt.Errorf("open %s: %w", tab, err)
	}
	return nil
}

// Quit stops the node service.
func (m *Menu) Quit() {
	m.log().Info("Quit from the tray")
	m.Core.Quit()
}

func (m *Menu) log() *slog.Logger {
	if m.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.Log
}
