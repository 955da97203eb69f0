package main

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/wallet"
)

// chainHome is a node home that joined a fresh in-process dev chain, with
// a wallet (passphrase in passFile, no keyring entry) funded with gas coin
// and the given tokens.
type chainHome struct {
	home     string
	passFile string
	paths    app.Paths
	w        *wallet.Wallet
	chain    *devnet.Chain
}

func newChainHome(t *testing.T, tokens *big.Int) *chainHome {
	t.Helper()
	isolateWalletEnv(t)
	ctx := context.Background()
	h := &chainHome{home: t.TempDir(), passFile: writeSecret(t, "correct horse battery")}
	h.paths, _ = apptest.Home(t, h.home)
	chain, err := devnet.Start(ctx, devnet.Config{Cooldown: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { chain.Close() })
	h.chain = chain
	if err := chain.WriteNetwork(h.paths.Network(), ""); err != nil {
		t.Fatal(err)
	}
	h.w, err = wallet.Create(ctx, h.paths.Wallet(), "correct horse battery", wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := chain.Fund(ctx, h.w.Address()); err != nil {
		t.Fatal(err)
	}
	if tokens != nil && tokens.Sign() > 0 {
		if err := chain.FundTokens(ctx, h.w.Address(), tokens); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// run runs a wallet verb on the home with the passphrase file.
func (h *chainHome) run(verb string, args ...string) (string, string, error) {
	return runWalletCmd(append([]string{verb, "--home", h.home, "--passphrase-file", h.passFile}, args...)...)
}

func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(err, errUsage) {
		return 2
	}
	if err != nil {
		return 1
	}
	return 0
}

func TestWalletSendChecksAddressesAndNamesTheUnit(t *testing.T) {
	h := newChainHome(t, new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18)))
	const friend = "0x52908400098527886E0F7030069857D2E4169EE7"
	for _, c := range []struct{ to, want string }{
		{"0x0000000000000000000000000000000000000000", "zero address"},
		{"0x52908400098527886E0F7030069857D2E4169Ee7", "EIP-55 checksum"},
	} {
		for _, token := range [][]string{nil, {"--token"}} {
			_, _, err := h.run("send", append(token, c.to, "0.001")...)
			if exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("send %v to %s: %v, want exit 2 saying %q", token, c.to, err, c.want)
			}
		}
	}
	out, errs, err := h.run("send", strings.ToLower(friend), "0.001")
	if err != nil || !strings.Contains(out, "sent 0.001 gas coin to "+friend) {
		t.Fatalf("send coin: %v %s\n%s", err, errs, out)
	}
	out, errs, err = h.run("send", "--token", friend, "1.50")
	if err != nil || !strings.Contains(out, "sent 1.5 IDLE to "+friend) {
		t.Fatalf("send tokens: %v %s\n%s", err, errs, out)
	}
	got, err := h.chain.Client().BalanceAt(context.Background(), common.HexToAddress(friend), nil)
	if err != nil || got.Cmp(big.NewInt(1e15)) != 0 {
		t.Fatalf("friend's coin %v %v", got, err)
	}

	for _, bad := range []string{"0x0000000000000000000000000000000000000000", "0x52908400098527886E0F7030069857D2E4169Ee7"} {
		if _, _, err := h.run("address", "--set-payout", bad); exitCode(err) != 2 {
			t.Fatalf("--set-payout %s: %v, want exit 2", bad, err)
		}
	}
	w, err := wallet.Open(h.paths.Wallet(), wallet.Options{})
	if err != nil || w.Payout() != (common.Address{}) {
		t.Fatalf("a refused payout address was stored: %v %s", err, w.Payout().Hex())
	}
}
