// Package client is the Go client of the coordinator's HTTP API, used by
// the node's worker, by idlectl and by the coordinator's own simulations.
// It signs in with Sign-In with Ethereum, keeps the bearer token fresh, and
// checks blob hashes on both upload and download.
package client

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/protocol"
)

// Signer signs in: Address is the identity, SignMessage returns a 65-byte
// EIP-191 personal_sign signature (r, s, v with v 27 or 28) over msg, i.e.
// over accounts.TextHash(msg). It must be safe for concurrent use.
type Signer interface {
	Address() common.Address
	SignMessage(msg []byte) ([]byte, error)
}

// KeySigner is a Signer holding a private key in memory, for tests, the
// simulator and idlectl's ephemeral keys. The wallet has its own.
type KeySigner struct{ key *ecdsa.PrivateKey }

var _ Signer = (*KeySigner)(nil)

// NewKeySigner wraps key.
func NewKeySigner(key *ecdsa.PrivateKey) *KeySigner { return &KeySigner{key: key} }

// GenerateKeySigner makes a signer with a fresh random key.
func GenerateKeySigner() (*KeySigner, error) {
	k, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return &KeySigner{key: k}, nil
}

// Address implements Signer.
func (s *KeySigner) Address() common.Address { return crypto.PubkeyToAddress(s.key.PublicKey) }

// SignMessage implements Signer.
func (s *KeySigner) SignMessage(msg []byte) ([]byte, error) {
	sig, err := crypto.Sign(accounts.TextHash(msg), s.key)
	if err != nil {
		return nil, fmt.Errorf("sign message: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

// Sentinel errors; an *APIError matches them with errors.Is by its code.
var (
	ErrUnavailable  = errors.New("coordinator unavailable")
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized")
	ErrConflict     = errors.New("conflict")
	ErrLeaseGone    = errors.New("lease gone")
	ErrBadRequest   = errors.New("bad request")
	ErrRateLimited  = errors.New("rate limited")
	ErrHashMismatch = errors.New("blob hash mismatch")
	ErrTooLarge     = errors.New("too large")
)

// APIError is a non-2xx answer from the coordinator.
type APIError struct {
	Op      string // e.g. "lease"
	URL     string // without query
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Op, e.URL, e.Status, e.Code, e.Message)
}

// Is maps the API's codes onto the sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrConflict:
		return e.Status == http.StatusConflict
	case ErrLeaseGone:
		return e.Code == "lease_gone"
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrTooLarge:
		return e.Status == http.StatusRequestEntityTooLarge
	case ErrUnavailable:
		return e.Status >= 500
	}
	return false
}

// Client talks to one coordinator. It is safe for concurrent use.
type Client struct {
	base   string // without trailing slash
	signer Signer
	hc     *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient replaces the default http.Client (which has no overall
// timeout, since leases long-poll; every call takes a context).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// New makes a client for the coordinator at baseURL (e.g.
// "http://127.0.0.1:8080"). signer may be nil for the public calls only.
func New(baseURL string, signer Signer, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("new client: coordinator URL %q is not an http(s) URL", baseURL)
	}
	c := &Client{base: strings.TrimRight(baseURL, "/"), signer: signer, hc: &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 90 * time.Second},
	}}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL returns the coordinator URL.
func (c *Client) BaseURL() string { return c.base }

// Address is the signer's address (zero without a signer).
func (c *Client) Address() common.Address {
	if c.signer == nil {
		return common.Address{}
	}
	return c.signer.Address()
}

// Login signs in now, replacing any token.
func (c *Client) Login(ctx context.Context) error {
	if c.signer == nil {
		return fmt.Errorf("login: %w: no signer", ErrUnauthorized)
	}
	var n protocol.NonceResponse
	if err := c.do(ctx, "login", http.MethodGet, "/v1/auth/nonce", false, nil, &n); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	msg := protocol.SIWEMessage{
		Domain:         n.Domain,
		Address:        c.signer.Address(),
		Statement:      "Sign in to the idlenode coordinator.",
		URI:            n.URI,
		ChainID:        n.ChainID,
		Nonce:          n.Nonce,
		IssuedAt:       now,
		ExpirationTime: now.Add(5 * time.Minute),
	}
	text := msg.String()
	sig, err := c.signer.SignMessage([]byte(text))
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	var resp protocol.LoginResponse
	req := protocol.LoginRequest{Message: text, Signature: "0x" + hex.EncodeToString(sig)}
	if err := c.do(ctx, "login", http.MethodPost, "/v1/auth/login", false, req, &resp); err != nil {
		return err
	}
	c.mu.Lock()
	c.token, c.expires = resp.Token, resp.ExpiresAt
	c.mu.Unlock()
	return nil
}

// bearer returns a token valid for at least another 30 s, signing in when needed.
func (c *Client) bearer(ctx context.Context, force bool) (string, error) {
	c.mu.Lock()
	tok, exp := c.token, c.expires
	c.mu.Unlock()
	if !force && tok != "" && time.Until(exp) > 30*time.Second {
		return tok, nil
	}
	if err := c.Login(ctx); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token, nil
}

// do sends a JSON request (body may be nil, or []byte for raw bytes) and
// decodes a JSON answer into out (nil to discard, *[]byte for raw bytes).
func (c *Client) do(ctx context.Context, op, method, path string, auth bool, body, out any) error {
	err := c.doOnce(ctx, op, method, path, auth, false, body, out)
	if auth && errors.Is(err, ErrUnauthorized) {
		// The token may have expired or the coordinator restarted with a new key.
		err = c.doOnce(ctx, op, method, path, auth, true, body, out)
	}
	// Rate limited: back off and retry a few times before giving up.
	for try := 0; try < 4 && errors.Is(err, ErrRateLimited); try++ {
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(250<<try) * time.Millisecond):
		}
		err = c.doOnce(ctx, op, method, path, auth, false, body, out)
	}
	return err
}

func (c *Client) doOnce(ctx context.Context, op, method, path string, auth, forceLogin bool, body, out any) error {
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/octet-stream"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", op, err)
		}
		rd, ctype = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, c.base+path, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth {
		tok, err := c.bearer(ctx, forceLogin)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s %s: %w", op, c.base+path, ctx.Err())
		}
		return fmt.Errorf("%s %s: %w: %w", op, c.base+path, ErrUnavailable, stripURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var e protocol.ErrorResponse
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error, e.Code = strings.TrimSpace(string(data)), "http_"+fmt.Sprint(resp.StatusCode)
			if len(e.Error) > 200 {
				e.Error = e.Error[:200]
			}
		}
		return &APIError{Op: op, URL: c.base + path, Status: resp.StatusCode, Code: e.Code, Message: e.Error}
	}
	switch o := out.(type) {
	case nil:
		_, _ = io.Copy(io.Discard, resp.Body)
	case *[]byte:
		*o, err = io.ReadAll(resp.Body)
	default:
		err = json.NewDecoder(resp.Body).Decode(out)
	}
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", op, c.base+path, err)
	}
	return nil
}

// stripURLError drops the *url.Error wrapper, whose text repeats the URL.
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// HashBytes returns the lower-case hex sha256 of data, the blob address.
func HashBytes(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// PutBlob uploads data and returns its sha256 address. Uploading a blob
// that already exists is harmless.
func (c *Client) PutBlob(ctx context.Context, data []byte) (string, error) {
	h := HashBytes(data)
	if err := c.do(ctx, "put blob", http.MethodPut, "/v1/blobs/"+h, true, data, nil); err != nil {
		return "", err
	}
	return h, nil
}

// GetBlob downloads the blob with sha256 hash, refusing more than max bytes
// (0: no limit besides the server's) and checking the hash.
func (c *Client) GetBlob(ctx context.Context, hash string, max int64) ([]byte, error) {
	if !protocol.ValidHash(hash) {
		return nil, fmt.Errorf("get blob: %w: %q is not a sha256", ErrBadRequest, hash)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/blobs/"+hash, nil)
	if err != nil {
		return nil, fmt.Errorf("get blob: %w", err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w: %w", c.base, ErrUnavailable, stripURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e protocol.ErrorResponse
		_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e)
		return nil, &APIError{Op: "get blob", URL: c.base + "/v1/blobs/" + hash, Status: resp.StatusCode, Code: e.Code, Message: e.Error}
	}
	var r io.Reader = resp.Body
	if max > 0 {
		r = io.LimitReader(resp.Body, max+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", hash, err)
	}
	if max > 0 && int64(len(data)) > max {
		return nil, fmt.Errorf("get blob %s: %w: more than %d bytes", hash, ErrTooLarge, max)
	}
	if got := HashBytes(data); got != hash {
		return nil, fmt.Errorf("get blob %s: %w: got %s", hash, ErrHashMismatch, got)
	}
	return data, nil
}

// Submit submits one or many jobs and returns their ids in order.
func (c *Client) Submit(ctx context.Context, jobs ...protocol.JobSpec) ([]string, error) {
	var resp protocol.SubmitResponse
	err := c.do(ctx, "submit jobs", http.MethodPost, "/v1/jobs", true, protocol.SubmitRequest{Jobs: jobs}, &resp)
	return resp.JobIDs, err
}

// Job returns a job's status.
func (c *Client) Job(ctx context.Context, id string) (protocol.JobStatus, error) {
	var st protocol.JobStatus
	err := c.do(ctx, "job status", http.MethodGet, "/v1/jobs/"+url.PathEscape(id), false, nil, &st)
	return st, err
}

// Lease long-polls for up to req.Max assignments; it returns an empty slice
// when none came within req.WaitSeconds.
func (c *Client) Lease(ctx context.Context, req protocol.LeaseRequest) ([]protocol.Assignment, error) {
	var resp protocol.LeaseResponse
	err := c.do(ctx, "lease", http.MethodPost, "/v1/leases", true, req, &resp)
	return resp.Assignments, err
}

// Heartbeat extends a lease; ErrLeaseGone means stop working on it. It
// sends no body: the replica's recorded state stays as it was.
func (c *Client) Heartbeat(ctx context.Context, leaseID string) (protocol.LeaseState, error) {
	var st protocol.LeaseState
	err := c.do(ctx, "heartbeat", http.MethodPost, "/v1/leases/"+url.PathEscape(leaseID)+"/heartbeat", true, nil, &st)
	return st, err
}

// HeartbeatState extends a lease and records the replica's state,
// protocol.ReplicaRunning or protocol.ReplicaSuspended.
func (c *Client) HeartbeatState(ctx context.Context, leaseID, state string) (protocol.LeaseState, error) {
	req := protocol.HeartbeatRequest{State: state}
	if err := req.Validate(); err != nil {
		return protocol.LeaseState{}, fmt.Errorf("heartbeat: %w", err)
	}
	var st protocol.LeaseState
	err := c.do(ctx, "heartbeat", http.MethodPost, "/v1/leases/"+url.PathEscape(leaseID)+"/heartbeat", true, req, &st)
	return st, err
}

// GiveBack returns a lease to the queue unfinished.
func (c *Client) GiveBack(ctx context.Context, leaseID string) error {
	return c.do(ctx, "give back", http.MethodPost, "/v1/leases/"+url.PathEscape(leaseID)+"/giveback", true, nil, nil)
}

// Report submits a lease's result. Upload the output blob first. Reporting
// the same result again returns the same ack.
func (c *Client) Report(ctx context.Context, leaseID string, r protocol.ResultReport) (protocol.ResultAck, error) {
	var ack protocol.ResultAck
	err := c.do(ctx, "report result", http.MethodPost, "/v1/leases/"+url.PathEscape(leaseID)+"/result", true, r, &ack)
	return ack, err
}

// Earnings returns an address's credits.
func (c *Client) Earnings(ctx context.Context, addr common.Address) (protocol.Earnings, error) {
	var e protocol.Earnings
	err := c.do(ctx, "earnings", http.MethodGet, "/v1/earnings/"+addr.Hex(), false, nil, &e)
	return e, err
}

// Voucher returns a signed voucher for an address's cumulative credit.
func (c *Client) Voucher(ctx context.Context, addr common.Address) (protocol.Voucher, error) {
	var v protocol.Voucher
	err := c.do(ctx, "voucher", http.MethodGet, "/v1/vouchers/"+addr.Hex(), false, nil, &v)
	return v, err
}

// Node returns a node's record (reputation, trust, flag).
func (c *Client) Node(ctx context.Context, addr common.Address) (protocol.NodeInfo, error) {
	var n protocol.NodeInfo
	err := c.do(ctx, "node", http.MethodGet, "/v1/nodes/"+addr.Hex(), false, nil, &n)
	return n, err
}

// RandomSeed returns a random job seed.
func RandomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	var s uint64
	for _, x := range b {
		s = s<<8 | uint64(x)
	}
	return s
}
