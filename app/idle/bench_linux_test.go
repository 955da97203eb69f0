package idle

import (
	"context"
	"testing"

	"github.com/godbus/dbus/v5"
)

// BenchmarkInputIdleDBus polls a fake Mutter idle monitor on the real
// session bus over one open connection: the cost of a GNOME Wayland poll,
// less gnome-shell's own work.
func BenchmarkInputIdleDBus(b *testing.B) {
	exportFake(b, mutterName, mutterPath, "org.gnome.Mutter.IdleMonitor", map[string]any{
		"GetIdletime": func() (uint64, *dbus.Error) { return 1000, nil },
	})
	c := newChainInput(context.Background(), nil, []inputProber{mutterProber(sessionBusAddress)})
	defer c.Close()
	if c.Method() != "gnome-mutter" {
		b.Fatalf("Method() = %q", c.Method())
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.IdleFor(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInputIdleX11(b *testing.B) {
	display := needDisplay(b)
	x, err := openX11(context.Background(), display)
	if err != nil {
		b.Fatal(err)
	}
	defer x.close()
	in := &chainInput{cur: x, method: "x11-screensaver", probed: true}
	ctx := context.Background()
	for b.Loop() {
		if _, err := in.IdleFor(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
