package main

import (
	"context"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/wallet"
)

// centiTok is n/100 tokens in base units.
func centiTok(n int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), big.NewInt(1e16))
}

func wantMsg(t *testing.T, what string, err error, want string, notWant ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %q", what, want)
	}
	msg := err.Error()
	t.Logf("%s: %s", what, msg)
	if !strings.Contains(msg, want) {
		t.Fatalf("%s: %q, want it to say %q", what, msg, want)
	}
	for _, nw := range notWant {
		if strings.Contains(msg, nw) {
			t.Fatalf("%s: %q should not say %q", what, msg, nw)
		}
	}
}

func TestWalletChainMessagesSpeakTokens(t *testing.T) {
	h := newChainHome(t, centiTok(64))
	raw := []string{"base units", "640000000000000000", "500000000000000000", "1000000000000000000", "Insufficient", "estimate gas"}

	_, _, err := h.run("stake", "1")
	wantMsg(t, "stake 1 with 0.64", err, "only 0.64 IDLE in the wallet, 1 IDLE wanted", raw...)

	_, errs, err := h.run("stake")
	if exitCode(err) != 2 || !strings.Contains(errs, "want one AMOUNT") {
		t.Fatalf("stake without amount: %v, stderr %q", err, errs)
	}
	_, _, err = h.run("stake", "5.")
	wantMsg(t, "stake 5.", err, "digits expected after the decimal point")

	if _, errs, err := h.run("stake", "0.5"); err != nil {
		t.Fatalf("stake 0.5: %v %s", err, errs)
	}
	_, _, err = h.run("unstake", "1")
	wantMsg(t, "unstake 1 with 0.5 staked", err, "only 0.5 IDLE staked, 1 IDLE wanted", raw...)

	// A voucher the pool cannot cover: the network's problem, not the owner's.
	v, err := h.chain.SignVoucher(context.Background(), h.w.Address(), new(big.Int).Mul(devnet.PoolFunding, big.NewInt(2)))
	if err != nil {
		t.Fatal(err)
	}
	vf := filepath.Join(t.TempDir(), "voucher.json")
	b, _ := json.Marshal(v)
	os.WriteFile(vf, b, 0o600)
	_, _, err = h.run("claim", "--voucher", vf)
	wantMsg(t, "claim from an underfunded pool", err, "reward pool cannot pay now", "not enough tokens", "InsufficientBalance", "account=")
}

func TestWalletExportAndCreateMessages(t *testing.T) {
	h := newChainHome(t, nil)
	out := filepath.Join(t.TempDir(), "backup.json")
	// No terminal (tests read stdin from /dev/null) and no backup file.
	_, _, err := h.run("export", "--out", out)
	wantMsg(t, "export without a backup passphrase", err, "--backup-passphrase-file", "give --passphrase-file")

	os.WriteFile(out, []byte("keep me"), 0o600)
	_, _, err = h.run("export", "--backup-passphrase-file", h.passFile, "--out", out)
	wantMsg(t, "export over a file", err, "already exists and will not be overwritten", "a wallet already exists")
	if b, _ := os.ReadFile(out); string(b) != "keep me" {
		t.Fatalf("existing file changed: %q", b)
	}

	// create where no keyring can keep a generated passphrase.
	_, cerr := wallet.Create(context.Background(), t.TempDir(), "", wallet.Options{Keyring: &wallet.MemKeyring{Unavailable: true}, LightScrypt: true})
	wf := newWalletFlags("create", &strings.Builder{}, false)
	wf.isTerm = false
	_, err = wf.newPassphrase(noKeyringWhy(cerr), "", "--passphrase-file")
	wantMsg(t, "create without a keyring", err, "give it in a file with --passphrase-file FILE", ".;", "create wallet:", "instead)")
}
