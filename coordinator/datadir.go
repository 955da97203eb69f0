package coordinator

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
)

// PrepareDataDir makes sure the data folder dir exists. One it creates is
// its owner's only (0700), as are the folders it creates on the way: the
// database in it holds the key that signs sign-in tokens. One that exists
// and that other users may enter (group or world bits set, e.g. made with
// a plain mkdir) is left as it is with a warning: the database and the
// lock are 0600 anyway, but blobs and the folder's listing are not the
// other users' business. created is the outermost folder this call made
// ("" when dir existed), so that a failed start can remove it.
func PrepareDataDir(dir string, log *slog.Logger) (created string, err error) {
	fi, err := os.Stat(dir)
	switch {
	case os.IsNotExist(err):
		top := filepath.Clean(dir)
		for {
			parent := filepath.Dir(top)
			if parent == top {
				break
			}
			if _, err := os.Lstat(parent); err == nil {
				break
			}
			top = parent
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("data folder: %w", err)
		}
		// MkdirAll applies the umask, which can only remove bits; say it
		// once more for a umask of 0.
		if err := os.Chmod(dir, 0o700); err != nil {
			return top, fmt.Errorf("data folder: %w", err)
		}
		return top, nil
	case err != nil:
		return "", fmt.Errorf("data folder: %w", err)
	case !fi.IsDir():
		return "", fmt.Errorf("data folder %s is not a folder", dir)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 && log != nil {
		abs, _ := filepath.Abs(dir)
		log.Warn("The data folder is open to other users; the database and the lock are owner-only, but consider chmod 700",
			"dir", abs, "mode", fi.Mode().Perm().String())
	}
	return "", nil
}
