package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/idlenode/idlenode/internal/atomicfile"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// ErrCacheTampered: a cache entry failed its integrity check. It is removed
// and the module recompiled; the entry is never loaded.
var ErrCacheTampered = errors.New("sandbox: compile cache entry failed its integrity check")

// macMagic starts every entry's .mac file: the format version, then the
// 32-byte HMAC of the .cwasm file beside it.
var macMagic = []byte("IDLENODE-CWASM-MAC-1\n")

// errTooLarge: a file is over the size this package reads.
var errTooLarge = errors.New("file too large")

// Limits of what the cache reads.
const (
	maxArtifactBytes = 1 << 30
	macChunk         = 1 << 20
)

// cache stores compiled modules (native code) on disk: NAME.cwasm is the
// engine's serialised module, NAME.mac its HMAC-SHA256 under a random key
// kept in the cache folder (0600). An entry written by anyone who cannot
// read that key is detected and never handed to the engine. The folder is
// owner-only (0700). Keeping the artifact bare lets the engine map it
// instead of copying it: a cached start of a 4 MB Go module loads its
// 12 MB of native code in under a millisecond instead of 7.
type cache struct {
	dir string
	key []byte
	log *slog.Logger
}

// openCache prepares dir for use, creating it and its key. It refuses a
// folder that another user owns or that others can write.
func openCache(dir string, log *slog.Logger) (*cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open compile cache: %w", err)
	}
	if err := checkOwnerOnly(dir); err != nil {
		return nil, fmt.Errorf("open compile cache: %w", err)
	}
	keyPath := filepath.Join(dir, "cache.key")
	key, err := os.ReadFile(keyPath)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(key) != 32) {
		if key, err = makeKey(keyPath, err == nil); err != nil {
			return nil, fmt.Errorf("open compile cache: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("open compile cache: %w", err)
	}
	if err := checkOwnerOnly(keyPath); err != nil {
		return nil, fmt.Errorf("open compile cache: %w", err)
	}
	return &cache{dir: dir, key: key, log: log}, nil
}

// makeKey creates the cache's key file. Two children starting together
// must end up with the same key, so the file is linked into place (which
// fails if it exists) and the winner's key read back. A bad key (replace)
// is swapped out by rename.
func makeKey(path string, replace bool) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if replace {
		return key, writeFileAtomic(path, key)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Link(f.Name(), path); errors.Is(err, fs.ErrExist) {
		key, err = os.ReadFile(path)
		if err == nil && len(key) != 32 {
			err = fmt.Errorf("%s is not a key", path)
		}
		return key, err
	} else if err != nil {
		return nil, err
	}
	return key, nil
}

// cacheKey names the entry for a module under an engine fingerprint.
func cacheKey(wasm []byte, engineID string) string {
	h := sha256.New()
	h.Write([]byte(engineID))
	h.Write([]byte{0})
	mod := sha256.Sum256(wasm)
	h.Write(mod[:])
	return hex.EncodeToString(mod[:]) + "-" + hex.EncodeToString(h.Sum(nil)[:8])
}

func (c *cache) path(name string) string    { return filepath.Join(c.dir, name+".cwasm") }
func (c *cache) macPath(name string) string { return filepath.Join(c.dir, name+".mac") }

// mac authenticates an artifact under its name: HMAC-SHA256 over the name,
// the length and the SHA-256 of each 1 MiB chunk. Hashing the chunks in
// parallel keeps a cached start of a large module short.
func (c *cache) mac(name string, artifact []byte) []byte {
	n := (len(artifact) + macChunk - 1) / macChunk
	sums := make([][sha256.Size]byte, n)
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				sums[i] = sha256.Sum256(artifact[i*macChunk : min((i+1)*macChunk, len(artifact))])
			}
		}()
	}
	wg.Wait()
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(artifact))))
	for i := range sums {
		m.Write(sums[i][:])
	}
	return m.Sum(nil)
}

// entry is a verified cache entry. Load it from path where path is set
// (the very file that was verified, by its open descriptor), else from
// data. Call release when done.
type entry struct {
	path    string
	data    []byte
	release func()
}

// load returns the verified entry for name, or nil on a miss. A tampered
// entry is removed and reported as ErrCacheTampered. (The check holds
// against anyone but a writer with this user's rights racing an in-place
// write into the milliseconds between check and load; entries are only
// ever replaced by rename, which an open descriptor does not see.)
func (c *cache) load(name string) (*entry, error) {
	want, err := os.ReadFile(c.macPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load compiled module: %w", err)
	}
	data, fdPath, release, err := openVerifiable(c.path(name), maxArtifactBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load compiled module: %w", err)
	}
	n := len(macMagic)
	if len(want) != n+32 || !bytes.Equal(want[:n], macMagic) || !hmac.Equal(want[n:], c.mac(name, data)) {
		release()
		c.remove(name)
		return nil, fmt.Errorf("load compiled module: %w", ErrCacheTampered)
	}
	return &entry{path: fdPath, data: data, release: release}, nil
}

// remove deletes an entry.
func (c *cache) remove(name string) {
	_ = os.Remove(c.path(name))
	_ = os.Remove(c.macPath(name))
}

// store writes an entry: the artifact, then its MAC, each atomically.
func (c *cache) store(name string, artifact []byte) error {
	if err := writeFileAtomic(c.path(name), artifact); err != nil {
		return fmt.Errorf("store compiled module: %w", err)
	}
	mac := append(append([]byte{}, macMagic...), c.mac(name, artifact)...)
	if err := writeFileAtomic(c.macPath(name), mac); err != nil {
		return fmt.Errorf("store compiled module: %w", err)
	}
	return nil
}

// writeFileAtomic replaces path with b, owner-only.
func writeFileAtomic(path string, b []byte) error {
	return atomicfile.Write(path, b, 0o600)
}
