//go:build unix

package sandbox

import (
	"fmt"
	"os"
	"syscall"
)

// checkOwnerOnly fails unless path is owned by this user and not writable
// (for a folder: not accessible) by anyone else.
func checkOwnerOnly(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%s is owned by uid %d, not this user", path, st.Uid)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		// Ours but too open (e.g. made by an older version): tighten it.
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if err := os.Chmod(path, want); err != nil {
			return fmt.Errorf("%s is open to others: %w", path, err)
		}
	}
	return nil
}
