package buildinfo

import (
	"runtime"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	old := Version
	t.Cleanup(func() { Version = old })
	Version = "1.2.0"
	if got, want := String("idlectl"), "idlectl 1.2.0 ("+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+")"; got != want {
		t.Errorf("released: %q, want %q", got, want)
	}
	Version = "dev"
	if got := String("idlectl"); !strings.HasPrefix(got, "idlectl dev") || !strings.Contains(got, runtime.Version()) {
		t.Errorf("dev: %q", got)
	}
}
