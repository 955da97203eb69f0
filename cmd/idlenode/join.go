package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
	"github.com/idlenode/idlenode/protocol"
)

// joinNetwork makes the network described by source (a network.json file
// or an http(s) URL serving one) this node's network: it validates the
// descriptor, points the settings at it through store and writes it to
// paths.Network() atomically. A source that cannot be loaded or is not a
// valid descriptor changes nothing. The CLI verb and the node service
// (local API) both join through here; a running service picks the new
// file up within seconds.
func joinNetwork(ctx context.Context, paths app.Paths, store *settings.Store, source string) (protocol.Network, error) {
	n, err := protocol.LoadNetwork(ctx, source)
	if err != nil {
		return protocol.Network{}, err
	}
	return saveJoined(paths, store, n)
}

// saveJoined makes n the node's network: its descriptor file, and the
// settings that name it.
func saveJoined(paths app.Paths, store *settings.Store, n protocol.Network) (protocol.Network, error) {
	data, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return protocol.Network{}, fmt.Errorf("join network: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(paths.Network()), 0o700); err != nil {
		return protocol.Network{}, fmt.Errorf("join network: %w", err)
	}
	prev := store.Get()
	if _, err := store.Update(func(s *settings.Settings) error {
		s.CoordinatorURL, s.RPCURL, s.NetworkFile = n.CoordinatorURL, n.RPCURL, paths.Network()
		return nil
	}); err != nil {
		return protocol.Network{}, fmt.Errorf("join network: %w", err)
	}
	if err := settings.WriteFileAtomic(paths.Network(), data, 0o600); err != nil {
		// Put the settings back so they do not name a network the node lacks.
		_, _ = store.Update(func(s *settings.Settings) error {
			s.CoordinatorURL, s.RPCURL, s.NetworkFile = prev.CoordinatorURL, prev.RPCURL, prev.NetworkFile
			return nil
		})
		return protocol.Network{}, fmt.Errorf("join network: %w", err)
	}
	return n, nil
}

// joinedNetwork reads the network this node has joined; false when none.
func joinedNetwork(ctx context.Context, paths app.Paths) (protocol.Network, bool, error) {
	n, err := protocol.LoadNetwork(ctx, paths.Network())
	if errors.Is(err, fs.ErrNotExist) {
		return protocol.Network{}, false, nil
	}
	if err != nil {
		return protocol.Network{}, false, fmt.Errorf("joined network: %w", err)
	}
	return n, true, nil
}

// ErrSwitchNetwork means the service already works for another network.
var ErrSwitchNetwork = errors.New("already working for another network")

// networkService is the local API's NetworkBackend in the node service,
// over the service's own settings store.
type networkService struct {
	paths app.Paths
	store *settings.Store
	// working reports the network the worker already runs for, if any: the
	// worker is built once, so switching needs a restart.
	working func() (protocol.Network, bool)
}

var _ localapi.NetworkBackend = (*networkService)(nil)

// Network implements localapi.NetworkBackend.
func (s *networkService) Network(ctx context.Context) (protocol.Network, bool, error) {
	return joinedNetwork(ctx, s.paths)
}

// Join implements localapi.NetworkBackend.
func (s *networkService) Join(ctx context.Context, source string) (protocol.Network, error) {
	if s.working != nil {
		if cur, ok := s.working(); ok {
			n, err := protocol.LoadNetwork(ctx, source)
			if err != nil {
				return protocol.Network{}, err
			}
			if n.CoordinatorURL != cur.CoordinatorURL || n.ChainID != cur.ChainID {
				return protocol.Network{}, fmt.Errorf("join network: %w (%s): to switch, stop the service ('idlenode quit' or Quit in the tray), run 'idlenode join %s', and restart the service",
					ErrSwitchNetwork, orDefault(cur.Name, cur.CoordinatorURL), source)
			}
		}
	}
	return joinNetwork(ctx, s.paths, s.store, source)
}

// workingNetwork reports the network the worker runs for, once it runs.
func (r *nodeRuntime) workingNetwork() (protocol.Network, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.network, r.wk != nil
}
