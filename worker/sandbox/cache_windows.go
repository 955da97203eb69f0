//go:build windows

package sandbox

import (
	"fmt"
	"os"
)

// checkOwnerOnly on Windows relies on the per-user cache folder's ACL
// (inherited from %LocalAppData%); it only refuses links.
func checkOwnerOnly(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s is a symbolic link", path)
	}
	return nil
}
