//go:build unix

package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/idlenode/idlenode/coordinator/store/sqlite"
)

// TestFilesOwnerOnly: the database holds the token-signing key, so it and
// its -wal and -shm files are readable by their owner only, even with a
// permissive umask and in a folder others can enter; a database an older
// version left readable by others is tightened when opened.
func TestFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	check := func(path string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want -rw-------", filepath.Base(p), fi.Mode().Perm())
			}
		}
	}
	path := filepath.Join(dir, "coordinator.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	if err := s.SetMeta(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	check(path)

	// A database (with its -wal and -shm) left 0644 by an older version.
	s.Close()
	path2 := filepath.Join(dir, "old.db")
	s, err = sqlite.Open(ctx, path2, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path2, path2 + "-wal", path2 + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = sqlite.Open(ctx, path2, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "k2", []byte("v")); err != nil {
		t.Fatal(err)
	}
	check(path2)
}
