package wallet

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/contracts/bindings"
	"github.com/idlenode/idlenode/contracts/voucher"
	"github.com/idlenode/idlenode/protocol"
)

// VoucherSource hands out the latest reward voucher for an account (the
// coordinator client implements it).
type VoucherSource interface {
	Voucher(ctx context.Context, account common.Address) (protocol.Voucher, error)
}

// Errors of chain operations; the contracts package's ErrReverted,
// ErrInsufficientFunds, ErrRPCDown and ErrWrongChain come through too.
var (
	ErrNothingToClaim   = errors.New("nothing to claim: the voucher pays nothing more than already claimed")
	ErrVoucherNotForYou = errors.New("voucher is for another account")
	ErrCooldown         = errors.New("unstake cooldown not over")
	ErrNothingUnstaked  = errors.New("nothing waiting to be withdrawn")
	ErrNotEnoughTokens  = errors.New("not enough tokens")
	ErrNetwork          = errors.New("network descriptor incomplete")
	// ErrPoolEmpty means the network's RewardPool holds too few tokens to
	// pay a claim: not the owner's doing.
	ErrPoolEmpty = errors.New("the network's reward pool cannot pay now")
)

// Re-exported so callers need not import contracts.
var (
	ErrReverted          = contracts.ErrReverted
	ErrInsufficientFunds = contracts.ErrInsufficientFunds
	ErrRPCDown           = contracts.ErrRPCDown
	ErrWrongChain        = contracts.ErrWrongChain
)

// Chain is the wallet connected to one network's chain over JSON-RPC.
type Chain struct {
	w       *Wallet
	b       contracts.Backend
	closer  func()
	net     protocol.Network
	chainID *big.Int
	addrs   contracts.Addresses
	token   *bindings.RewardToken
	staking *bindings.Staking
	pool    *bindings.RewardPool

	txMu sync.Mutex // one transaction at a time: nonces come from the pending count
}

// Connect dials n.RPCURL and checks that it serves n.ChainID.
func (w *Wallet) Connect(ctx context.Context, n protocol.Network) (*Chain, error) {
	if n.RPCURL == "" {
		return nil, fmt.Errorf("connect: %w: no rpc_url", ErrNetwork)
	}
	cl, err := ethclient.DialContext(ctx, n.RPCURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", n.RPCURL, contracts.ClassifyError(err))
	}
	c, err := w.ConnectBackend(ctx, cl, n)
	if err != nil {
		cl.Close()
		return nil, err
	}
	c.closer = cl.Close
	return c, nil
}

// ConnectBackend uses an existing client (in-process chains, tests).
func (w *Wallet) ConnectBackend(ctx context.Context, b contracts.Backend, n protocol.Network) (*Chain, error) {
	for what, a := range map[string]string{"token": n.Token, "staking": n.Staking, "reward_pool": n.RewardPool} {
		if !common.IsHexAddress(a) {
			return nil, fmt.Errorf("connect: %w: %s %q is not an address", ErrNetwork, what, a)
		}
	}
	id, err := b.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: read chain id: %w", n.RPCURL, contracts.ClassifyError(err))
	}
	if n.ChainID != 0 && id.Uint64() != n.ChainID {
		return nil, fmt.Errorf("connect to %s: %w: it serves chain %d, the network says %d", n.RPCURL, ErrWrongChain, id, n.ChainID)
	}
	return &Chain{
		w: w, b: b, closer: func() {}, net: n, chainID: id,
		addrs: contracts.Addresses{
			Token: common.HexToAddress(n.Token), Staking: common.HexToAddress(n.Staking),
			RewardPool: common.HexToAddress(n.RewardPool),
		},
		token: bindings.NewRewardToken(), staking: bindings.NewStaking(), pool: bindings.NewRewardPool(),
	}, nil
}

// tokens writes base units as tokens with the network's symbol, "0.5 IDLE".
func (c *Chain) tokens(v *big.Int) string {
	dec, sym := c.net.TokenDecimals, c.net.TokenSymbol
	if dec == 0 {
		dec = 18
	}
	if sym == "" {
		sym = "tokens"
	}
	return FormatAmount(v, dec) + " " + sym
}

// Close closes the connection.
func (c *Chain) Close() { c.closer() }

// Network is the descriptor the Chain was connected with.
func (c *Chain) Network() protocol.Network { return c.net }

func (c *Chain) call(ctx context.Context, to common.Address, data []byte) ([]byte, error) {
	out, err := c.b.CallContract(ctx, ethereum.CallMsg{From: c.w.addr, To: &to, Data: data}, nil)
	if err != nil {
		return nil, contracts.ClassifyError(err)
	}
	return out, nil
}

// Balances is a snapshot of the wallet's money, in base units.
type Balances struct {
	Native    *big.Int // native coin for gas, wei
	Token     *big.Int
	Staked    *big.Int
	Unstaking *big.Int // requested, cooling down or ready to withdraw
	// ReleaseAt is when Unstaking can be withdrawn (zero if nothing).
	ReleaseAt time.Time
	// CooldownLeft is ReleaseAt minus the chain's head time, never negative.
	CooldownLeft time.Duration
	Claimed      *big.Int // rewards claimed so far
}

// Balances reads all balances at the head block.
func (c *Chain) Balances(ctx context.Context) (Balances, error) {
	var bs Balances
	var err error
	a := c.w.addr
	if bs.Native, err = c.b.BalanceAt(ctx, a, nil); err != nil {
		return bs, fmt.Errorf("read balance: %w", contracts.ClassifyError(err))
	}
	if bs.Token, err = c.TokenBalance(ctx, a); err != nil {
		return bs, err
	}
	out, err := c.call(ctx, c.addrs.Staking, c.staking.PackStakeOf(a))
	if err == nil {
		bs.Staked, err = c.staking.UnpackStakeOf(out)
	}
	if err != nil {
		return bs, fmt.Errorf("read stake: %w", err)
	}
	out, err = c.call(ctx, c.addrs.Staking, c.staking.PackUnstakeOf(a))
	var u bindings.UnstakeOfOutput
	if err == nil {
		u, err = c.staking.UnpackUnstakeOf(out)
	}
	if err != nil {
		return bs, fmt.Errorf("read unstake: %w", err)
	}
	bs.Unstaking = u.Amount
	if u.Amount.Sign() > 0 {
		bs.ReleaseAt = time.Unix(int64(u.ReleaseAt), 0).UTC()
		head, err := c.b.HeaderByNumber(ctx, nil)
		if err != nil {
			return bs, fmt.Errorf("read head: %w", contracts.ClassifyError(err))
		}
		if left := int64(u.ReleaseAt) - int64(head.Time); left > 0 {
			bs.CooldownLeft = time.Duration(left) * time.Second
		}
	}
	if bs.Claimed, err = c.claimed(ctx); err != nil {
		return bs, err
	}
	return bs, nil
}

// TokenBalance reads who's RewardToken balance.
func (c *Chain) TokenBalance(ctx context.Context, who common.Address) (*big.Int, error) {
	out, err := c.call(ctx, c.addrs.Token, c.token.PackBalanceOf(who))
	if err != nil {
		return nil, fmt.Errorf("read token balance: %w", err)
	}
	v, err := c.token.UnpackBalanceOf(out)
	if err != nil {
		return nil, fmt.Errorf("read token balance: %w", err)
	}
	return v, nil
}

func (c *Chain) claimed(ctx context.Context) (*big.Int, error) {
	out, err := c.call(ctx, c.addrs.RewardPool, c.pool.PackClaimed(c.w.addr))
	if err != nil {
		return nil, fmt.Errorf("read claimed: %w", err)
	}
	v, err := c.pool.UnpackClaimed(out)
	if err != nil {
		return nil, fmt.Errorf("read claimed: %w", err)
	}
	return v, nil
}

// Claimable fetches the latest voucher, checks it as the RewardPool will
// (account, chain, contract, signer) and returns what claiming it would pay.
func (c *Chain) Claimable(ctx context.Context, src VoucherSource) (*big.Int, voucher.Parsed, error) {
	v, err := src.Voucher(ctx, c.w.addr)
	if err != nil {
		return nil, voucher.Parsed{}, fmt.Errorf("fetch voucher: %w", err)
	}
	out, err := c.call(ctx, c.addrs.RewardPool, c.pool.PackSigner())
	if err != nil {
		return nil, voucher.Parsed{}, fmt.Errorf("read voucher signer: %w", err)
	}
	signer, err := c.pool.UnpackSigner(out)
	if err != nil {
		return nil, voucher.Parsed{}, fmt.Errorf("read voucher signer: %w", err)
	}
	p, err := voucher.Verify(v, voucher.Domain{ChainID: c.chainID.Uint64(), RewardPool: c.addrs.RewardPool}, signer)
	if err != nil {
		return nil, p, fmt.Errorf("check voucher: %w", err)
	}
	if p.Account != c.w.addr {
		return nil, p, fmt.Errorf("check voucher: %w: %s", ErrVoucherNotForYou, p.Account.Hex())
	}
	claimed, err := c.claimed(ctx)
	if err != nil {
		return nil, p, err
	}
	left := new(big.Int).Sub(p.Cumulative, claimed)
	if left.Sign() < 0 {
		left.SetInt64(0)
	}
	return left, p, nil
}

// Receipt is what a confirmed operation reports.
type Receipt struct {
	Hash    common.Hash
	Block   uint64
	GasUsed uint64
	// Amount moved, base units (claim: tokens paid).
	Amount *big.Int
}

// Claim claims the latest voucher, to the payout address if one is set.
// It returns ErrNothingToClaim, and sends nothing, when the voucher pays no
// more than was already claimed.
func (c *Chain) Claim(ctx context.Context, src VoucherSource) (Receipt, error) {
	amount, p, err := c.Claimable(ctx, src)
	if err != nil {
		return Receipt{}, fmt.Errorf("claim: %w", err)
	}
	if amount.Sign() == 0 {
		return Receipt{}, fmt.Errorf("claim: %w", ErrNothingToClaim)
	}
	// The pool pays from its own balance; when the network has not topped
	// it up the claim would revert with the pool's address in the reason.
	poolHas, err := c.TokenBalance(ctx, c.addrs.RewardPool)
	if err != nil {
		return Receipt{}, fmt.Errorf("claim: %w", err)
	}
	if poolHas.Cmp(amount) < 0 {
		return Receipt{}, fmt.Errorf("claim: %w: it holds %s and this claim pays %s; "+
			"this is not your doing and your earnings stay claimable: try again later or tell the network's operator",
			ErrPoolEmpty, c.tokens(poolHas), c.tokens(amount))
	}
	data := c.pool.PackClaim(p.Cumulative, p.Signature)
	if payout := c.w.Payout(); payout != (common.Address{}) {
		data = c.pool.PackClaimTo(p.Cumulative, p.Signature, payout)
	}
	var r Receipt
	err = c.w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		r, err = c.transact(ctx, k, KindClaim, c.addrs.RewardPool, nil, data, amount)
		return err
	})
	if errors.Is(err, ErrReverted) && contains(err.Error(), "InsufficientBalance") {
		// Drained between the check above and the transaction.
		return r, fmt.Errorf("claim: %w: this is not your doing and your earnings stay claimable: "+
			"try again later or tell the network's operator", ErrPoolEmpty)
	}
	if err != nil {
		return r, fmt.Errorf("claim: %w", err)
	}
	return r, nil
}

// Stake approves the Staking contract where needed and stakes amount.
func (c *Chain) Stake(ctx context.Context, amount *big.Int) (Receipt, error) {
	if amount == nil || amount.Sign() <= 0 {
		return Receipt{}, fmt.Errorf("stake: %w: must be positive", ErrBadAmount)
	}
	bal, err := c.TokenBalance(ctx, c.w.addr)
	if err != nil {
		return Receipt{}, fmt.Errorf("stake: %w", err)
	}
	if bal.Cmp(amount) < 0 {
		return Receipt{}, fmt.Errorf("stake: %w: only %s in the wallet, %s wanted", ErrNotEnoughTokens, c.tokens(bal), c.tokens(amount))
	}
	out, err := c.call(ctx, c.addrs.Token, c.token.PackAllowance(c.w.addr, c.addrs.Staking))
	var allowed *big.Int
	if err == nil {
		allowed, err = c.token.UnpackAllowance(out)
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("stake: read allowance: %w", err)
	}
	var r Receipt
	err = c.w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		if allowed.Cmp(amount) < 0 {
			if _, err := c.transact(ctx, k, KindApprove, c.addrs.Token, nil,
				c.token.PackApprove(c.addrs.Staking, amount), amount); err != nil {
				return err
			}
		}
		r, err = c.transact(ctx, k, KindStake, c.addrs.Staking, nil, c.staking.PackStake(amount), amount)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("stake: %w", err)
	}
	return r, nil
}

// RequestUnstake starts the cooldown for amount of the stake.
func (c *Chain) RequestUnstake(ctx context.Context, amount *big.Int) (Receipt, error) {
	if amount == nil || amount.Sign() <= 0 {
		return Receipt{}, fmt.Errorf("unstake: %w: must be positive", ErrBadAmount)
	}
	out, err := c.call(ctx, c.addrs.Staking, c.staking.PackStakeOf(c.w.addr))
	var staked *big.Int
	if err == nil {
		staked, err = c.staking.UnpackStakeOf(out)
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("unstake: read stake: %w", err)
	}
	if staked.Cmp(amount) < 0 {
		return Receipt{}, fmt.Errorf("unstake: %w: only %s staked, %s wanted", ErrNotEnoughTokens, c.tokens(staked), c.tokens(amount))
	}
	var r Receipt
	err = c.w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		var err error
		r, err = c.transact(ctx, k, KindUnstake, c.addrs.Staking, nil, c.staking.PackRequestUnstake(amount), amount)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("unstake: %w", err)
	}
	return r, nil
}

// Withdraw pays out unstaked tokens after the cooldown; ErrCooldown (with
// the time left) before, ErrNothingUnstaked when there is nothing.
func (c *Chain) Withdraw(ctx context.Context) (Receipt, error) {
	bs, err := c.Balances(ctx)
	if err != nil {
		return Receipt{}, fmt.Errorf("withdraw: %w", err)
	}
	if bs.Unstaking.Sign() == 0 {
		return Receipt{}, fmt.Errorf("withdraw: %w", ErrNothingUnstaked)
	}
	if bs.CooldownLeft > 0 {
		return Receipt{}, fmt.Errorf("withdraw: %w: %s left (at %s)", ErrCooldown, bs.CooldownLeft, bs.ReleaseAt.Format(time.RFC3339))
	}
	var r Receipt
	err = c.w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		r, err = c.transact(ctx, k, KindWithdraw, c.addrs.Staking, nil, c.staking.PackWithdraw(), bs.Unstaking)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("withdraw: %w", err)
	}
	return r, nil
}

// Send sends amount wei of native coin to `to`.
func (c *Chain) Send(ctx context.Context, to common.Address, amount *big.Int) (Receipt, error) {
	if amount == nil || amount.Sign() <= 0 {
		return Receipt{}, fmt.Errorf("send: %w: must be positive", ErrBadAmount)
	}
	if to == (common.Address{}) {
		return Receipt{}, fmt.Errorf("send: %w: the zero address burns whatever is sent to it", ErrBadAddress)
	}
	var r Receipt
	err := c.w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		var err error
		r, err = c.transact(ctx, k, KindSend, to, amount, nil, amount)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("send: %w", err)
	}
	return r, nil
}

// SendToken sends amount base units of RewardToken to `to`.
func (c *Chain) SendToken(ctx context.Context, to common.Address, amount *big.Int) (Receipt, error) {
	if amount == nil || amount.Sign() <= 0 {
		return Receipt{}, fmt.Errorf("send tokens: %w: must be positive", ErrBadAmount)
	}
	if to == (common.Address{}) {
		return Receipt{}, fmt.Errorf("send tokens: %w: the zero address burns whatever is sent to it", ErrBadAddress)
	}
	bal, err := c.TokenBalance(ctx, c.w.addr)
	if err != nil {
		return Receipt{}, fmt.Errorf("send tokens: %w", err)
	}
	if bal.Cmp(amount) < 0 {
		return Receipt{}, fmt.Errorf("send tokens: %w: only %s in the wallet, %s wanted", ErrNotEnoughTokens, c.tokens(bal), c.tokens(amount))
	}
	var r Receipt
	err = c.w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		r, err = c.transact(ctx, k, KindSendToken, c.addrs.Token, nil, c.token.PackTransfer(to, amount), amount)
		return err
	})
	if err != nil {
		return r, fmt.Errorf("send tokens: %w", err)
	}
	return r, nil
}

// transact sends one transaction, records it in the history as pending,
// waits for the receipt and records the outcome.
func (c *Chain) transact(ctx context.Context, k *ecdsa.PrivateKey, kind TxKind, to common.Address,
	value *big.Int, data []byte, amount *big.Int) (Receipt, error) {
	c.txMu.Lock()
	defer c.txMu.Unlock()
	s := contracts.NewSender(c.b, crypto.PubkeyToAddress(k.PublicKey), contracts.KeySigner(k))
	tx, err := s.Send(ctx, &to, value, data)
	if err != nil {
		return Receipt{}, mapRevert(err)
	}
	entry := Tx{Hash: tx.Hash().Hex(), Kind: kind, ChainID: c.chainID.Uint64(), To: to.Hex(), Status: TxPending}
	if amount != nil {
		entry.Amount = amount.String()
	}
	if err := c.w.record(entry); err != nil {
		c.w.opts.Log.Warn("Transaction not recorded in history", "hash", entry.Hash, "err", err)
	}
	rc, werr := s.Wait(ctx, tx)
	r := Receipt{Hash: tx.Hash(), Amount: amount}
	if rc != nil {
		r.Block, r.GasUsed = rc.BlockNumber.Uint64(), rc.GasUsed
		entry.Block, entry.GasUsed = r.Block, r.GasUsed
		entry.Status = TxConfirmed
		if rc.Status != types.ReceiptStatusSuccessful {
			entry.Status = TxFailed
		}
	}
	if werr != nil && rc != nil {
		entry.Error = werr.Error()
	}
	if rc != nil {
		if err := c.w.record(entry); err != nil {
			c.w.opts.Log.Warn("Transaction not recorded in history", "hash", entry.Hash, "err", err)
		}
	}
	c.w.opts.Log.Info("Transaction sent", "kind", string(kind), "hash", entry.Hash, "status", string(entry.Status))
	if werr != nil {
		return r, mapRevert(werr)
	}
	return r, nil
}

// RefreshHistory looks up the receipts of this chain's transactions still
// marked pending (for example after the program stopped while waiting) and
// records their outcome. It returns how many it updated.
func (c *Chain) RefreshHistory(ctx context.Context) (int, error) {
	txs, err := c.w.History()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range txs {
		if t.Status != TxPending || t.ChainID != c.chainID.Uint64() {
			continue
		}
		rc, err := c.b.TransactionReceipt(ctx, common.HexToHash(t.Hash))
		if errors.Is(err, ethereum.NotFound) {
			continue
		}
		if err != nil {
			return n, fmt.Errorf("refresh history: %w", contracts.ClassifyError(err))
		}
		t.Block, t.GasUsed, t.Status = rc.BlockNumber.Uint64(), rc.GasUsed, TxConfirmed
		if rc.Status != types.ReceiptStatusSuccessful {
			t.Status = TxFailed
		}
		if err := c.w.record(t); err != nil {
			return n, fmt.Errorf("refresh history: %w", err)
		}
		n++
	}
	return n, nil
}

// mapRevert adds the wallet's sentinels to well-known contract refusals.
func mapRevert(err error) error {
	if !errors.Is(err, contracts.ErrReverted) {
		return err
	}
	msg := err.Error()
	switch {
	case contains(msg, "NothingToClaim"):
		return errors.Join(ErrNothingToClaim, err)
	case contains(msg, "CooldownNotOver"):
		return errors.Join(ErrCooldown, err)
	case contains(msg, "NothingToWithdraw"):
		return errors.Join(ErrNothingUnstaked, err)
	case contains(msg, "InsufficientBalance"), contains(msg, "InsufficientStake"):
		return errors.Join(ErrNotEnoughTokens, err)
	}
	return err
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// FileVoucher is a VoucherSource reading a voucher JSON file (until the
// coordinator client hands vouchers over the network).
type FileVoucher string

var _ VoucherSource = FileVoucher("")

// Voucher implements VoucherSource.
func (f FileVoucher) Voucher(_ context.Context, _ common.Address) (protocol.Voucher, error) {
	var v protocol.Voucher
	b, err := os.ReadFile(string(f))
	if err != nil {
		return v, fmt.Errorf("read voucher: %w", err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("read voucher %s: %w", string(f), err)
	}
	return v, nil
}
