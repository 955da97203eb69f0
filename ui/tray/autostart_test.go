package tray

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idlenode/idlenode/app/settings"
)

// go-autostart reads XDG_CONFIG_HOME once at start, so the real check runs
// in a child test process with its own config folder.
func TestAutostartWritesAndRemovesEntry(t *testing.T) {
	if dir := os.Getenv("TRAY_AUTOSTART_DIR"); dir != "" {
		a := NewAutostart("/opt/idlenode/idlenode", "/home/me/node 2")
		if err := a.Apply(true); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "autostart", "idlenode-*.desktop"))
		if len(files) != 1 {
			t.Fatalf("entries %v, want one", files)
		}
		b, _ := os.ReadFile(files[0])
		if !strings.Contains(string(b), `Exec="/opt/idlenode/idlenode" "run" "--home" "/home/me/node 2"`) {
			t.Fatalf("entry does not run the node with its home:\n%s", b)
		}
		if !a.Enabled() || a.Apply(true) != nil {
			t.Fatal("second enable failed")
		}
		if err := a.Apply(false); err != nil {
			t.Fatal(err)
		}
		if a.Enabled() || a.Apply(false) != nil {
			t.Fatal("entry still there after disable")
		}

		// The service keeps the entry in step with the setting.
		core, _ := newCore(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { KeepAutostart(ctx, core, a, slog.New(slog.DiscardHandler)); close(done) }()
		waitFor(t, "entry for the default setting (on)", a.Enabled)
		if _, err := core.UpdateSettings(func(s *settings.Settings) error { s.Autostart = false; return nil }); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "entry removed", func() bool { return !a.Enabled() })
		cancel()
		<-done
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAutostartWritesAndRemovesEntry$", "-test.v")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir, "TRAY_AUTOSTART_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestAutostartNames(t *testing.T) {
	t.Parallel()
	if a, b := NewAutostart("x", ""), NewAutostart("x", "/a"); a.entry.Name != "idlenode" || b.entry.Name == a.entry.Name {
		t.Fatalf("names %q %q", a.entry.Name, b.entry.Name)
	}
	if NewAutostart("x", "/a").entry.Name != NewAutostart("y", "/a").entry.Name {
		t.Fatal("name not stable for one home")
	}
}
