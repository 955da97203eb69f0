package wallet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// TxStatus is a transaction's state in the history.
type TxStatus string

// Transaction states.
const (
	TxPending   TxStatus = "pending"
	TxConfirmed TxStatus = "confirmed"
	TxFailed    TxStatus = "failed"
)

// TxKind says what a transaction did.
type TxKind string

// Transaction kinds.
const (
	KindClaim     TxKind = "claim"
	KindApprove   TxKind = "approve"
	KindStake     TxKind = "stake"
	KindUnstake   TxKind = "unstake"
	KindWithdraw  TxKind = "withdraw"
	KindSend      TxKind = "send"
	KindSendToken TxKind = "send-token"
)

// Tx is one entry of the wallet's history. Amount is in base units (wei
// for native sends), as a decimal string.
type Tx struct {
	Hash    string    `json:"hash"`
	Kind    TxKind    `json:"kind"`
	ChainID uint64    `json:"chain_id"`
	To      string    `json:"to,omitempty"`
	Amount  string    `json:"amount,omitempty"`
	Status  TxStatus  `json:"status"`
	Block   uint64    `json:"block,omitempty"`
	GasUsed uint64    `json:"gas_used,omitempty"`
	Error   string    `json:"error,omitempty"`
	Sent    time.Time `json:"sent"`
	Updated time.Time `json:"updated"`
}

// History returns the wallet's transactions, oldest first. A damaged
// history file is reported, never overwritten silently.
func (w *Wallet) History() ([]Tx, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.loadHistory()
}

func (w *Wallet) loadHistory() ([]Tx, error) {
	b, err := os.ReadFile(filepath.Join(w.dir, HistoryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	var txs []Tx
	if err := json.Unmarshal(b, &txs); err != nil {
		return nil, fmt.Errorf("read history %s: damaged: %w", filepath.Join(w.dir, HistoryFile), err)
	}
	return txs, nil
}

// record inserts or updates (by hash) one entry.
func (w *Wallet) record(tx Tx) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	txs, err := w.loadHistory()
	if err != nil {
		return err
	}
	tx.Updated = time.Now().UTC()
	found := false
	for i := range txs {
		if txs[i].Hash == tx.Hash {
			tx.Sent = txs[i].Sent
			txs[i] = tx
			found = true
		}
	}
	if !found {
		if tx.Sent.IsZero() {
			tx.Sent = tx.Updated
		}
		txs = append(txs, tx)
	}
	b, err := json.MarshalIndent(txs, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(w.dir, HistoryFile), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}
