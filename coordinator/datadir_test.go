//go:build unix

package coordinator_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/idlenode/idlenode/coordinator"
)

// TestDataDirOwnerOnly: the lock file is the owner's only; a data folder
// the coordinator creates is too (0700), and one the operator made
// readable by others is left alone with a warning.
func TestDataDirOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	root := t.TempDir()

	fresh := filepath.Join(root, "a", "net")
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	created, err := coordinator.PrepareDataDir(fresh, log)
	if err != nil || created != filepath.Join(root, "a") {
		t.Fatalf("PrepareDataDir(new) = %q, %v; want created %s", created, err, filepath.Join(root, "a"))
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("new data folder: %v %v, want drwx------", fi.Mode(), err)
	}
	if logs.Len() != 0 {
		t.Fatalf("warned about a folder it created:\n%s", logs.String())
	}
	release, err := coordinator.LockDataDir(fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if fi, err := os.Stat(filepath.Join(fresh, coordinator.LockFileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v %v, want -rw-------", fi.Mode(), err)
	}

	open := filepath.Join(root, "open")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	// A lock file an older version left 0644.
	if err := os.WriteFile(filepath.Join(open, coordinator.LockFileName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	created, err = coordinator.PrepareDataDir(open, log)
	if err != nil || created != "" {
		t.Fatalf("PrepareDataDir(existing) = %q, %v; want none created", created, err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "chmod 700") {
		t.Fatalf("no warning for a 0755 data folder:\n%s", logs.String())
	}
	if fi, _ := os.Stat(open); fi.Mode().Perm() != 0o755 {
		t.Fatalf("the operator's folder changed to %v", fi.Mode())
	}
	release2, err := coordinator.LockDataDir(open)
	if err != nil {
		t.Fatal(err)
	}
	defer release2()
	if fi, err := os.Stat(filepath.Join(open, coordinator.LockFileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("old lock file: %v %v, want -rw-------", fi.Mode(), err)
	}
}
