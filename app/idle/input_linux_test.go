package idle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

func needDisplay(t testing.TB) string {
	t.Helper()
	d := os.Getenv("DISPLAY")
	if d == "" {
		t.Skip("DISPLAY is not set: run under Xvfb (scripts/test.sh does) to test X11 idle time")
	}
	return d
}

// TestX11IdleGrowsAndResets polls the real X server: idle time grows while
// nobody touches it, and an xdotool mouse move resets it.
func TestX11IdleGrowsAndResets(t *testing.T) {
	display := needDisplay(t)
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("xdotool not installed")
	}
	x, err := openX11(context.Background(), display)
	if err != nil {
		t.Fatalf("openX11(%q) error = %v", display, err)
	}
	defer x.close()
	ctx := context.Background()

	move := func(xy int) time.Time {
		t.Helper()
		before := time.Now()
		out, err := exec.Command("xdotool", "mousemove", fmt.Sprint(xy), fmt.Sprint(xy)).CombinedOutput()
		if err != nil {
			t.Fatalf("xdotool mousemove: %v: %s", err, out)
		}
		return before
	}
	move(10)
	// Other tests may share this display and move the mouse too: give
	// growth a few chances.
	var d1, d2 time.Duration
	for try := 0; ; try++ {
		if d1, err = x.idleFor(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(600 * time.Millisecond)
		if d2, err = x.idleFor(ctx); err != nil {
			t.Fatal(err)
		}
		if d2 > d1 {
			break
		}
		if try == 3 {
			t.Fatalf("idle did not grow: %v then %v", d1, d2)
		}
	}
	before := move(200)
	d3, err := x.idleFor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The move happened after `before`, so idle cannot exceed the time
	// since then (plus the server's millisecond rounding).
	if limit := time.Since(before) + 5*time.Millisecond; d3 > limit || d3 >= d2 {
		t.Fatalf("after mousemove idle = %v, want < %v and < %v", d3, limit, d2)
	}
	t.Logf("idle %v -> %v, after mousemove %v", d1, d2, d3)
}

func TestNewInputUsesX11UnderADisplay(t *testing.T) {
	needDisplay(t)
	in := NewInput(nil)
	defer in.(interface{ Close() error }).Close()
	if got := in.Method(); got != "x11-screensaver" {
		t.Fatalf("Method() = %q, want x11-screensaver", got)
	}
	if _, err := in.IdleFor(context.Background()); err != nil {
		t.Fatalf("IdleFor() error = %v", err)
	}
}

func TestX11NoDisplay(t *testing.T) {
	t.Parallel()
	if _, err := openX11(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "DISPLAY not set") {
		t.Fatalf("openX11(\"\") error = %v", err)
	}
	if _, err := openX11(context.Background(), ":9999"); err == nil {
		t.Fatal("openX11(:9999) connected to a display that does not exist")
	}
}

// fakeIdleService owns a well-known name on the real session bus and
// answers like the desktop's idle monitor.
type fakeIdleService struct {
	conn *dbus.Conn
}

func needSessionBus(t testing.TB) {
	t.Helper()
	if _, err := sessionBusAddress(); err != nil {
		t.Skip("no session bus: run under dbus-run-session (scripts/test.sh does) to test the D-Bus idle monitors")
	}
}

// exportFake claims name and exports methods (a method table) at path.
func exportFake(t testing.TB, name string, path dbus.ObjectPath, iface string, methods map[string]any) *fakeIdleService {
	t.Helper()
	needSessionBus(t)
	conn, err := connectBus(sessionBusAddress)
	if err != nil {
		t.Fatalf("connect to session bus: %v", err)
	}
	if err := conn.ExportMethodTable(methods, path, iface); err != nil {
		conn.Close()
		t.Fatalf("export %s: %v", iface, err)
	}
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		conn.Close()
		t.Fatalf("request name %s: reply %v, err %v", name, reply, err)
	}
	f := &fakeIdleService{conn: conn}
	t.Cleanup(f.stop)
	return f
}

func (f *fakeIdleService) stop() { f.conn.Close() }

func TestMutterIdleMonitor(t *testing.T) {
	exportFake(t, mutterName, mutterPath, "org.gnome.Mutter.IdleMonitor", map[string]any{
		"GetIdletime": func() (uint64, *dbus.Error) { return 123456, nil },
	})
	m, err := mutterProber(sessionBusAddress).open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	d, err := m.idleFor(context.Background())
	if err != nil || d != 123456*time.Millisecond {
		t.Fatalf("idleFor() = %v, %v; want 123.456s", d, err)
	}
}

func TestMutterBadReply(t *testing.T) {
	exportFake(t, mutterName, mutterPath, "org.gnome.Mutter.IdleMonitor", map[string]any{
		"GetIdletime": func() (string, *dbus.Error) { return "soon", nil },
	})
	m, err := mutterProber(sessionBusAddress).open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	if _, err := m.idleFor(context.Background()); err == nil || !strings.Contains(err.Error(), "parse") {
		t.Fatalf("idleFor() error = %v, want a parse error", err)
	}
}

// TestDBusChainFallsBack runs the D-Bus part of the Linux chain against
// fakes: Mutter present but failing, so the ScreenSaver interface answers;
// then the ScreenSaver goes away and logind's idle hint takes over.
func TestDBusChainFallsBack(t *testing.T) {
	exportFake(t, mutterName, mutterPath, "org.gnome.Mutter.IdleMonitor", map[string]any{
		"GetIdletime": func() (uint64, *dbus.Error) {
			return 0, dbus.MakeFailedError(errors.New("idle monitor unavailable"))
		},
	})
	ss := exportFake(t, screenSaverName, screenSaverPath, "org.freedesktop.ScreenSaver", map[string]any{
		"GetSessionIdleTime": func() (uint32, *dbus.Error) { return 42000, nil },
	})
	now := time.Unix(1_700_000_000, 0)
	exportLogind(t, logindAutoPath, true, now.Add(-90*time.Second))

	noDisplay := func(context.Context) (inputMethod, error) { return nil, errors.New("DISPLAY not set") }
	c := newChainInput(context.Background(), nil, []inputProber{
		{name: "x11-screensaver", open: noDisplay},
		mutterProber(sessionBusAddress),
		screenSaverProber(sessionBusAddress),
		logindProber(sessionBusAddress, func() time.Time { return now }),
	})
	defer c.Close()
	if got := c.Method(); got != "freedesktop-screensaver" {
		t.Fatalf("Method() = %q, want freedesktop-screensaver", got)
	}
	if d, err := c.IdleFor(context.Background()); err != nil || d != 42*time.Second {
		t.Fatalf("IdleFor() = %v, %v; want 42s", d, err)
	}

	ss.stop()
	for range maxInputFailures {
		if _, err := c.IdleFor(context.Background()); err == nil {
			t.Fatal("IdleFor() succeeded with the ScreenSaver gone")
		}
	}
	_, _ = c.IdleFor(context.Background()) // starts the probe
	c.waitProbe()
	d, err := c.IdleFor(context.Background())
	if err != nil || d != 90*time.Second {
		t.Fatalf("IdleFor() after fallback = %v, %v; want 90s from logind", d, err)
	}
	if got := c.Method(); got != "logind-idle-hint" {
		t.Fatalf("Method() = %q, want logind-idle-hint", got)
	}
}

// exportLogind fakes org.freedesktop.login1 on the session bus with one
// session object at path.
func exportLogind(t *testing.T, path dbus.ObjectPath, idle bool, since time.Time) *fakeIdleService {
	t.Helper()
	return exportFake(t, logindName, path, "org.freedesktop.DBus.Properties", map[string]any{
		"Get": func(iface, prop string) (dbus.Variant, *dbus.Error) {
			if iface != logindSession {
				return dbus.Variant{}, dbus.MakeFailedError(fmt.Errorf("no interface %s", iface))
			}
			switch prop {
			case "IdleHint":
				return dbus.MakeVariant(idle), nil
			case "IdleSinceHint":
				return dbus.MakeVariant(uint64(since.UnixMicro())), nil
			}
			return dbus.Variant{}, dbus.MakeFailedError(fmt.Errorf("no property %s", prop))
		},
	})
}

func TestLogindIdleHint(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }

	t.Run("idle", func(t *testing.T) {
		exportLogind(t, logindAutoPath, true, now.Add(-5*time.Minute))
		m, err := logindProber(sessionBusAddress, clock).open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer m.close()
		if d, err := m.idleFor(context.Background()); err != nil || d != 5*time.Minute {
			t.Fatalf("idleFor() = %v, %v; want 5m", d, err)
		}
	})
	t.Run("active", func(t *testing.T) {
		exportLogind(t, logindAutoPath, false, now.Add(-5*time.Minute))
		m, err := logindProber(sessionBusAddress, clock).open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer m.close()
		if d, err := m.idleFor(context.Background()); err != nil || d != 0 {
			t.Fatalf("idleFor() = %v, %v; want 0 for an active session", d, err)
		}
	})
	t.Run("user service finds the display session", func(t *testing.T) {
		const session = "/org/freedesktop/login1/session/_32"
		f := exportLogind(t, session, true, now.Add(-time.Minute))
		err := f.conn.ExportMethodTable(map[string]any{
			"Get": func(iface, prop string) (dbus.Variant, *dbus.Error) {
				if iface != logindUser || prop != "Display" {
					return dbus.Variant{}, dbus.MakeFailedError(fmt.Errorf("no property %s.%s", iface, prop))
				}
				return dbus.MakeVariant(struct {
					ID   string
					Path dbus.ObjectPath
				}{"2", session}), nil
			},
		}, logindSelfPath, "org.freedesktop.DBus.Properties")
		if err != nil {
			t.Fatal(err)
		}
		m, err := logindProber(sessionBusAddress, clock).open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer m.close()
		if d, err := m.idleFor(context.Background()); err != nil || d != time.Minute {
			t.Fatalf("idleFor() = %v, %v; want 1m", d, err)
		}
	})
	t.Run("no session", func(t *testing.T) {
		needSessionBus(t)
		if _, err := logindProber(sessionBusAddress, clock).open(context.Background()); err == nil {
			t.Fatal("open() found a session where there is none")
		}
	})
}

func TestLinuxProbersLeaveOutX11UnderWayland(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	names := func(ps []inputProber) string {
		var n []string
		for _, p := range ps {
			n = append(n, p.name)
		}
		return strings.Join(n, ",")
	}
	const order = "x11-screensaver,gnome-mutter,freedesktop-screensaver,logind-idle-hint"
	x := linuxInputProbers(env(map[string]string{"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}), nil)
	if names(x) != order {
		t.Fatalf("X11 session order = %s", names(x))
	}
	for _, e := range []map[string]string{
		{"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"},
		{"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"},
	} {
		w := linuxInputProbers(env(e), nil)
		if names(w) != order {
			t.Fatalf("Wayland order = %s", names(w))
		}
		if _, err := w[0].open(context.Background()); err == nil || !strings.Contains(err.Error(), "Wayland") {
			t.Fatalf("X11 under Wayland (%v) opened: %v", e, err)
		}
	}
}

// TestX11DropsUnaskedEvents: typing a key that is not in the keymap makes
// xdotool remap a keycode, and the server tells every client with
// MappingNotify. Those events must not pile up in the connection.
func TestX11DropsUnaskedEvents(t *testing.T) {
	display := needDisplay(t)
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("xdotool not installed")
	}
	x, err := openX11(context.Background(), display)
	if err != nil {
		t.Fatal(err)
	}
	defer x.close()
	for range 3 {
		if out, err := exec.Command("xdotool", "key", "U2603").CombinedOutput(); err != nil {
			t.Fatalf("xdotool key: %v: %s", err, out)
		}
	}
	if _, err := x.idleFor(context.Background()); err != nil {
		t.Fatal(err)
	}
	if x.drained == 0 {
		t.Fatal("no MappingNotify arrived; the test did not exercise draining")
	}
	if ev, xerr := x.conn.PollForEvent(); ev != nil || xerr != nil {
		t.Fatalf("events left queued after a poll: %v %v", ev, xerr)
	}
	t.Logf("dropped %d unasked events", x.drained)
}
