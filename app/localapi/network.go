package localapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/idlenode/idlenode/protocol"
)

// Network routes (JSON), served when the service has a NetworkBackend:
//
//	GET  /v1/network       NetworkInfo
//	POST /v1/network/join  JoinRequest -> protocol.Network
//
// A source the backend cannot load (unreachable URL, not JSON, an invalid
// descriptor) answers 400 with the reason, and nothing is written.

// NetworkInfo is the network this node has joined, if any.
type NetworkInfo struct {
	Joined  bool             `json:"joined"`
	Network protocol.Network `json:"network"`
}

// JoinRequest joins the network described by Source: a network.json file
// on this machine or an http(s) URL serving one.
type JoinRequest struct {
	Source string `json:"source"`
}

// NetworkBackend is the node's network membership as the local API drives it.
type NetworkBackend interface {
	// Network returns the joined network; false when none is joined.
	Network(ctx context.Context) (protocol.Network, bool, error)
	// Join validates the descriptor at source and makes it this node's
	// network; on error nothing is changed.
	Join(ctx context.Context, source string) (protocol.Network, error)
}

// JoinTimeout bounds how long the service spends fetching a descriptor.
const JoinTimeout = 20 * time.Second

// ErrNoNetworkService means the service runs without network routes.
var ErrNoNetworkService = errors.New("this node service cannot join networks (update it, or use 'idlenode join FILE|URL')")

// ErrNoSource means a join request named no descriptor.
var ErrNoSource = errors.New("join network: give a network.json file or an http(s) URL")

// ServeNetwork adds the network routes over b.
func (s *Server) ServeNetwork(b NetworkBackend) {
	s.mux.HandleFunc("GET /v1/network", func(rw http.ResponseWriter, r *http.Request) {
		n, joined, err := b.Network(r.Context())
		if err != nil {
			writeError(rw, http.StatusBadRequest, err)
			return
		}
		writeJSON(rw, http.StatusOK, NetworkInfo{Joined: joined, Network: n})
	})
	s.mux.HandleFunc("POST /v1/network/join", func(rw http.ResponseWriter, r *http.Request) {
		var req JoinRequest
		if err := decode(r, &req, false); err != nil {
			writeError(rw, http.StatusBadRequest, err)
			return
		}
		src := strings.TrimSpace(req.Source)
		if src == "" {
			writeError(rw, http.StatusBadRequest, ErrNoSource)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), JoinTimeout)
		defer cancel()
		n, err := b.Join(ctx, src)
		if err != nil {
			writeError(rw, http.StatusBadRequest, err)
			return
		}
		s.log.Info("Joined network", "network", n.Name, "coordinator", n.CoordinatorURL)
		writeJSON(rw, http.StatusOK, n)
	})
}

func (c *Client) network(ctx context.Context, method, path string, in, out any) error {
	err := c.do(ctx, method, path, in, out)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return ErrNoNetworkService
	}
	return err
}

// Network returns the joined network; Joined is false when there is none.
func (c *Client) Network(ctx context.Context) (NetworkInfo, error) {
	var v NetworkInfo
	return v, c.network(ctx, http.MethodGet, "/v1/network", nil, &v)
}

// JoinNetwork makes the service join the network described by source (a
// file path or an http(s) URL of a network.json) and returns it. The
// running service starts working for it within seconds.
func (c *Client) JoinNetwork(ctx context.Context, source string) (protocol.Network, error) {
	var v protocol.Network
	// Fetching a descriptor may take longer than other calls.
	hc := *c.hc
	hc.Timeout = JoinTimeout + 10*time.Second
	cc := &Client{hc: &hc, stream: c.stream}
	return v, cc.network(ctx, http.MethodPost, "/v1/network/join", JoinRequest{Source: source}, &v)
}
