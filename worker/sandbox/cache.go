package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// ErrCacheTampered: a cache entry failed its integrity check. It is removed
// and the module recompiled; the entry is never loaded.
var ErrCacheTampered = errors.New("sandbox: compile cache entry failed its integrity check")

// cacheMagic starts every entry: the format version, then a 32-byte HMAC.
var cacheMagic = []byte("IDLENODE-CWASM-1\n")

// cache stores compiled modules (native code) on disk. Each entry carries an
// HMAC-SHA256 under a random key kept in the cache folder (0600), so an
// entry written by anyone who cannot read that key is detected and never
// handed to the engine. The folder is owner-only (0700).
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
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("open compile cache: %w", err)
		}
		if err := writeFileAtomic(keyPath, key); err != nil {
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

// cacheKey names the entry for a module under an engine fingerprint.
func cacheKey(wasm []byte, engineID string) string {
	h := sha256.New()
	h.Write([]byte(engineID))
	h.Write([]byte{0})
	mod := sha256.Sum256(wasm)
	h.Write(mod[:])
	return hex.EncodeToString(mod[:]) + "-" + hex.EncodeToString(h.Sum(nil)[:8])
}

func (c *cache) path(name string) string { return filepath.Join(c.dir, name+".cwasm") }

func (c *cache) mac(name string, artifact []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write(artifact)
	return m.Sum(nil)
}

// load returns the verified artifact for name, or ok=false on a miss. A
// tampered entry is removed and reported as ErrCacheTampered.
func (c *cache) load(name string) (artifact []byte, ok bool, err error) {
	b, err := os.ReadFile(c.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("load compiled module: %w", err)
	}
	n := len(cacheMagic)
	if len(b) < n+32 || !bytes.Equal(b[:n], cacheMagic) ||
		!hmac.Equal(b[n:n+32], c.mac(name, b[n+32:])) {
		_ = os.Remove(c.path(name))
		return nil, false, fmt.Errorf("load compiled module: %w", ErrCacheTampered)
	}
	return b[n+32:], true, nil
}

// store writes an entry atomically.
func (c *cache) store(name string, artifact []byte) error {
	var buf bytes.Buffer
	buf.Grow(len(cacheMagic) + 32 + len(artifact))
	buf.Write(cacheMagic)
	buf.Write(c.mac(name, artifact))
	buf.Write(artifact)
	if err := writeFileAtomic(c.path(name), buf.Bytes()); err != nil {
		return fmt.Errorf("store compiled module: %w", err)
	}
	return nil
}

// writeFileAtomic writes b to path through a temporary file, fsync and
// rename, owner-only.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
