package contracts_test

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/contracts/bindings"
	"github.com/idlenode/idlenode/contracts/voucher"
)

var ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

func tokens(n int64) *big.Int { return new(big.Int).Mul(big.NewInt(n), ether) }

type env struct {
	sim                             *simulated.Backend
	client                          simulated.Client
	deployer, slasher, signer, node *ecdsa.PrivateKey
	addrs                           contracts.Addresses
	chainID                         uint64
	token                           *bindings.RewardToken
	staking                         *bindings.Staking
	pool                            *bindings.RewardPool
	vsigner                         *voucher.Signer
}

const cooldown = 3600

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{token: bindings.NewRewardToken(), staking: bindings.NewStaking(), pool: bindings.NewRewardPool()}
	for _, k := range []**ecdsa.PrivateKey{&e.deployer, &e.slasher, &e.signer, &e.node} {
		*k, _ = crypto.GenerateKey()
	}
	alloc := types.GenesisAlloc{}
	for _, k := range []*ecdsa.PrivateKey{e.deployer, e.slasher, e.node} {
		alloc[crypto.PubkeyToAddress(k.PublicKey)] = types.Account{Balance: tokens(100)}
	}
	e.sim = simulated.NewBackend(alloc)
	t.Cleanup(func() { e.sim.Close() })
	e.client = committing{e.sim.Client(), e.sim}
	ctx := context.Background()
	id, err := e.client.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.chainID = id.Uint64()
	e.addrs, err = contracts.Deploy(ctx, e.client, e.deployer, contracts.DeployParams{
		TokenName: "Idle Token", TokenSymbol: "IDLE", Supply: tokens(1_000_000), Cooldown: cooldown,
		Slasher:       crypto.PubkeyToAddress(e.slasher.PublicKey),
		VoucherSigner: crypto.PubkeyToAddress(e.signer.PublicKey),
		PoolFunding:   tokens(10_000),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.vsigner = voucher.NewSigner(e.signer, voucher.Domain{ChainID: e.chainID, RewardPool: e.addrs.RewardPool})
	return e
}

// committing seals a block right after each transaction is sent, so that
// waiting for a receipt works as on a mining chain.
type committing struct {
	simulated.Client
	sim *simulated.Backend
}

func (c committing) SendTransaction(ctx context.Context, tx *types.Transaction) error {
	if err := c.Client.SendTransaction(ctx, tx); err != nil {
		return err
	}
	c.sim.Commit()
	return nil
}

func (e *env) sender(k *ecdsa.PrivateKey) *contracts.Sender {
	return contracts.NewSender(e.client, crypto.PubkeyToAddress(k.PublicKey), contracts.KeySigner(k))
}

func (e *env) call(t *testing.T, to common.Address, data []byte) []byte {
	t.Helper()
	out, err := e.client.CallContract(context.Background(), ethereum.CallMsg{To: &to, Data: data}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) balance(t *testing.T, who common.Address) *big.Int {
	t.Helper()
	v, err := e.token.UnpackBalanceOf(e.call(t, e.addrs.Token, e.token.PackBalanceOf(who)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (e *env) claim(ctx context.Context, k *ecdsa.PrivateKey, amount *big.Int, sig []byte) (*types.Receipt, error) {
	return e.sender(k).SendAndWait(ctx, &e.addrs.RewardPool, nil, e.pool.PackClaim(amount, sig))
}

func sigBytes(t *testing.T, e *env, acct common.Address, amount *big.Int, key *ecdsa.PrivateKey, d voucher.Domain) []byte {
	t.Helper()
	v, err := voucher.Sign(key, d, acct, amount)
	if err != nil {
		t.Fatal(err)
	}
	p, err := voucher.Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	return p.Signature
}

func wantRevert(t *testing.T, err error, reason string) {
	t.Helper()
	if !errors.Is(err, contracts.ErrReverted) || !strings.Contains(err.Error(), reason) {
		t.Fatalf("got %v, want a revert with %q", err, reason)
	}
}

func TestTokenMetadata(t *testing.T) {
	e := newEnv(t)
	name, _ := e.token.UnpackName(e.call(t, e.addrs.Token, e.token.PackName()))
	dec, _ := e.token.UnpackDecimals(e.call(t, e.addrs.Token, e.token.PackDecimals()))
	if name != "Idle Token" || dec != contracts.Decimals {
		t.Fatalf("name %q decimals %d", name, dec)
	}
	if got := e.balance(t, e.addrs.RewardPool); got.Cmp(tokens(10_000)) != 0 {
		t.Fatalf("pool holds %s", got)
	}
}

func TestClaim(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	node := crypto.PubkeyToAddress(e.node.PublicKey)
	d := e.vsigner.Domain()

	v, _ := e.vsigner.SignVoucher(ctx, node, tokens(5))
	p, _ := voucher.Parse(v)
	r, err := e.claim(ctx, e.node, p.Cumulative, p.Signature)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gas used: claim %d", r.GasUsed)
	if got := e.balance(t, node); got.Cmp(tokens(5)) != 0 {
		t.Fatalf("after claim balance %s, want 5 tokens", got)
	}

	// The same voucher again pays nothing more.
	_, err = e.claim(ctx, e.node, p.Cumulative, p.Signature)
	wantRevert(t, err, "NothingToClaim")
	if got := e.balance(t, node); got.Cmp(tokens(5)) != 0 {
		t.Fatalf("after replay balance %s, want 5 tokens", got)
	}

	// A later voucher pays only the difference, here to a payout address.
	payout := common.HexToAddress("0x00000000000000000000000000000000000000f0")
	sig := sigBytes(t, e, node, tokens(8), e.signer, d)
	if _, err := e.sender(e.node).SendAndWait(ctx, &e.addrs.RewardPool, nil, e.pool.PackClaimTo(tokens(8), sig, payout)); err != nil {
		t.Fatal(err)
	}
	if got := e.balance(t, payout); got.Cmp(tokens(3)) != 0 {
		t.Fatalf("payout got %s, want 3 tokens", got)
	}
	claimed, _ := e.pool.UnpackClaimed(e.call(t, e.addrs.RewardPool, e.pool.PackClaimed(node)))
	if claimed.Cmp(tokens(8)) != 0 {
		t.Fatalf("claimed %s, want 8 tokens", claimed)
	}

	// The contract's digest equals the Go one.
	onChain := e.call(t, e.addrs.RewardPool, e.pool.PackVoucherDigest(node, tokens(8)))
	if want := voucher.Digest(d, node, tokens(8)); common.BytesToHash(onChain) != want {
		t.Fatalf("on-chain digest %x, Go %x", onChain, want)
	}
}

func TestClaimRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	node := crypto.PubkeyToAddress(e.node.PublicKey)
	d := e.vsigner.Domain()
	forger, _ := crypto.GenerateKey()
	stranger, _ := crypto.GenerateKey()
	cases := []struct {
		name   string
		sig    []byte
		amount *big.Int
		reason string
	}{
		{"forged by another key", sigBytes(t, e, node, tokens(5), forger, d), tokens(5), "WrongSigner"},
		{"foreign chain id", sigBytes(t, e, node, tokens(5), e.signer, voucher.Domain{ChainID: 1, RewardPool: d.RewardPool}), tokens(5), "WrongSigner"},
		{"foreign contract", sigBytes(t, e, node, tokens(5), e.signer, voucher.Domain{ChainID: d.ChainID, RewardPool: e.addrs.Staking}), tokens(5), "WrongSigner"},
		{"someone else's voucher", sigBytes(t, e, crypto.PubkeyToAddress(stranger.PublicKey), tokens(5), e.signer, d), tokens(5), "WrongSigner"},
		{"amount raised", sigBytes(t, e, node, tokens(5), e.signer, d), tokens(6), "WrongSigner"},
		{"short signature", []byte{1, 2, 3}, tokens(5), "BadSignature"},
		{"zero cumulative", sigBytes(t, e, node, big.NewInt(0), e.signer, d), big.NewInt(0), "NothingToClaim"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.claim(ctx, e.node, c.amount, c.sig)
			wantRevert(t, err, c.reason)
		})
	}
	if got := e.balance(t, node); got.Sign() != 0 {
		t.Fatalf("refused claims paid %s", got)
	}
}

func TestStakeUnstakeWithdraw(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	node := crypto.PubkeyToAddress(e.node.PublicKey)
	// Give the node 100 tokens.
	if _, err := e.sender(e.deployer).SendAndWait(ctx, &e.addrs.Token, nil, e.token.PackTransfer(node, tokens(100))); err != nil {
		t.Fatal(err)
	}
	s := e.sender(e.node)
	if _, err := s.SendAndWait(ctx, &e.addrs.Token, nil, e.token.PackApprove(e.addrs.Staking, tokens(60))); err != nil {
		t.Fatal(err)
	}
	r, err := s.SendAndWait(ctx, &e.addrs.Staking, nil, e.staking.PackStake(tokens(60)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gas used: stake %d", r.GasUsed)
	op := contracts.NewOperator(e.client, e.addrs.Staking, nil)
	if st, err := op.StakeOf(ctx, node); err != nil || st.Cmp(tokens(60)) != 0 {
		t.Fatalf("stake %v %v", st, err)
	}
	_, err = s.SendAndWait(ctx, &e.addrs.Staking, nil, e.staking.PackRequestUnstake(tokens(61)))
	wantRevert(t, err, "InsufficientStake")

	r, err = s.SendAndWait(ctx, &e.addrs.Staking, nil, e.staking.PackRequestUnstake(tokens(20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gas used: requestUnstake %d", r.GasUsed)
	_, err = s.SendAndWait(ctx, &e.addrs.Staking, nil, e.staking.PackWithdraw())
	wantRevert(t, err, "CooldownNotOver")

	if err := e.sim.AdjustTime(cooldown * time.Second); err != nil {
		t.Fatal(err)
	}
	r, err = s.SendAndWait(ctx, &e.addrs.Staking, nil, e.staking.PackWithdraw())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gas used: withdraw %d", r.GasUsed)
	if got := e.balance(t, node); got.Cmp(tokens(60)) != 0 {
		t.Fatalf("balance after withdraw %s, want 60 tokens", got)
	}
	_, err = s.SendAndWait(ctx, &e.addrs.Staking, nil, e.staking.PackWithdraw())
	wantRevert(t, err, "NothingToWithdraw")
	if st, _ := op.StakeOf(ctx, node); st.Cmp(tokens(40)) != 0 {
		t.Fatalf("stake after withdraw %s, want 40", st)
	}
}

func TestSlash(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	node := crypto.PubkeyToAddress(e.node.PublicKey)
	deployer := crypto.PubkeyToAddress(e.deployer.PublicKey) // the treasury
	ds := e.sender(e.deployer)
	if _, err := ds.SendAndWait(ctx, &e.addrs.Token, nil, e.token.PackTransfer(node, tokens(10))); err != nil {
		t.Fatal(err)
	}
	s := e.sender(e.node)
	if _, err := s.SendAndWait(ctx, &e.addrs.Token, nil, e.token.PackApprove(e.addrs.Staking, tokens(10))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendAndWait(ctx, &e.addrs.Staking, nil, e.staking.PackStake(tokens(10))); err != nil {
		t.Fatal(err)
	}
	// A node running away: most of the stake is cooling down.
	if _, err := s.SendAndWait(ctx, &e.addrs.Staking, nil, e.staking.PackRequestUnstake(tokens(7))); err != nil {
		t.Fatal(err)
	}

	evidence := []byte(`{"job":"j1","hashes":["aa","bb"]}`)
	stranger := contracts.NewOperator(e.client, e.addrs.Staking, e.node)
	wantRevert(t, stranger.Slash(ctx, node, tokens(1), evidence), "NotSlasher")
	deployerOp := contracts.NewOperator(e.client, e.addrs.Staking, e.deployer)
	wantRevert(t, deployerOp.Slash(ctx, node, tokens(1), evidence), "NotSlasher")

	treasuryBefore := e.balance(t, deployer)
	op := contracts.NewOperator(e.client, e.addrs.Staking, e.slasher)
	wantRevert(t, op.Slash(ctx, node, tokens(11), evidence), "InsufficientStake")
	if err := op.Slash(ctx, node, tokens(5), evidence); err != nil {
		t.Fatal(err)
	}
	if st, _ := op.StakeOf(ctx, node); st.Sign() != 0 {
		t.Fatalf("active stake %s after slash, want 0", st)
	}
	u, _ := e.staking.UnpackUnstakeOf(e.call(t, e.addrs.Staking, e.staking.PackUnstakeOf(node)))
	if u.Amount.Cmp(tokens(5)) != 0 {
		t.Fatalf("cooling stake %s, want 5 tokens", u.Amount)
	}
	if got := new(big.Int).Sub(e.balance(t, deployer), treasuryBefore); got.Cmp(tokens(5)) != 0 {
		t.Fatalf("treasury got %s, want 5 tokens", got)
	}
	// The evidence is on chain in the Slashed event.
	logs, err := e.client.FilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{e.addrs.Staking}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := range logs {
		if ev, err := e.staking.UnpackSlashedEvent(&logs[i]); err == nil {
			found = ev.Node == node && string(ev.Evidence) == string(evidence)
		}
	}
	if !found {
		t.Fatal("no Slashed event with the evidence")
	}
}

func TestDecodeRevert(t *testing.T) {
	if _, ok := contracts.DecodeRevert([]byte{1, 2}); ok {
		t.Fatal("decoded 2 bytes")
	}
	if _, ok := contracts.DecodeRevert([]byte{0xde, 0xad, 0xbe, 0xef, 0}); ok {
		t.Fatal("decoded an unknown selector")
	}
	id := bindings.StakingNotSlasherErrorID()
	if got, ok := contracts.DecodeRevert(id[:4]); !ok || got != "NotSlasher()" {
		t.Fatalf("got %q %v", got, ok)
	}
}

func TestInsufficientFunds(t *testing.T) {
	e := newEnv(t)
	poor, _ := crypto.GenerateKey()
	to := crypto.PubkeyToAddress(e.node.PublicKey)
	_, err := e.sender(poor).Send(context.Background(), &to, big.NewInt(1), nil)
	if !errors.Is(err, contracts.ErrInsufficientFunds) {
		t.Fatalf("got %v, want ErrInsufficientFunds", err)
	}
}
