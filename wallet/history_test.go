package wallet

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/devnet"
)

// A transaction left pending (the program stopped while waiting) is
// settled by RefreshHistory.
func TestRefreshHistory(t *testing.T) {
	ctx := context.Background()
	chain, err := devnet.Start(ctx, devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	w, err := Create(ctx, t.TempDir(), "", Options{Keyring: &MemKeyring{}, LightScrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := chain.Fund(ctx, w.Address()); err != nil {
		t.Fatal(err)
	}
	c, err := w.ConnectBackend(ctx, chain.Client(), chain.Network(""))
	if err != nil {
		t.Fatal(err)
	}
	to := common.HexToAddress("0x000000000000000000000000000000000000f00d")
	var hash string
	err = w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		s := contracts.NewSender(chain.Client(), w.Address(), contracts.KeySigner(k))
		tx, err := s.Send(ctx, &to, big.NewInt(1), nil)
		if err != nil {
			return err
		}
		hash = tx.Hash().Hex()
		return w.record(Tx{Hash: hash, Kind: KindSend, ChainID: chain.ChainID(), To: to.Hex(), Amount: "1", Status: TxPending})
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := c.RefreshHistory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("pending transaction never settled")
		}
		time.Sleep(20 * time.Millisecond)
	}
	h, _ := w.History()
	if len(h) != 1 || h[0].Hash != hash || h[0].Status != TxConfirmed || h[0].GasUsed != 21000 {
		t.Fatalf("history %+v", h)
	}
	// A damaged history file is reported and left alone.
	p := filepath.Join(w.Dir(), HistoryFile)
	os.WriteFile(p, []byte("[{"), 0o600)
	if _, err := w.History(); err == nil {
		t.Fatal("damaged history read without error")
	}
	if err := w.record(Tx{Hash: "0x1"}); err == nil {
		t.Fatal("record over a damaged history succeeded")
	}
	if b, _ := os.ReadFile(p); string(b) != "[{" {
		t.Fatal("damaged history overwritten")
	}
}
