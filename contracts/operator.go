package contracts

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/contracts/bindings"
)

// Operator is the network side's view of the Staking contract: it reads a
// node's stake and slashes with the slasher key. It satisfies the
// coordinator's StakeOf/Slash interfaces. Safe for concurrent use.
type Operator struct {
	b       Backend
	staking common.Address
	sender  *Sender
	abi     *bindings.Staking
}

// NewOperator returns an Operator for the Staking contract at staking;
// slasher may be nil for a read-only Operator.
func NewOperator(b Backend, staking common.Address, slasher *ecdsa.PrivateKey) *Operator {
	o := &Operator{b: b, staking: staking, abi: bindings.NewStaking()}
	if slasher != nil {
		o.sender = NewSender(b, crypto.PubkeyToAddress(slasher.PublicKey), KeySigner(slasher))
	}
	return o
}

// StakeOf returns node's active stake in base units (stake cooling down
// after requestUnstake is not counted).
func (o *Operator) StakeOf(ctx context.Context, node common.Address) (*big.Int, error) {
	out, err := o.b.CallContract(ctx, ethereum.CallMsg{To: &o.staking, Data: o.abi.PackStakeOf(node)}, nil)
	if err != nil {
		return nil, fmt.Errorf("read stake: %w", ClassifyError(err))
	}
	v, err := o.abi.UnpackStakeOf(out)
	if err != nil {
		return nil, fmt.Errorf("read stake: %w", err)
	}
	return v, nil
}

// Slash takes amount from node's stake (active first, then cooling down) to
// the treasury and waits for the receipt. evidence is logged on chain.
func (o *Operator) Slash(ctx context.Context, node common.Address, amount *big.Int, evidence []byte) error {
	if o.sender == nil {
		return fmt.Errorf("slash: operator has no slasher key")
	}
	if amount == nil || amount.Sign() <= 0 {
		return fmt.Errorf("slash: amount must be positive")
	}
	if _, err := o.sender.SendAndWait(ctx, &o.staking, nil, o.abi.PackSlash(node, amount, evidence)); err != nil {
		return fmt.Errorf("slash %s: %w", node.Hex(), err)
	}
	return nil
}
