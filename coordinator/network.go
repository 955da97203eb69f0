package coordinator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/idlenode/idlenode/protocol"
)

// WriteNetwork validates n and writes it to dir/network.json atomically
// (temp file, fsync, rename): the descriptor nodes join and idlectl reads.
// The dev chain fills the chain fields of n before calling it.
func WriteNetwork(dir string, n protocol.Network) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	data, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	f, err := os.CreateTemp(dir, "network-*.json")
	if err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write network: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write network: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, "network.json")); err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	return nil
}
