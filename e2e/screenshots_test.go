package e2e

import (
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWindowScreenshots is the smoke test of the desktop app: the real
// binaries under Xvfb, a headless service and the window on each tab, one
// screenshot each. $IDLENODE_SCREENSHOTS keeps them (look at them).
func TestWindowScreenshots(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real window under Xvfb")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "import", "dbus-run-session"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (make deps)", tool)
		}
	}
	build(t)
	out := os.Getenv("IDLENODE_SCREENSHOTS")
	if out == "" {
		out = t.TempDir()
	}
	cmd := exec.Command("../scripts/screenshots.sh", out)
	cmd.Env = append(baseEnv(), "IDLENODE_BIN="+filepath.Join(binDir, "idlenode"), "SETTLE=2")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshots.sh: %v\n%s", err, b)
	}
	for _, tab := range []string{"firstrun", "dashboard", "settings", "wallet", "activity"} {
		f, err := os.Open(filepath.Join(out, tab+".png"))
		if err != nil {
			t.Fatalf("%s: %v", tab, err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: not an image: %v", tab, err)
		}
		// A window that drew nothing is one or two colours; a tab shows text.
		colours := map[uint32]bool{}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y += 3 {
			for x := b.Min.X; x < b.Max.X; x += 3 {
				r, g, bl, _ := img.At(x, y).RGBA()
				colours[r>>8<<16|g>>8<<8|bl>>8] = true
			}
		}
		if len(colours) < 20 {
			t.Errorf("%s: the screenshot has only %d colours: the window drew nothing", tab, len(colours))
		}
	}
}
