package worker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/idlenode/idlenode/internal/atomicfile"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/idlenode/idlenode/protocol"
)

// writeFileAtomic replaces path with data, owner-only.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data, 0o600)
}

// blobCache keeps downloaded blobs by their sha256, checked on the way in
// and again on the way out, so a corrupted cache file is fetched anew.
type blobCache struct {
	dir string
	mu  sync.Mutex // one download of a blob at a time
}

type blobSource interface {
	GetBlob(ctx context.Context, hash string, max int64) ([]byte, error)
}

func (b *blobCache) get(ctx context.Context, src blobSource, hash string, max int64) (string, error) {
	if !protocol.ValidHash(hash) {
		return "", fmt.Errorf("blob address %q is not a sha256", hash)
	}
	path := filepath.Join(b.dir, hash)
	b.mu.Lock()
	defer b.mu.Unlock()
	if data, err := os.ReadFile(path); err == nil {
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) == hash {
			return path, nil
		}
		_ = os.Remove(path) // corrupted: fetch again
	}
	data, err := src.GetBlob(ctx, hash, max)
	if err != nil {
		return "", err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hash {
		return "", fmt.Errorf("blob %s: content does not match its address", hash[:12])
	}
	if err := writeFileAtomic(path, data); err != nil {
		return "", fmt.Errorf("cache blob: %w", err)
	}
	return path, nil
}

// pendingReport is a finished result not yet acknowledged by the
// coordinator. It lives in the outbox until it is.
type pendingReport struct {
	LeaseID string                `json:"lease_id"`
	JobID   string                `json:"job_id"`
	Reward  string                `json:"reward"`
	Report  protocol.ResultReport `json:"report"`
}

// outbox keeps results on disk until reported: <lease>.json and <lease>.out.
type outbox struct{ dir string }

func (o *outbox) save(r pendingReport, output []byte) error {
	name := safeName(r.LeaseID)
	if err := writeFileAtomic(filepath.Join(o.dir, name+".out"), output); err != nil {
		return err
	}
	data, _ := json.Marshal(r)
	return writeFileAtomic(filepath.Join(o.dir, name+".json"), data)
}

func (o *outbox) remove(leaseID string) {
	name := safeName(leaseID)
	_ = os.Remove(filepath.Join(o.dir, name+".json"))
	_ = os.Remove(filepath.Join(o.dir, name+".out"))
}

func (o *outbox) list() ([]pendingReport, error) {
	entries, err := os.ReadDir(o.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []pendingReport
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(o.dir, e.Name()))
		var r pendingReport
		if err == nil {
			err = json.Unmarshal(data, &r)
		}
		if err != nil || r.LeaseID == "" {
			_ = os.Remove(filepath.Join(o.dir, e.Name()))
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (o *outbox) output(leaseID string) ([]byte, error) {
	return os.ReadFile(filepath.Join(o.dir, safeName(leaseID)+".out"))
}
