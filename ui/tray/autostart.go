package tray

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/emersion/go-autostart"

	"github.com/idlenode/idlenode/app"
)

// Autostart is the login entry that starts the node service (on Linux an
// XDG autostart .desktop file).
type Autostart struct {
	entry *autostart.App
}

// NewAutostart describes the entry that runs `exe run [--home home]`.
// A node with its own home gets its own entry name.
func NewAutostart(exe, home string) *Autostart {
	name, cmd := "idlenode", []string{exe, "run"}
	if home != "" {
		name = "idlenode-" + shortHash(home)
		cmd = append(cmd, "--home", home)
	}
	return &Autostart{entry: &autostart.App{Name: name, DisplayName: "idlenode", Exec: cmd}}
}

func shortHash(s string) string {
	var h uint32 = 2166136261 // FNV-1a: a stable name, not security
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return fmt.Sprintf("%08x", h)
}

// Enabled reports whether the entry exists.
func (a *Autostart) Enabled() bool { return a.entry.IsEnabled() }

// Apply creates or removes the entry; it does nothing when it already is
// as wanted.
func (a *Autostart) Apply(enabled bool) error {
	switch {
	case enabled && !a.entry.IsEnabled():
		if err := a.entry.Enable(); err != nil {
			return fmt.Errorf("enable start at login: %w", err)
		}
	case !enabled && a.entry.IsEnabled():
		if err := a.entry.Disable(); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("disable start at login: %w", err)
		}
	}
	return nil
}

// KeepAutostart applies the autostart setting now and whenever it changes,
// until ctx ends. Failures are logged: they must not stop the node.
func KeepAutostart(ctx context.Context, core Core, a *Autostart, log *slog.Logger) {
	sub, stop := core.Subscribe()
	defer stop()
	applied := -1
	for {
		select {
		case <-ctx.Done():
			return
		case st := <-sub:
			want := 0
			if st.Settings.Autostart {
				want = 1
			}
			if want == applied {
				continue
			}
			if err := a.Apply(want == 1); err != nil {
				log.Warn("Could not change start at login", "err", err)
				continue
			}
			applied = want
		}
	}
}

var _ Core = (*app.App)(nil)
