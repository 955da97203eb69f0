package localapi

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Wallet routes (JSON), served when the service has a WalletBackend:
//
//	GET  /v1/wallet           WalletInfo
//	POST /v1/wallet/create    CreateWalletRequest -> WalletInfo
//	POST /v1/wallet/import    ImportWalletRequest -> WalletInfo
//	POST /v1/wallet/backup    BackupRequest -> {"path": ...}
//	POST /v1/wallet/claim     -> TxResult
//	POST /v1/wallet/stake     AmountRequest -> TxResult
//	POST /v1/wallet/unstake   AmountRequest -> TxResult
//	POST /v1/wallet/withdraw  -> TxResult
//	POST /v1/wallet/send      SendRequest -> TxResult
//	POST /v1/wallet/unlock    UnlockRequest -> WalletInfo
//	GET  /v1/wallet/history   []TxRecord
//
// Amounts are decimal strings of integers in base units.

// WalletInfo is the wallet as the window shows it.
type WalletInfo struct {
	Exists        bool   `json:"exists"`
	Address       string `json:"address,omitempty"`
	PayoutAddress string `json:"payout_address,omitempty"`
	Keyring       string `json:"keyring"` // "OS keyring" or "none: <why>"
	// Locked: the node has no way to the passphrase (no keyring entry,
	// no passphrase file, not unlocked since it started), so it cannot
	// sign in or sign transactions until the owner unlocks the wallet.
	Locked         bool       `json:"locked,omitempty"`
	Symbol         string     `json:"symbol,omitempty"`
	Decimals       int        `json:"decimals"`
	Native         string     `json:"native,omitempty"`    // wei
	Token          string     `json:"token,omitempty"`     // base units
	Staked         string     `json:"staked,omitempty"`    // base units
	Unstaking      string     `json:"unstaking,omitempty"` // base units waiting for the cooldown
	UnstakeReadyAt *time.Time `json:"unstake_ready_at,omitempty"`
	Claimable      string     `json:"claimable,omitempty"` // base units
	ChainError     string     `json:"chain_error,omitempty"`
}

// CreateWalletRequest creates a new key. Passphrase may be empty when the
// OS keyring works: a strong one is generated and kept there.
type CreateWalletRequest struct {
	Passphrase string `json:"passphrase,omitempty"`
}

// ImportWalletRequest imports a hex private key or a keystore JSON file.
type ImportWalletRequest struct {
	PrivateKeyHex string `json:"private_key_hex,omitempty"`
	KeystoreJSON  string `json:"keystore_json,omitempty"`
	Passphrase    string `json:"passphrase,omitempty"` // the keystore's, and the new one when the keyring is absent
}

// UnlockRequest gives the running node the wallet's passphrase, which it
// keeps in memory only, until it stops.
type UnlockRequest struct {
	Passphrase string `json:"passphrase"`
}

// BackupRequest writes a keystore backup to Path, encrypted with
// Passphrase (which the owner must keep: the backup is useless without it).
type BackupRequest struct {
	Path       string `json:"path"`
	Passphrase string `json:"passphrase"`
}

// AmountRequest carries an amount in base units.
type AmountRequest struct {
	Amount string `json:"amount"`
}

// SendRequest sends Amount of Asset ("token" or "native") to To.
type SendRequest struct {
	To     string `json:"to"`
	Amount string `json:"amount"`
	Asset  string `json:"asset"`
}

// TxResult is a transaction's outcome.
type TxResult struct {
	Hash    string `json:"hash"`
	Status  string `json:"status"` // "confirmed", "failed"
	GasUsed uint64 `json:"gas_used"`
	Amount  string `json:"amount,omitempty"` // what moved, base units (claims: what was paid)
}

// TxRecord is one transaction of the wallet's history.
type TxRecord struct {
	Hash   string    `json:"hash"`
	Kind   string    `json:"kind"` // claim, stake, unstake, withdraw, send
	Amount string    `json:"amount"`
	To     string    `json:"to,omitempty"`
	Status string    `json:"status"` // pending, confirmed, failed
	Time   time.Time `json:"time"`
	Error  string    `json:"error,omitempty"`
}

// WalletBackend is the wallet as the local API drives it.
type WalletBackend interface {
	Info(ctx context.Context) (WalletInfo, error)
	Create(ctx context.Context, req CreateWalletRequest) (WalletInfo, error)
	Import(ctx context.Context, req ImportWalletRequest) (WalletInfo, error)
	Backup(ctx context.Context, req BackupRequest) (string, error)
	Claim(ctx context.Context) (TxResult, error)
	Stake(ctx context.Context, amount string) (TxResult, error)
	Unstake(ctx context.Context, amount string) (TxResult, error)
	Withdraw(ctx context.Context) (TxResult, error)
	Send(ctx context.Context, req SendRequest) (TxResult, error)
	History(ctx context.Context) ([]TxRecord, error)
	Unlock(ctx context.Context, passphrase string) (WalletInfo, error)
}

// ServeWallet adds the wallet routes over w.
func (s *Server) ServeWallet(w WalletBackend) {
	get := func(fn func(ctx context.Context) (any, error)) http.HandlerFunc {
		return func(rw http.ResponseWriter, r *http.Request) {
			v, err := fn(r.Context())
			if err != nil {
				writeError(rw, http.StatusBadRequest, err)
				return
			}
			writeJSON(rw, http.StatusOK, v)
		}
	}
	post := func(newReq func() any, fn func(ctx context.Context, req any) (any, error)) http.HandlerFunc {
		return func(rw http.ResponseWriter, r *http.Request) {
			var req any
			if newReq != nil {
				req = newReq()
				if err := decode(r, req, false); err != nil {
					writeError(rw, http.StatusBadRequest, err)
					return
				}
			}
			// Chain calls wait for receipts: give them longer than a page view.
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
			defer cancel()
			v, err := fn(ctx, req)
			if err != nil {
				writeError(rw, http.StatusBadRequest, err)
				return
			}
			writeJSON(rw, http.StatusOK, v)
		}
	}
	s.mux.HandleFunc("GET /v1/wallet", get(func(ctx context.Context) (any, error) { return w.Info(ctx) }))
	s.mux.HandleFunc("GET /v1/wallet/history", get(func(ctx context.Context) (any, error) { return w.History(ctx) }))
	s.mux.HandleFunc("POST /v1/wallet/create", post(func() any { return &CreateWalletRequest{} }, func(ctx context.Context, r any) (any, error) {
		return w.Create(ctx, *r.(*CreateWalletRequest))
	}))
	s.mux.HandleFunc("POST /v1/wallet/import", post(func() any { return &ImportWalletRequest{} }, func(ctx context.Context, r any) (any, error) {
		return w.Import(ctx, *r.(*ImportWalletRequest))
	}))
	s.mux.HandleFunc("POST /v1/wallet/backup", post(func() any { return &BackupRequest{} }, func(ctx context.Context, r any) (any, error) {
		p, err := w.Backup(ctx, *r.(*BackupRequest))
		return map[string]string{"path": p}, err
	}))
	s.mux.HandleFunc("POST /v1/wallet/claim", post(nil, func(ctx context.Context, _ any) (any, error) { return w.Claim(ctx) }))
	s.mux.HandleFunc("POST /v1/wallet/withdraw", post(nil, func(ctx context.Context, _ any) (any, error) { return w.Withdraw(ctx) }))
	s.mux.HandleFunc("POST /v1/wallet/stake", post(func() any { return &AmountRequest{} }, func(ctx context.Context, r any) (any, error) {
		return w.Stake(ctx, r.(*AmountRequest).Amount)
	}))
	s.mux.HandleFunc("POST /v1/wallet/unstake", post(func() any { return &AmountRequest{} }, func(ctx context.Context, r any) (any, error) {
		return w.Unstake(ctx, r.(*AmountRequest).Amount)
	}))
	s.mux.HandleFunc("POST /v1/wallet/send", post(func() any { return &SendRequest{} }, func(ctx context.Context, r any) (any, error) {
		return w.Send(ctx, *r.(*SendRequest))
	}))
	s.mux.HandleFunc("POST /v1/wallet/unlock", post(func() any { return &UnlockRequest{} }, func(ctx context.Context, r any) (any, error) {
		return w.Unlock(ctx, r.(*UnlockRequest).Passphrase)
	}))
}

// ErrNoWallet means the service runs without wallet routes.
var ErrNoWallet = errors.New("this node has no wallet service")

func (c *Client) wallet(ctx context.Context, method, path string, in, out any) error {
	err := c.do(ctx, method, path, in, out)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return ErrNoWallet
	}
	return err
}

// WalletInfo returns the wallet's address and balances.
func (c *Client) WalletInfo(ctx context.Context) (WalletInfo, error) {
	var v WalletInfo
	return v, c.wallet(ctx, http.MethodGet, "/v1/wallet", nil, &v)
}

// CreateWallet creates the node's key.
func (c *Client) CreateWallet(ctx context.Context, req CreateWalletRequest) (WalletInfo, error) {
	var v WalletInfo
	return v, c.wallet(ctx, http.MethodPost, "/v1/wallet/create", req, &v)
}

// ImportWallet imports a key.
func (c *Client) ImportWallet(ctx context.Context, req ImportWalletRequest) (WalletInfo, error) {
	var v WalletInfo
	return v, c.wallet(ctx, http.MethodPost, "/v1/wallet/import", req, &v)
}

// UnlockWallet gives the running node the wallet's passphrase for as long
// as it runs.
func (c *Client) UnlockWallet(ctx context.Context, passphrase string) (WalletInfo, error) {
	var v WalletInfo
	return v, c.wallet(ctx, http.MethodPost, "/v1/wallet/unlock", UnlockRequest{Passphrase: passphrase}, &v)
}

// BackupWallet writes a backup encrypted with passphrase and returns its
// path once it has been test-restored.
func (c *Client) BackupWallet(ctx context.Context, path, passphrase string) (string, error) {
	var v map[string]string
	err := c.wallet(ctx, http.MethodPost, "/v1/wallet/backup", BackupRequest{Path: path, Passphrase: passphrase}, &v)
	return v["path"], err
}

// Claim claims the rewards earned so far.
func (c *Client) Claim(ctx context.Context) (TxResult, error) {
	return c.tx(ctx, "/v1/wallet/claim", nil)
}

// Stake stakes amount base units.
func (c *Client) Stake(ctx context.Context, amount string) (TxResult, error) {
	return c.tx(ctx, "/v1/wallet/stake", AmountRequest{Amount: amount})
}

// Unstake starts the cooldown for amount base units.
func (c *Client) Unstake(ctx context.Context, amount string) (TxResult, error) {
	return c.tx(ctx, "/v1/wallet/unstake", AmountRequest{Amount: amount})
}

// Withdraw takes back stake whose cooldown is over.
func (c *Client) Withdraw(ctx context.Context) (TxResult, error) {
	return c.tx(ctx, "/v1/wallet/withdraw", nil)
}

// Send sends tokens or native coin.
func (c *Client) Send(ctx context.Context, req SendRequest) (TxResult, error) {
	return c.tx(ctx, "/v1/wallet/send", req)
}

// History lists the wallet's transactions, newest first.
func (c *Client) History(ctx context.Context) ([]TxRecord, error) {
	var v []TxRecord
	return v, c.wallet(ctx, http.MethodGet, "/v1/wallet/history", nil, &v)
}

func (c *Client) tx(ctx context.Context, path string, in any) (TxResult, error) {
	var v TxResult
	// Transactions wait for a receipt: allow longer than other calls.
	hc := *c.hc
	hc.Timeout = 2 * time.Minute
	cc := &Client{hc: &hc, stream: c.stream}
	return v, cc.wallet(ctx, http.MethodPost, path, in, &v)
}
