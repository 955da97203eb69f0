package contracts

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Backend is what sending and reading need from a chain: an
// *ethclient.Client or the simulated backend's client.
type Backend interface {
	bind.ContractBackend
	ethereum.TransactionReader
	ethereum.ChainIDReader
	ethereum.ChainStateReader
}

var (
	// ErrReverted means the contract refused the call; the error text
	// carries the decoded reason.
	ErrReverted = errors.New("transaction reverted")
	// ErrInsufficientFunds means the account cannot pay value plus gas.
	ErrInsufficientFunds = errors.New("not enough native coin to pay for gas")
	// ErrRPCDown means the chain's JSON-RPC endpoint could not be reached.
	ErrRPCDown = errors.New("chain RPC unreachable")
	// ErrWrongChain means the endpoint serves another chain than expected.
	ErrWrongChain = errors.New("RPC serves a different chain")
)

// TxSigner signs a transaction for the sender's account. Implementations
// must not keep decrypted keys longer than the call.
type TxSigner func(ctx context.Context, tx *types.Transaction, chainID *big.Int) (*types.Transaction, error)

// KeySigner signs with an in-memory key (deployers, the coordinator's
// operator key, tests).
func KeySigner(key *ecdsa.PrivateKey) TxSigner {
	return func(_ context.Context, tx *types.Transaction, chainID *big.Int) (*types.Transaction, error) {
		return types.SignTx(tx, types.LatestSignerForChainID(chainID), key)
	}
}

// Sender sends transactions from one account: estimates gas, picks fees,
// assigns nonces (one at a time per Sender), signs, sends and waits.
type Sender struct {
	b    Backend
	from common.Address
	sign TxSigner
	// Poll is the longest wait between two receipt lookups.
	Poll time.Duration

	mu      sync.Mutex
	chainID *big.Int
}

// NewSender returns a Sender for from, signing with sign.
func NewSender(b Backend, from common.Address, sign TxSigner) *Sender {
	return &Sender{b: b, from: from, sign: sign, Poll: time.Second}
}

// From is the sending account.
func (s *Sender) From() common.Address { return s.from }

// ChainID asks the backend once and remembers the answer.
func (s *Sender) ChainID(ctx context.Context) (*big.Int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chainIDLocked(ctx)
}

func (s *Sender) chainIDLocked(ctx context.Context) (*big.Int, error) {
	if s.chainID != nil {
		return s.chainID, nil
	}
	id, err := s.b.ChainID(ctx)
	if err != nil {
		return nil, fmt.Errorf("read chain id: %w", ClassifyError(err))
	}
	s.chainID = id
	return id, nil
}

// Send builds, signs and sends a transaction to `to` (nil deploys data as
// code) with value wei; it returns once the node accepted it. Gas is
// estimated first, so a call the contract would refuse fails here with
// ErrReverted and its reason, and nothing is sent.
func (s *Sender) Send(ctx context.Context, to *common.Address, value *big.Int, data []byte) (*types.Transaction, error) {
	if value == nil {
		value = new(big.Int)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	chainID, err := s.chainIDLocked(ctx)
	if err != nil {
		return nil, err
	}
	msg := ethereum.CallMsg{From: s.from, To: to, Value: value, Data: data}
	gas, err := s.b.EstimateGas(ctx, msg)
	if err != nil {
		return nil, fmt.Errorf("estimate gas: %w", ClassifyError(err))
	}
	gas = gas * 6 / 5 // headroom: state may move between estimate and inclusion
	head, err := s.b.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read head: %w", ClassifyError(err))
	}
	var tip, feeCap *big.Int
	if head.BaseFee != nil {
		if tip, err = s.b.SuggestGasTipCap(ctx); err != nil {
			return nil, fmt.Errorf("suggest tip: %w", ClassifyError(err))
		}
		feeCap = new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	} else if feeCap, err = s.b.SuggestGasPrice(ctx); err != nil { // a chain without EIP-1559
		return nil, fmt.Errorf("suggest gas price: %w", ClassifyError(err))
	}
	nonce, err := s.b.PendingNonceAt(ctx, s.from)
	if err != nil {
		return nil, fmt.Errorf("read nonce: %w", ClassifyError(err))
	}
	bal, err := s.b.BalanceAt(ctx, s.from, nil)
	if err != nil {
		return nil, fmt.Errorf("read balance: %w", ClassifyError(err))
	}
	need := new(big.Int).Add(value, new(big.Int).Mul(feeCap, new(big.Int).SetUint64(gas)))
	if bal.Cmp(need) < 0 {
		return nil, fmt.Errorf("%w: have %s wei, need up to %s wei", ErrInsufficientFunds, bal, need)
	}
	var tx *types.Transaction
	if tip != nil {
		tx = types.NewTx(&types.DynamicFeeTx{
			ChainID: chainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap,
			Gas: gas, To: to, Value: value, Data: data,
		})
	} else {
		tx = types.NewTx(&types.LegacyTx{Nonce: nonce, GasPrice: feeCap, Gas: gas, To: to, Value: value, Data: data})
	}
	signed, err := s.sign(ctx, tx, chainID)
	if err != nil {
		return nil, fmt.Errorf("sign transaction: %w", err)
	}
	if err := s.b.SendTransaction(ctx, signed); err != nil {
		return nil, fmt.Errorf("send transaction: %w", ClassifyError(err))
	}
	return signed, nil
}

// Wait polls until tx is mined and returns its receipt. A failed
// transaction returns the receipt and an ErrReverted carrying the reason
// (found by replaying the call on the block before).
func (s *Sender) Wait(ctx context.Context, tx *types.Transaction) (*types.Receipt, error) {
	// Start fast (a dev chain seals within milliseconds), back off to Poll.
	delay := min(10*time.Millisecond, s.Poll)
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		r, err := s.b.TransactionReceipt(ctx, tx.Hash())
		if err == nil {
			if r.Status == types.ReceiptStatusSuccessful {
				return r, nil
			}
			return r, s.revertReason(ctx, tx, r)
		}
		if !errors.Is(err, ethereum.NotFound) {
			if c := ClassifyError(err); errors.Is(c, ErrRPCDown) {
				return nil, fmt.Errorf("wait for receipt: %w", c)
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for receipt of %s: %w", tx.Hash().Hex(), ctx.Err())
		case <-t.C:
			delay = min(2*delay, s.Poll)
			t.Reset(delay)
		}
	}
}

// SendAndWait sends and waits for the receipt.
func (s *Sender) SendAndWait(ctx context.Context, to *common.Address, value *big.Int, data []byte) (*types.Receipt, error) {
	tx, err := s.Send(ctx, to, value, data)
	if err != nil {
		return nil, err
	}
	return s.Wait(ctx, tx)
}

func (s *Sender) revertReason(ctx context.Context, tx *types.Transaction, r *types.Receipt) error {
	msg := ethereum.CallMsg{From: s.from, To: tx.To(), Value: tx.Value(), Data: tx.Data(), Gas: tx.Gas()}
	var block *big.Int
	if r.BlockNumber != nil && r.BlockNumber.Sign() > 0 {
		block = new(big.Int).Sub(r.BlockNumber, big.NewInt(1))
	}
	_, err := s.b.CallContract(ctx, msg, block)
	if err == nil {
		return fmt.Errorf("%w: out of gas or state changed (gas used %d of %d)", ErrReverted, r.GasUsed, tx.Gas())
	}
	return ClassifyError(err)
}

// ClassifyError maps a JSON-RPC error to ErrReverted (with the decoded
// reason), ErrInsufficientFunds or ErrRPCDown where it is one of those,
// and returns it unchanged otherwise.
func ClassifyError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrReverted) || errors.Is(err, ErrInsufficientFunds) || errors.Is(err, ErrRPCDown) {
		return err
	}
	var de interface{ ErrorData() interface{} }
	if errors.As(err, &de) {
		if hexData, ok := de.ErrorData().(string); ok {
			if reason, ok := DecodeRevert(common.FromHex(hexData)); ok {
				return fmt.Errorf("%w: %s", ErrReverted, reason)
			}
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "insufficient funds"):
		return fmt.Errorf("%w (%s)", ErrInsufficientFunds, msg)
	case strings.Contains(msg, "execution reverted"):
		return fmt.Errorf("%w: %s", ErrReverted, msg)
	}
	var op *net.OpError
	var ue *url.Error
	if errors.As(err, &op) || errors.As(err, &ue) || errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%w: %v", ErrRPCDown, err)
	}
	return err
}
