package coordinator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LockFileName is the file in a data folder that a running coordinator
// holds locked.
const LockFileName = "coordinator.lock"

// ErrDataDirInUse means another coordinator holds the data folder.
var ErrDataDirInUse = errors.New("data folder in use by another coordinator")

// LockDataDir takes dir for this process: an exclusive lock on
// dir/coordinator.lock (flock on Unix, LockFileEx on Windows), held until
// release is called or the process ends, so two coordinators never share
// one database, blobs folder and network.json. It fails at once with
// ErrDataDirInUse, naming the folder, when another process holds it.
func LockDataDir(dir string) (release func() error, err error) {
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	// Owner-only like the database (a lock file from an older version was
	// 0644; nothing secret is in it, but nobody else has a use for it).
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		_ = f.Chmod(0o600)
	}
	held, err := lockFile(f)
	if err != nil {
		f.Close()
		if held {
			abs, _ := filepath.Abs(dir)
			return nil, fmt.Errorf("%w: %s (another idlenode-coordinator holds %s; stop it or use another --data folder)", ErrDataDirInUse, abs, LockFileName)
		}
		return nil, fmt.Errorf("lock data folder %s: %w", dir, err)
	}
	// The pid, for a person looking at the folder; the lock is what counts.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	return f.Close, nil // closing the file releases the lock
}
