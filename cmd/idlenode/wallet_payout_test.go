package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// `idlenode settings set payout_address` is where claims pay, and `wallet
// address --set-payout` shows up in `idlenode settings`.
func TestSettingsPayoutIsWhereClaimsPay(t *testing.T) {
	h := newChainHome(t, nil)
	const payout = "0x52908400098527886E0F7030069857D2E4169EE7"
	settingsCmd := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := runSettings(context.Background(), append([]string{"--home", h.home}, args...), &out, &errb); err != nil {
			t.Fatalf("settings %v: %v %s", args, err, errb.String())
		}
		return out.String()
	}
	settingsCmd("set", "payout_address", payout)

	ctx := context.Background()
	v, err := h.chain.SignVoucher(ctx, h.w.Address(), big.NewInt(1e18))
	if err != nil {
		t.Fatal(err)
	}
	vf := filepath.Join(t.TempDir(), "voucher.json")
	b, _ := json.Marshal(v)
	os.WriteFile(vf, b, 0o600)
	out, errs, err := h.run("claim", "--voucher", vf)
	if err != nil || !strings.Contains(out, "to "+payout) {
		t.Fatalf("claim: %v %s\n%s", err, errs, out)
	}
	c, err := h.w.Connect(ctx, h.chain.Network(""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := c.TokenBalance(ctx, common.HexToAddress(payout)); err != nil || got.Cmp(big.NewInt(1e18)) != 0 {
		t.Fatalf("payout address holds %v %v", got, err)
	}

	const other = "0x8617E340B3D01FA5F11F306F4090FD50E238070D"
	if _, errs, err := h.run("address", "--set-payout", other); err != nil {
		t.Fatalf("--set-payout: %v %s", err, errs)
	}
	if s := settingsCmd("show"); !strings.Contains(s, "payout_address          "+other) {
		t.Fatalf("settings show:\n%s", s)
	}
}
