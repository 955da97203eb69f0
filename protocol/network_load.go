package protocol

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// maxNetworkBytes bounds a network descriptor read from a file or URL.
const maxNetworkBytes = 64 << 10

// Validate checks that the descriptor names a usable coordinator and that
// the chain fields, where present, are well formed.
func (n Network) Validate() error {
	if n.Name == "" {
		return invalid("network name is empty")
	}
	u, err := url.Parse(n.CoordinatorURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("coordinator_url %q is not an http(s) URL", truncate(n.CoordinatorURL))
	}
	if n.RPCURL != "" {
		u, err := url.Parse(n.RPCURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return invalid("rpc_url %q is not a URL", truncate(n.RPCURL))
		}
	}
	for name, a := range map[string]string{"token": n.Token, "staking": n.Staking, "reward_pool": n.RewardPool} {
		if a != "" && !common.IsHexAddress(a) {
			return invalid("%s %q is not an address", name, truncate(a))
		}
	}
	if n.TokenDecimals < 0 || n.TokenDecimals > 36 {
		return invalid("token_decimals must be in 0..36")
	}
	return nil
}

// LoadNetwork reads a network descriptor from a file path or an http(s)
// URL and validates it.
func LoadNetwork(ctx context.Context, fileOrURL string) (Network, error) {
	var n Network
	var r io.Reader
	if strings.HasPrefix(fileOrURL, "http://") || strings.HasPrefix(fileOrURL, "https://") {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fileOrURL, nil)
		if err != nil {
			return n, fmt.Errorf("load network %s: %w", fileOrURL, err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return n, fmt.Errorf("load network: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return n, fmt.Errorf("load network %s: http status %d", fileOrURL, resp.StatusCode)
		}
		r = resp.Body
	} else {
		f, err := os.Open(fileOrURL)
		if err != nil {
			return n, fmt.Errorf("load network: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxNetworkBytes+1))
	if err != nil {
		return n, fmt.Errorf("load network %s: %w", fileOrURL, err)
	}
	if len(data) > maxNetworkBytes {
		return n, fmt.Errorf("load network %s: larger than %d bytes", fileOrURL, maxNetworkBytes)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return n, fmt.Errorf("load network %s: %w: the file is empty (a network descriptor is a JSON object)", fileOrURL, ErrInvalid)
	}
	// Unknown fields are ignored so that older nodes read newer descriptors.
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&n); err != nil {
		return n, fmt.Errorf("load network %s: %w: %w", fileOrURL, ErrInvalid, err)
	}
	if err := n.Validate(); err != nil {
		return n, fmt.Errorf("load network %s: %w", fileOrURL, err)
	}
	return n, nil
}
