package coordinator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/protocol"
)

// Authentication errors; their text is shown to clients.
var (
	ErrBadSignature = errors.New("signature does not match the address")
	ErrBadNonce     = errors.New("nonce unknown, used or expired")
	ErrBadToken     = errors.New("bearer token invalid or expired")
)

const nonceTTL = 5 * time.Minute

// auth issues SIWE nonces and HMAC bearer tokens. Both are stateless
// (payload, expiry, MAC under a key kept in the store), so they survive a
// restart and work across coordinators that share a database.
type auth struct {
	key     []byte
	ttl     time.Duration
	domain  string
	uri     string
	chainID uint64
	now     func() time.Time

	mu     sync.Mutex
	nonces map[string]time.Time // accepted nonce → its expiry
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// nonce issues a single-use nonce: random bytes, an expiry and a MAC, so
// that any coordinator sharing the store's key can check it. Each
// coordinator remembers the nonces it has accepted until they expire.
func (a *auth) nonce() string {
	p := make([]byte, 16)
	_, _ = rand.Read(p[:8])
	binary.BigEndian.PutUint64(p[8:], uint64(a.now().Add(nonceTTL).Unix()))
	return hex.EncodeToString(p) + hex.EncodeToString(a.mac(append([]byte("nonce"), p...))[:12])
}

func (a *auth) useNonce(n string) bool {
	raw, err := hex.DecodeString(n)
	if err != nil || len(raw) != 28 || !hmac.Equal(raw[16:], a.mac(append([]byte("nonce"), raw[:16]...))[:12]) {
		return false
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(raw[8:16])), 0)
	now := a.now()
	if !now.Before(exp) {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, used := a.nonces[n]; used {
		return false
	}
	if len(a.nonces) > 10_000 {
		for k, e := range a.nonces {
			if now.After(e) {
				delete(a.nonces, k)
			}
		}
	}
	a.nonces[n] = exp
	return true
}

// login checks a SIWE message and its signature and issues a token.
func (a *auth) login(req protocol.LoginRequest) (protocol.LoginResponse, error) {
	var resp protocol.LoginResponse
	m, err := protocol.ParseSIWE(req.Message)
	if err != nil {
		return resp, err
	}
	now := a.now()
	switch {
	case m.Domain != a.domain:
		return resp, errors.New("siwe domain " + quote(m.Domain) + " is not " + quote(a.domain))
	case m.URI != a.uri:
		return resp, errors.New("siwe uri " + quote(m.URI) + " is not " + quote(a.uri))
	case m.ChainID != a.chainID:
		return resp, errors.New("siwe chain id does not match this network")
	case m.IssuedAt.After(now.Add(5*time.Minute)) || m.IssuedAt.Before(now.Add(-nonceTTL)):
		return resp, errors.New("siwe issued-at is not within 5 minutes of now")
	case !m.ExpirationTime.IsZero() && !m.ExpirationTime.After(now):
		return resp, errors.New("siwe message expired")
	}
	sig, err := hex.DecodeString(strings.TrimPrefix(req.Signature, "0x"))
	if err != nil || len(sig) != 65 {
		return resp, errors.New("signature must be 65 bytes of 0x-hex")
	}
	if sig[64] >= 27 {
		sig[64] -= 27
	}
	pub, err := crypto.SigToPub(accounts.TextHash([]byte(req.Message)), sig)
	if err != nil || crypto.PubkeyToAddress(*pub) != m.Address {
		return resp, ErrBadSignature
	}
	if !a.useNonce(m.Nonce) {
		return resp, ErrBadNonce
	}
	exp := now.Add(a.ttl).Truncate(time.Second)
	return protocol.LoginResponse{Token: a.token(m.Address, exp), Address: m.Address.Hex(), ExpiresAt: exp.UTC()}, nil
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return "\"" + s + "\""
}

func (a *auth) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, a.key)
	h.Write(payload)
	return h.Sum(nil)
}

func (a *auth) token(addr common.Address, exp time.Time) string {
	payload := make([]byte, 28)
	copy(payload, addr[:])
	binary.BigEndian.PutUint64(payload[20:], uint64(exp.Unix()))
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(a.mac(payload))
}

// verify returns the address a token was issued to.
func (a *auth) verify(tok string) (common.Address, error) {
	p, m, ok := strings.Cut(tok, ".")
	if !ok || len(tok) > 200 {
		return common.Address{}, ErrBadToken
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil || len(payload) != 28 || !hmac.Equal(mac, a.mac(payload)) {
		return common.Address{}, ErrBadToken
	}
	if exp := int64(binary.BigEndian.Uint64(payload[20:])); a.now().Unix() >= exp {
		return common.Address{}, ErrBadToken
	}
	return common.BytesToAddress(payload[:20]), nil
}
