package window

import (
	"context"
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
	"github.com/idlenode/idlenode/app/walletsvc"
	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/wallet"
)

// earnedVoucher stands in for the coordinator's ledger: the dev chain
// signs "this account earned N in total".
type earnedVoucher struct {
	chain *devnet.Chain
	total *big.Int
}

func (e *earnedVoucher) Voucher(ctx context.Context, account common.Address) (protocol.Voucher, error) {
	return e.chain.SignVoucher(ctx, account, e.total)
}

// TestStakeFlowOnTheDevChain drives the wallet tab's widgets against the
// real wallet service and contracts on the embedded dev chain: create,
// claim, stake, unstake, the cooldown, withdraw, history.
func TestStakeFlowOnTheDevChain(t *testing.T) {
	if testing.Short() {
		t.Skip("dev chain: skipped with -short")
	}
	ctx := context.Background()
	chain, err := devnet.Start(ctx, devnet.Config{Cooldown: time.Hour, BlockPeriod: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	network := chain.Network("http://127.0.0.1:1")
	src := &earnedVoucher{chain: chain, total: tokens(5)}
	dir, err := os.MkdirTemp("", "uiw") // short: the socket path has a length limit
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	svc, err := walletsvc.New(walletsvc.Config{
		Dir:     filepath.Join(dir, "wallet"),
		Options: wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true},
		Network: func() (protocol.Network, bool) { return network, true },
		Voucher: func() wallet.VoucherSource { return src },
	})
	if err != nil {
		t.Fatal(err)
	}
	paths, store := apptest.Home(t, dir)
	a := app.New(app.Deps{Paths: paths, Settings: store, Sampler: idletest.New(nil).Sampler(), Wallet: svc})
	srv := localapi.NewServer(a, nil)
	srv.ServeWallet(svc)
	ln, err := localapi.Listen(paths.Socket())
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	defer func() { cancel(); <-done }()

	u := newUI(t, localapi.NewClient(paths.Socket()), TabWallet)
	u.opts.Now = time.Now // the chain keeps real time
	u.wal.load(ctx)
	if !u.wal.setup.Visible() {
		t.Fatalf("no create step for a new node: %q", u.wal.msg.Text)
	}
	test := func(what string, cond bool) {
		t.Helper()
		if !cond {
			t.Fatalf("%s: msg %q token %q staked %q unstaking %q cooldown %q claimable %q", what, u.wal.msg.Text,
				u.wal.token.Text, u.wal.staked.Text, u.wal.unstaking.Text, u.wal.cooldown.Text, u.wal.claimable.Text)
		}
	}
	tap := func(label string) { t.Helper(); widgetByText(t, u, label).OnTapped() }

	tap("Create a new wallet")
	test("create", u.wal.present.Visible() && common.IsHexAddress(u.wal.address.Text))
	if err := chain.Fund(ctx, common.HexToAddress(u.wal.address.Text)); err != nil {
		t.Fatal(err)
	}
	u.wal.load(ctx)
	test("claimable", u.wal.claimable.Text == "5 IDLE" && !u.wal.claim.Disabled())

	u.wal.claim.OnTapped()
	test("claim", strings.HasPrefix(u.wal.msg.Text, "Claim done: 5 IDLE") && u.wal.token.Text == "5 IDLE" && u.wal.claim.Disabled())

	u.wal.stakeAmt.SetText("4")
	tap("Stake")
	test("stake", u.wal.staked.Text == "4 IDLE" && u.wal.token.Text == "1 IDLE")
	if got, err := chain.StakeOf(ctx, common.HexToAddress(u.wal.address.Text)); err != nil || got.Cmp(tokens(4)) != 0 {
		t.Fatalf("stake on chain %v, %v", got, err)
	}

	u.wal.unstakeAmt.SetText("1.5")
	tap("Unstake")
	test("unstake", u.wal.unstaking.Text == "1.5 IDLE" && u.wal.staked.Text == "2.5 IDLE" &&
		(u.wal.cooldown.Text == "Withdraw in 59 min" || u.wal.cooldown.Text == "Withdraw in 1 h") && u.wal.withdraw.Disabled())

	if err := chain.AdjustTime(61 * time.Minute); err != nil {
		t.Fatal(err)
	}
	u.opts.Now = func() time.Time { return time.Now().Add(61 * time.Minute) } // the owner's clock, an hour on
	u.wal.tick()
	test("cooldown over", u.wal.cooldown.Text == "Ready to withdraw" && !u.wal.withdraw.Disabled())
	u.wal.withdraw.OnTapped()
	test("withdraw", strings.HasPrefix(u.wal.msg.Text, "Withdraw done") && u.wal.token.Text == "2.5 IDLE" && u.wal.unstaking.Text == "Nothing")

	hist := labelsIn(u.wal.history)
	for _, want := range []string{"Claim 5 IDLE", "Stake 4 IDLE", "Unstake 1.5 IDLE", "Withdraw"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}
}
