package walletsvc

import (
	"context"
	"errors"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/app/idle/idletest"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/wallet"
)

// earned is a voucher source standing in for the coordinator's ledger: it
// has the dev chain sign "this account earned N in total".
type earned struct {
	chain *devnet.Chain
	total *big.Int
}

func (e *earned) Voucher(ctx context.Context, account common.Address) (protocol.Voucher, error) {
	return e.chain.SignVoucher(ctx, account, e.total)
}

var token = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), token) }

// TestWalletThroughTheLocalAPI drives the wallet as the window does: over
// the real local API, against a real dev chain with the contracts.
func TestWalletThroughTheLocalAPI(t *testing.T) {
	ctx := context.Background()
	chain, err := devnet.Start(ctx, devnet.Config{Cooldown: time.Hour, BlockPeriod: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	network := chain.Network("http://127.0.0.1:1")
	src := &earned{chain: chain, total: tokens(5)}

	dir, err := os.MkdirTemp("", "ws")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	svc, err := New(Config{
		Dir:     filepath.Join(dir, "wallet"),
		Options: wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true},
		Network: func() (protocol.Network, bool) { return network, true },
		Voucher: func() wallet.VoucherSource { return src },
	})
	if err != nil {
		t.Fatal(err)
	}
	c := serve(t, dir, svc)

	info, err := c.WalletInfo(ctx)
	if err != nil || info.Exists || info.Keyring != "OS keyring" {
		t.Fatalf("before create: %+v %v", info, err)
	}
	info, err = c.CreateWallet(ctx, localapi.CreateWalletRequest{})
	if err != nil || !info.Exists || !common.IsHexAddress(info.Address) {
		t.Fatalf("create: %+v %v", info, err)
	}
	if _, err := c.CreateWallet(ctx, localapi.CreateWalletRequest{}); err == nil {
		t.Fatal("created a second wallet over the first")
	}
	addr := common.HexToAddress(info.Address)
	if err := chain.Fund(ctx, addr); err != nil {
		t.Fatal(err)
	}
	info, err = c.WalletInfo(ctx)
	if err != nil || info.ChainError != "" || info.Native == "0" || info.Claimable != tokens(5).String() {
		t.Fatalf("funded: %+v %v", info, err)
	}

	r, err := c.Claim(ctx)
	if err != nil || r.Status != "confirmed" || r.Amount != tokens(5).String() || r.GasUsed == 0 {
		t.Fatalf("claim: %+v %v", r, err)
	}
	if _, err := c.Claim(ctx); err == nil || !strings.Contains(err.Error(), "nothing to claim") {
		t.Fatalf("second claim: %v", err)
	}
	src.total = tokens(7) // two more earned
	if r, err := c.Claim(ctx); err != nil || r.Amount != tokens(2).String() {
		t.Fatalf("claim of the difference: %+v %v", r, err)
	}

	if _, err := c.Stake(ctx, tokens(4).String()); err != nil {
		t.Fatalf("stake: %v", err)
	}
	if _, err := c.Stake(ctx, tokens(100).String()); err == nil {
		t.Fatal("staked more than the balance")
	}
	if _, err := c.Stake(ctx, "1.5"); err == nil || !strings.Contains(err.Error(), "base units") {
		t.Fatalf("fractional base units: %v", err)
	}
	if _, err := c.Unstake(ctx, tokens(1).String()); err != nil {
		t.Fatalf("unstake: %v", err)
	}
	info, err = c.WalletInfo(ctx)
	if err != nil || info.Token != tokens(3).String() || info.Staked != tokens(3).String() || info.Unstaking != tokens(1).String() ||
		info.UnstakeReadyAt == nil || time.Until(*info.UnstakeReadyAt) < 50*time.Minute {
		t.Fatalf("after stake/unstake: %+v %v", info, err)
	}
	if _, err := c.Withdraw(ctx); err == nil {
		t.Fatal("withdrew before the cooldown")
	}
	if err := chain.AdjustTime(time.Hour + time.Minute); err != nil {
		t.Fatal(err)
	}
	if r, err := c.Withdraw(ctx); err != nil || r.Status != "confirmed" {
		t.Fatalf("withdraw after cooldown: %+v %v", r, err)
	}
	to := common.HexToAddress("0x000000000000000000000000000000000000dEaD")
	if _, err := c.Send(ctx, localapi.SendRequest{To: to.Hex(), Amount: tokens(1).String(), Asset: "token"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	for _, bad := range []string{"nobody", "0x0000000000000000000000000000000000000000", "0x52908400098527886e0f7030069857d2e4169EE7"} {
		if _, err := c.Send(ctx, localapi.SendRequest{To: bad, Amount: "1", Asset: "token"}); err == nil {
			t.Errorf("sent to %s (not an address, the zero address, a wrong checksum)", bad)
		}
	}
	hist, err := c.History(ctx)
	if err != nil || len(hist) < 6 {
		t.Fatalf("history: %d %v", len(hist), err)
	}
	if hist[0].Kind != "send-token" || hist[0].Status != "confirmed" {
		t.Fatalf("newest history entry: %+v", hist[0])
	}
	for _, h := range hist {
		if h.Status == "pending" {
			t.Fatalf("transaction left pending: %+v", h)
		}
	}
	st := svc.Status()
	if st.Address != addr.Hex() || st.Token == "" {
		t.Fatalf("state summary: %+v", st)
	}

	backup := filepath.Join(dir, "backup.json")
	if _, err := c.BackupWallet(ctx, backup, "short"); err == nil {
		t.Fatal("accepted a short backup passphrase")
	}
	if p, err := c.BackupWallet(ctx, backup, "a long backup passphrase"); err != nil || p != backup {
		t.Fatalf("backup: %q %v", p, err)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v", err)
	}
}

func TestNoChainIsReportedNotFatal(t *testing.T) {
	dir := t.TempDir()
	svc, err := New(Config{
		Dir:     filepath.Join(dir, "wallet"),
		Options: wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true},
		Network: func() (protocol.Network, bool) {
			return protocol.Network{RPCURL: "http://127.0.0.1:1", ChainID: 1337, Token: "0x" + strings.Repeat("1", 40),
				Staking: "0x" + strings.Repeat("2", 40), RewardPool: "0x" + strings.Repeat("3", 40)}, true
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.Create(ctx, localapi.CreateWalletRequest{}); err != nil {
		t.Fatal(err)
	}
	info, err := svc.Info(ctx)
	if err != nil || info.ChainError == "" || !info.Exists {
		t.Fatalf("a dead RPC must show as a chain error: %+v %v", info, err)
	}
	if _, err := svc.Stake(ctx, "1"); err == nil {
		t.Fatal("staked without a chain")
	}
	if _, err := svc.Claim(ctx); err == nil || !strings.Contains(err.Error(), "not connected to the coordinator") {
		t.Fatalf("claim without coordinator: %v", err)
	}
	if !errors.Is(func() error { _, err := svc.Import(ctx, localapi.ImportWalletRequest{PrivateKeyHex: "00"}); return err }(), wallet.ErrExists) {
		t.Fatal("import over an existing wallet")
	}
}

func TestWalletCreatedElsewhereIsFound(t *testing.T) {
	dir := t.TempDir()
	opts := wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true}
	svc, err := New(Config{Dir: filepath.Join(dir, "wallet"), Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Wallet() != nil {
		t.Fatal("a wallet before one exists")
	}
	// As `idlenode wallet create` does from another process.
	w, err := wallet.Create(context.Background(), filepath.Join(dir, "wallet"), "", opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := svc.Wallet(); got == nil || got.Address() != w.Address() {
		t.Fatalf("wallet created elsewhere not found: %v", got)
	}
}

func serve(t *testing.T, dir string, svc *Service) *localapi.Client {
	t.Helper()
	paths, store := apptest.Home(t, dir)
	a := app.New(app.Deps{Paths: paths, Settings: store, Sampler: idletest.New(nil).Sampler(), Wallet: svc})
	srv := localapi.NewServer(a, nil)
	srv.ServeWallet(svc)
	ln, err := localapi.Listen(paths.Socket())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return localapi.NewClient(paths.Socket())
}

// With no keyring to keep it, the passphrase typed to create the wallet
// is kept for the running node; after a restart the wallet is locked until
// the owner unlocks it through the local API, and the passphrase never
// reaches the log.
func TestUnlockWithoutKeyring(t *testing.T) {
	dir := t.TempDir()
	opts := wallet.Options{Keyring: &wallet.MemKeyring{Unavailable: true}, LightScrypt: true}
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	const pass = "correct horse battery"
	ctx := context.Background()

	svc, err := New(Config{Dir: filepath.Join(dir, "wallet"), Options: opts, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	c := serve(t, dir, svc)
	info, err := c.CreateWallet(ctx, localapi.CreateWalletRequest{Passphrase: pass})
	if err != nil {
		t.Fatal(err)
	}
	if info, err = c.WalletInfo(ctx); err != nil || info.Locked {
		t.Fatalf("just created: locked %v, %v", info.Locked, err)
	}
	if _, err := svc.Wallet().SignMessage(ctx, []byte("sign in")); err != nil {
		t.Fatalf("signing with the kept passphrase: %v", err)
	}

	// The node restarts.
	svc2, err := New(Config{Dir: filepath.Join(dir, "wallet"), Options: opts, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	c2 := serve(t, t.TempDir(), svc2)
	if info, _ = c2.WalletInfo(ctx); !info.Locked {
		t.Fatal("a restarted node without keyring or passphrase file is not locked")
	}
	if _, err := svc2.Wallet().SignMessage(ctx, []byte("sign in")); !errors.Is(err, wallet.ErrPassphraseNeeded) {
		t.Fatalf("signing while locked: %v", err)
	}
	if _, err := c2.UnlockWallet(ctx, "wrong horse battery"); err == nil || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if info, _ = c2.WalletInfo(ctx); !info.Locked {
		t.Fatal("unlocked by a wrong passphrase")
	}
	if info, err = c2.UnlockWallet(ctx, pass); err != nil || info.Locked {
		t.Fatalf("unlock: locked %v, %v", info.Locked, err)
	}
	if _, err := svc2.Wallet().SignMessage(ctx, []byte("sign in")); err != nil {
		t.Fatalf("signing after unlock: %v", err)
	}
	if strings.Contains(logs.String(), "horse") {
		t.Fatalf("a passphrase reached the log:\n%s", logs.String())
	}

	// A passphrase file given to the node is a way to the passphrase.
	opts.Prompt = func(context.Context, string) (string, error) { return pass, nil }
	svc3, err := New(Config{Dir: filepath.Join(dir, "wallet"), Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := serve(t, t.TempDir(), svc3).WalletInfo(ctx); info.Locked {
		t.Fatal("locked although a passphrase file is given")
	}
}
