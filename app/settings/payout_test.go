package settings_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/app/settings"
	"github.com/idlenode/idlenode/wallet"
)

const (
	payoutA = "0x52908400098527886E0F7030069857D2E4169EE7"
	payoutB = "0x8617E340B3D01FA5F11F306F4090FD50E238070D"
)

func makeWallet(t *testing.T, paths app.Paths) *wallet.Wallet {
	t.Helper()
	w, err := wallet.Create(context.Background(), paths.Wallet(), "correct horse battery", wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func walletPayout(t *testing.T, paths app.Paths) string {
	t.Helper()
	a, err := wallet.ReadPayout(paths.Wallet())
	if err != nil {
		t.Fatal(err)
	}
	if a == (common.Address{}) {
		return ""
	}
	return a.Hex()
}

func TestWalletDirIsTheHomesWallet(t *testing.T) {
	paths, _ := apptest.Home(t, t.TempDir())
	if got := settings.WalletDir(paths.Settings()); got != paths.Wallet() {
		t.Fatalf("WalletDir %s, app.Paths.Wallet %s", got, paths.Wallet())
	}
}

// The settings' payout address is the wallet's: setting one sets the
// other, which claims read.
func TestPayoutAddressIsTheWallets(t *testing.T) {
	paths, store := apptest.Home(t, t.TempDir())
	if _, err := store.Update(func(s *settings.Settings) error { return s.Set("payout_address", payoutA) }); err == nil || !strings.Contains(err.Error(), "wallet first") {
		t.Fatalf("payout address without a wallet: %v", err)
	}
	w := makeWallet(t, paths) // a long-lived wallet, as the running node holds

	s, err := store.Update(func(s *settings.Settings) error { return s.Set("payout_address", strings.ToLower(payoutA)) })
	if err != nil || s.PayoutAddress != payoutA {
		t.Fatalf("set: %v %q", err, s.PayoutAddress)
	}
	if got := walletPayout(t, paths); got != payoutA {
		t.Fatalf("wallet payout after settings set: %q", got)
	}
	if got := w.Payout().Hex(); got != payoutA {
		t.Fatalf("the open wallet still claims to %s", got)
	}
	if b, _ := os.ReadFile(paths.Settings()); strings.Contains(string(b), "payout_address") {
		t.Fatalf("payout address kept in the settings file too:\n%s", b)
	}

	// Set in the wallet (idlenode wallet address --set-payout): the
	// settings show it.
	if err := w.SetPayout(common.HexToAddress(payoutB)); err != nil {
		t.Fatal(err)
	}
	if got := store.Get().PayoutAddress; got != payoutB {
		t.Fatalf("settings show %q after the wallet changed", got)
	}
	// Other changes leave it alone.
	if _, err := store.Update(func(s *settings.Settings) error { return s.Set("idle_minutes", "7") }); err != nil || walletPayout(t, paths) != payoutB {
		t.Fatalf("unrelated change: %v, payout %q", err, walletPayout(t, paths))
	}

	for _, bad := range []string{"0x0000000000000000000000000000000000000000", "0x52908400098527886E0F7030069857D2E4169Ee7", "nope"} {
		_, err := store.Update(func(s *settings.Settings) error { return s.Set("payout_address", bad) })
		es, ok := settings.AsErrors(err)
		if !ok || es.Field("payout_address") == "" {
			t.Fatalf("payout_address %s: %v, want a field error", bad, err)
		}
		if got := walletPayout(t, paths); got != payoutB {
			t.Fatalf("refused %s but the payout became %q", bad, got)
		}
	}
	if _, err := store.Update(func(s *settings.Settings) error { return s.Set("payout_address", "") }); err != nil || walletPayout(t, paths) != "" {
		t.Fatalf("clear: %v, payout %q", err, walletPayout(t, paths))
	}
}

func writeOldSettings(t *testing.T, paths app.Paths, payout string) {
	t.Helper()
	s := settings.Default()
	s.PayoutAddress = payout
	if err := settings.Save(paths.Settings(), s); err != nil {
		t.Fatal(err)
	}
}

// An older settings file's payout address, which nothing read, moves to
// the wallet without the file being called bad.
func TestOldSettingsPayoutMovesToTheWallet(t *testing.T) {
	paths, _ := apptest.Home(t, t.TempDir())
	makeWallet(t, paths)
	writeOldSettings(t, paths, payoutA)
	store, err := settings.Open(paths.Settings())
	if err != nil || store.Problem().Message != "" {
		t.Fatalf("open: %v %q", err, store.Problem().Message)
	}
	if got := walletPayout(t, paths); got != payoutA || store.Get().PayoutAddress != payoutA {
		t.Fatalf("not moved: wallet %q, settings %q", got, store.Get().PayoutAddress)
	}
	if b, _ := os.ReadFile(paths.Settings()); strings.Contains(string(b), "payout_address") {
		t.Fatalf("still in the settings file:\n%s", b)
	}

	// The wallet's own payout address wins; the owner is told.
	writeOldSettings(t, paths, payoutB)
	store, err = settings.Open(paths.Settings())
	if err != nil || !strings.Contains(store.Problem().Message, payoutB) || store.Problem().Backup != "" {
		t.Fatalf("conflict: %v %+v", err, store.Problem())
	}
	if got := walletPayout(t, paths); got != payoutA {
		t.Fatalf("wallet payout overwritten: %q", got)
	}

	// The zero address (once accepted) is dropped quietly.
	writeOldSettings(t, paths, "0x0000000000000000000000000000000000000000")
	store, err = settings.Open(paths.Settings())
	if err != nil || store.Problem().Message != "" || walletPayout(t, paths) != payoutA {
		t.Fatalf("zero: %v %+v %q", err, store.Problem(), walletPayout(t, paths))
	}
}

// With no wallet yet the older value is shown, kept, and moved once a
// wallet exists.
func TestOldSettingsPayoutWaitsForAWallet(t *testing.T) {
	paths, _ := apptest.Home(t, t.TempDir())
	writeOldSettings(t, paths, payoutA)
	store, err := settings.Open(paths.Settings())
	if err != nil || store.Problem().Message != "" || store.Get().PayoutAddress != payoutA {
		t.Fatalf("open: %v %+v %q", err, store.Problem(), store.Get().PayoutAddress)
	}
	if _, err := store.Update(func(s *settings.Settings) error { return s.Set("idle_minutes", "7") }); err != nil {
		t.Fatal(err)
	}
	makeWallet(t, paths)
	if got := store.Get().PayoutAddress; got != payoutA || walletPayout(t, paths) != payoutA {
		t.Fatalf("after the wallet appeared: settings %q wallet %q", got, walletPayout(t, paths))
	}
}
