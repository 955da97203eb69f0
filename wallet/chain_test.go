package wallet_test

import (
	"context"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/wallet"
)

var unit = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), unit) }

// earned plays the coordinator: it signs vouchers for whatever the ledger says.
type earned struct {
	chain *devnet.Chain
	total *big.Int
}

func (e *earned) Voucher(ctx context.Context, a common.Address) (protocol.Voucher, error) {
	return e.chain.SignVoucher(ctx, a, e.total)
}

const cooldown = 30 * time.Minute

func startChain(t testing.TB) *devnet.Chain {
	t.Helper()
	c, err := devnet.Start(context.Background(), devnet.Config{Cooldown: cooldown})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func newWallet(t testing.TB) *wallet.Wallet {
	t.Helper()
	w, err := wallet.Create(context.Background(), t.TempDir(), "", wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// The whole flow over JSON-RPC: fund, claim, claim again, stake, unstake,
// wait out the cooldown, withdraw, send.
func TestFlow(t *testing.T) {
	ctx := context.Background()
	chain := startChain(t)
	w := newWallet(t)
	c, err := w.Connect(ctx, chain.Network(""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	src := &earned{chain: chain, total: tokens(100)}
	if _, err := c.Claim(ctx, src); !errors.Is(err, wallet.ErrInsufficientFunds) {
		t.Fatalf("claim without gas money: %v, want ErrInsufficientFunds", err)
	}
	if err := chain.Fund(ctx, w.Address()); err != nil {
		t.Fatal(err)
	}
	if left, _, err := c.Claimable(ctx, src); err != nil || left.Cmp(tokens(100)) != 0 {
		t.Fatalf("claimable %v %v", left, err)
	}
	r, err := c.Claim(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gas used: claim %d", r.GasUsed)
	bs, err := c.Balances(ctx)
	if err != nil || bs.Token.Cmp(tokens(100)) != 0 || bs.Claimed.Cmp(tokens(100)) != 0 {
		t.Fatalf("after claim %+v %v", bs, err)
	}
	if _, err := c.Claim(ctx, src); !errors.Is(err, wallet.ErrNothingToClaim) {
		t.Fatalf("second claim: %v, want ErrNothingToClaim", err)
	}
	src.total = tokens(130)
	if r, err := c.Claim(ctx, src); err != nil || r.Amount.Cmp(tokens(30)) != 0 {
		t.Fatalf("later voucher: %v %v", r.Amount, err)
	}

	r, err = c.Stake(ctx, tokens(50))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gas used: stake %d (plus approve)", r.GasUsed)
	if st, _ := chain.StakeOf(ctx, w.Address()); st.Cmp(tokens(50)) != 0 {
		t.Fatalf("stake seen by the coordinator: %s", st)
	}
	if _, err := c.Stake(ctx, tokens(1000)); !errors.Is(err, wallet.ErrNotEnoughTokens) {
		t.Fatalf("stake too much: %v", err)
	}
	if _, err := c.Withdraw(ctx); !errors.Is(err, wallet.ErrNothingUnstaked) {
		t.Fatalf("withdraw with nothing unstaked: %v", err)
	}
	r, err = c.RequestUnstake(ctx, tokens(20))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gas used: requestUnstake %d", r.GasUsed)
	bs, _ = c.Balances(ctx)
	if bs.Unstaking.Cmp(tokens(20)) != 0 || bs.CooldownLeft <= 0 || bs.CooldownLeft > cooldown {
		t.Fatalf("after unstake %+v", bs)
	}
	if _, err := c.Withdraw(ctx); !errors.Is(err, wallet.ErrCooldown) {
		t.Fatalf("early withdraw: %v, want ErrCooldown", err)
	}
	if err := chain.AdjustTime(cooldown); err != nil {
		t.Fatal(err)
	}
	r, err = c.Withdraw(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gas used: withdraw %d", r.GasUsed)
	bs, _ = c.Balances(ctx)
	if bs.Token.Cmp(tokens(100)) != 0 || bs.Staked.Cmp(tokens(30)) != 0 || bs.Unstaking.Sign() != 0 {
		t.Fatalf("after withdraw %+v", bs)
	}

	if _, err := c.SendToken(ctx, common.Address{}, tokens(1)); !errors.Is(err, wallet.ErrBadAddress) {
		t.Fatalf("send tokens to the zero address: %v, want ErrBadAddress", err)
	}
	if _, err := c.Send(ctx, common.Address{}, big.NewInt(1)); !errors.Is(err, wallet.ErrBadAddress) {
		t.Fatalf("send coin to the zero address: %v, want ErrBadAddress", err)
	}
	friend := common.HexToAddress("0x00000000000000000000000000000000000f00d5")
	if _, err := c.SendToken(ctx, friend, tokens(7)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, friend, big.NewInt(12345)); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.TokenBalance(ctx, friend); got.Cmp(tokens(7)) != 0 {
		t.Fatalf("friend has %s tokens", got)
	}
	if got, _ := chain.Client().BalanceAt(ctx, friend, nil); got.Int64() != 12345 {
		t.Fatalf("friend has %s wei", got)
	}

	hist, err := w.History()
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, h := range hist {
		if h.Status != wallet.TxConfirmed || h.Block == 0 || h.GasUsed == 0 {
			t.Errorf("history entry not confirmed: %+v", h)
		}
		kinds = append(kinds, string(h.Kind))
	}
	if got := strings.Join(kinds, ","); got != "claim,claim,approve,stake,unstake,withdraw,send-token,send" {
		t.Fatalf("history kinds %s", got)
	}
}

func TestPayoutAndForeignVouchers(t *testing.T) {
	ctx := context.Background()
	chain := startChain(t)
	w := newWallet(t)
	if err := chain.Fund(ctx, w.Address()); err != nil {
		t.Fatal(err)
	}
	c, err := w.Connect(ctx, chain.Network(""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	other, _ := crypto.GenerateKey()
	stranger := crypto.PubkeyToAddress(other.PublicKey)
	forSomeoneElse := srcFunc(func(ctx context.Context, _ common.Address) (protocol.Voucher, error) {
		return chain.SignVoucher(ctx, stranger, tokens(5))
	})
	if _, err := c.Claim(ctx, forSomeoneElse); !errors.Is(err, wallet.ErrVoucherNotForYou) {
		t.Fatalf("someone else's voucher: %v", err)
	}
	forged := srcFunc(func(ctx context.Context, a common.Address) (protocol.Voucher, error) {
		v, err := chain.SignVoucher(ctx, a, tokens(5))
		v.CumulativeAmount = tokens(5000).String()
		return v, err
	})
	if _, err := c.Claim(ctx, forged); err == nil || !strings.Contains(err.Error(), "unexpected key") {
		t.Fatalf("forged voucher: %v", err)
	}
	foreign := srcFunc(func(ctx context.Context, a common.Address) (protocol.Voucher, error) {
		v, err := chain.SignVoucher(ctx, a, tokens(5))
		v.ChainID = 1
		return v, err
	})
	if _, err := c.Claim(ctx, foreign); err == nil || !strings.Contains(err.Error(), "another chain") {
		t.Fatalf("foreign voucher: %v", err)
	}

	payout := crypto.PubkeyToAddress(other.PublicKey)
	if err := w.SetPayout(payout); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Claim(ctx, &earned{chain: chain, total: tokens(9)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.TokenBalance(ctx, payout); got.Cmp(tokens(9)) != 0 {
		t.Fatalf("payout address got %s", got)
	}
	if got, _ := c.TokenBalance(ctx, w.Address()); got.Sign() != 0 {
		t.Fatalf("node address got %s", got)
	}
}

type srcFunc func(ctx context.Context, a common.Address) (protocol.Voucher, error)

func (f srcFunc) Voucher(ctx context.Context, a common.Address) (protocol.Voucher, error) {
	return f(ctx, a)
}

func TestConnectErrors(t *testing.T) {
	ctx := context.Background()
	chain := startChain(t)
	w := newWallet(t)
	n := chain.Network("")
	n.ChainID = 99
	if _, err := w.Connect(ctx, n); !errors.Is(err, wallet.ErrWrongChain) {
		t.Fatalf("wrong chain: %v", err)
	}
	// A port nobody listens on.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	n = chain.Network("")
	n.RPCURL = "http://" + addr
	if _, err := w.Connect(ctx, n); !errors.Is(err, wallet.ErrRPCDown) {
		t.Fatalf("rpc down: %v", err)
	}
	n = chain.Network("")
	n.Staking = "nope"
	if _, err := w.Connect(ctx, n); !errors.Is(err, wallet.ErrNetwork) {
		t.Fatalf("bad descriptor: %v", err)
	}
}

// BenchmarkClaim measures one claim from the wallet's call to the confirmed
// token balance on the dev chain (light scrypt: key decryption not counted
// at its real cost).
func BenchmarkClaim(b *testing.B) {
	ctx := context.Background()
	chain := startChain(b)
	w := newWallet(b)
	if err := chain.Fund(ctx, w.Address()); err != nil {
		b.Fatal(err)
	}
	c, err := w.Connect(ctx, chain.Network(""))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	src := &earned{chain: chain, total: new(big.Int)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		src.total = tokens(int64(i + 1))
		if _, err := c.Claim(ctx, src); err != nil {
			b.Fatal(err)
		}
		if got, err := c.TokenBalance(ctx, w.Address()); err != nil || got.Cmp(src.total) != 0 {
			b.Fatalf("balance %v %v", got, err)
		}
	}
}
