package idle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/godbus/dbus/v5"
)

// D-Bus names of the idle monitors, in the order NewInput tries them.
const (
	mutterName   = "org.gnome.Mutter.IdleMonitor"
	mutterPath   = "/org/gnome/Mutter/IdleMonitor/Core"
	mutterMethod = "org.gnome.Mutter.IdleMonitor.GetIdletime"

	screenSaverName   = "org.freedesktop.ScreenSaver"
	screenSaverPath   = "/org/freedesktop/ScreenSaver"
	screenSaverMethod = "org.freedesktop.ScreenSaver.GetSessionIdleTime"

	logindName     = "org.freedesktop.login1"
	logindSession  = "org.freedesktop.login1.Session"
	logindAutoPath = "/org/freedesktop/login1/session/auto"
	logindSelfPath = "/org/freedesktop/login1/user/self"
	logindUser     = "org.freedesktop.login1.User"
	propertiesGet  = "org.freedesktop.DBus.Properties.Get"
)

// sessionBusAddress finds the session bus without ever starting one
// (godbus would run dbus-launch, leaving a daemon behind).
func sessionBusAddress() (string, error) {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" {
		return a, nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		p := filepath.Join(dir, "bus")
		if _, err := os.Stat(p); err == nil {
			return "unix:path=" + p, nil
		}
	}
	return "", errors.New("no session bus")
}

// systemBusAddress follows the D-Bus specification's default.
func systemBusAddress() (string, error) {
	if a := os.Getenv("DBUS_SYSTEM_BUS_ADDRESS"); a != "" {
		return a, nil
	}
	const p = "/var/run/dbus/system_bus_socket"
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("no system bus")
	}
	return "unix:path=" + p, nil
}

func connectBus(address func() (string, error)) (*dbus.Conn, error) {
	addr, err := address()
	if err != nil {
		return nil, err
	}
	conn, err := dbus.Connect(addr)
	if err != nil {
		return nil, fmt.Errorf("connect to bus: %w", err)
	}
	return conn, nil
}

// dbusCallInput calls a method that answers the idle time in milliseconds.
type dbusCallInput struct {
	conn   *dbus.Conn
	obj    dbus.BusObject
	method string
	read   func(*dbus.Call) (time.Duration, error)
}

var _ inputMethod = (*dbusCallInput)(nil)

func (d *dbusCallInput) idleFor(ctx context.Context) (time.Duration, error) {
	call := d.obj.CallWithContext(ctx, d.method, dbus.FlagNoAutoStart)
	if call.Err != nil {
		return 0, fmt.Errorf("call %s: %w", d.method, call.Err)
	}
	return d.read(call)
}

func (d *dbusCallInput) close() error { return d.conn.Close() }

// mutterProber reads GNOME's idle monitor: GetIdletime returns uint64 ms.
func mutterProber(address func() (string, error)) inputProber {
	return inputProber{name: "gnome-mutter", open: func(context.Context) (inputMethod, error) {
		conn, err := connectBus(address)
		if err != nil {
			return nil, err
		}
		return &dbusCallInput{
			conn:   conn,
			obj:    conn.Object(mutterName, mutterPath),
			method: mutterMethod,
			read: func(c *dbus.Call) (time.Duration, error) {
				var ms uint64
				if err := c.Store(&ms); err != nil {
					return 0, fmt.Errorf("parse %s reply: %w", mutterMethod, err)
				}
				return time.Duration(ms) * time.Millisecond, nil
			},
		}, nil
	}}
}

// screenSaverProber reads org.freedesktop.ScreenSaver.GetSessionIdleTime,
// which KDE and others answer with uint32 ms.
func screenSaverProber(address func() (string, error)) inputProber {
	return inputProber{name: "freedesktop-screensaver", open: func(context.Context) (inputMethod, error) {
		conn, err := connectBus(address)
		if err != nil {
			return nil, err
		}
		return &dbusCallInput{
			conn:   conn,
			obj:    conn.Object(screenSaverName, screenSaverPath),
			method: screenSaverMethod,
			read: func(c *dbus.Call) (time.Duration, error) {
				var ms uint32
				if err := c.Store(&ms); err != nil {
					return 0, fmt.Errorf("parse %s reply: %w", screenSaverMethod, err)
				}
				return time.Duration(ms) * time.Millisecond, nil
			},
		}, nil
	}}
}

// logindInput reads the session's IdleHint and IdleSinceHint. It is coarse:
// the desktop sets the hint only after its own idle delay, and a session
// that is not idle reads as idle for 0.
type logindInput struct {
	conn    *dbus.Conn
	session dbus.BusObject
	now     func() time.Time
}

var _ inputMethod = (*logindInput)(nil)

func logindProber(address func() (string, error), now func() time.Time) inputProber {
	return inputProber{name: "logind-idle-hint", open: func(ctx context.Context) (inputMethod, error) {
		conn, err := connectBus(address)
		if err != nil {
			return nil, err
		}
		l := &logindInput{conn: conn, now: now}
		// The caller's own session first; a user service belongs to no
		// session, so then the user's display session.
		l.session = conn.Object(logindName, logindAutoPath)
		if _, err := l.idleFor(ctx); err == nil {
			return l, nil
		}
		var display struct {
			ID   string
			Path dbus.ObjectPath
		}
		err = conn.Object(logindName, logindSelfPath).
			CallWithContext(ctx, propertiesGet, dbus.FlagNoAutoStart, logindUser, "Display").
			Store(&display)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("find login session: %w", err)
		}
		if display.Path == "" || display.Path == "/" {
			conn.Close()
			return nil, errors.New("find login session: user has no display session")
		}
		l.session = conn.Object(logindName, display.Path)
		return l, nil
	}}
}

func (l *logindInput) idleFor(ctx context.Context) (time.Duration, error) {
	var idle bool
	err := l.session.CallWithContext(ctx, propertiesGet, dbus.FlagNoAutoStart, logindSession, "IdleHint").Store(&idle)
	if err != nil {
		return 0, fmt.Errorf("read logind IdleHint: %w", err)
	}
	if !idle {
		return 0, nil
	}
	var since uint64 // µs since the epoch
	err = l.session.CallWithContext(ctx, propertiesGet, dbus.FlagNoAutoStart, logindSession, "IdleSinceHint").Store(&since)
	if err != nil {
		return 0, fmt.Errorf("read logind IdleSinceHint: %w", err)
	}
	d := l.now().Sub(time.UnixMicro(int64(since)))
	if since == 0 || d < 0 {
		return 0, nil
	}
	return d, nil
}

func (l *logindInput) close() error { return l.conn.Close() }

func platformInputProbers(log *slog.Logger) []inputProber {
	return linuxInputProbers(os.Getenv, log)
}

// linuxInputProbers orders the methods for this session. Under Wayland the
// X11 method is left out: XWayland counts only input sent to X clients, so
// it would call the owner idle while they type in native Wayland windows.
func linuxInputProbers(getenv func(string) string, log *slog.Logger) []inputProber {
	dbusProbers := []inputProber{
		mutterProber(sessionBusAddress),
		screenSaverProber(sessionBusAddress),
		logindProber(systemBusAddress, time.Now),
	}
	if getenv("WAYLAND_DISPLAY") != "" || getenv("XDG_SESSION_TYPE") == "wayland" {
		return append([]inputProber{{name: "x11-screensaver", open: func(context.Context) (inputMethod, error) {
			return nil, errors.New("left out under Wayland (XWayland sees only X clients' input)")
		}}}, dbusProbers...)
	}
	return append([]inputProber{x11Prober(log)}, dbusProbers...)
}
