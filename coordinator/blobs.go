package coordinator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// inlineBlobMax is the size up to which blobs live in the store (one
// database row is far cheaper than a file); larger ones are files.
const inlineBlobMax = 256 << 10

// blobStore keeps blobs as files named by their sha256 under dir.
type blobStore struct {
	dir    string
	noSync bool // skip fsync: survives process crashes, not power loss
}

var (
	errHashMismatch = errors.New("content does not match its sha256")
	errBlobMissing  = errors.New("blob not found")
)

func newBlobStore(dir string) (*blobStore, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("blob store: %w", err)
	}
	return &blobStore{dir: dir}, nil
}

func (b *blobStore) path(hash string) string { return filepath.Join(b.dir, hash[:2], hash) }

// size returns the size of a stored blob, errBlobMissing if absent.
func (b *blobStore) size(hash string) (int64, error) {
	fi, err := os.Stat(b.path(hash))
	if errors.Is(err, os.ErrNotExist) {
		return 0, errBlobMissing
	}
	if err != nil {
		return 0, fmt.Errorf("stat blob: %w", err)
	}
	return fi.Size(), nil
}

// put stores r's content as hash, durably: written to a temp file,
// fsynced, renamed, directory fsynced.
func (b *blobStore) put(hash string, r io.Reader) error {
	if _, err := b.size(hash); err == nil {
		return nil
	}
	f, err := os.CreateTemp(filepath.Join(b.dir, "tmp"), "put-*")
	if err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	defer os.Remove(f.Name())
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), r); err != nil {
		f.Close()
		return fmt.Errorf("put blob: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != hash {
		f.Close()
		return fmt.Errorf("put blob %s: %w (got %s)", hash, errHashMismatch, got)
	}
	if !b.noSync {
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("put blob: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	dir := filepath.Dir(b.path(hash))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	if err := os.Rename(f.Name(), b.path(hash)); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	if d, err := os.Open(dir); err == nil && !b.noSync {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

func (b *blobStore) open(hash string) (*os.File, error) {
	f, err := os.Open(b.path(hash))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errBlobMissing
	}
	return f, err
}
