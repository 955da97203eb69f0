package contracts

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/contracts/bindings"
)

// DeployParams configures a fresh set of contracts.
type DeployParams struct {
	TokenName   string
	TokenSymbol string
	// Supply is minted to the deployer, in base units (18 decimals).
	Supply *big.Int
	// Cooldown is the unstake cooldown in seconds.
	Cooldown uint64
	// Slasher may slash stake; VoucherSigner signs reward vouchers.
	Slasher       common.Address
	VoucherSigner common.Address
	// Treasury receives slashed stake; the deployer if zero.
	Treasury common.Address
	// PoolFunding is moved from the deployer to the RewardPool after
	// deployment; may be nil.
	PoolFunding *big.Int
}

// Addresses are where the three contracts live.
type Addresses struct {
	Token      common.Address
	Staking    common.Address
	RewardPool common.Address
}

// Decimals of RewardToken.
const Decimals = 18

// Deploy deploys RewardToken, Staking and RewardPool from key's account and
// funds the pool, waiting for each receipt. The deployer's nonce must not be
// used by anyone else meanwhile.
func Deploy(ctx context.Context, b Backend, key *ecdsa.PrivateKey, p DeployParams) (Addresses, error) {
	var a Addresses
	if p.Supply == nil || p.Supply.Sign() <= 0 {
		return a, fmt.Errorf("deploy contracts: supply must be positive")
	}
	from := crypto.PubkeyToAddress(key.PublicKey)
	if p.Treasury == (common.Address{}) {
		p.Treasury = from
	}
	s := NewSender(b, from, KeySigner(key))
	deploy := func(what string, bin string, args []byte) (common.Address, error) {
		code := append(common.FromHex(bin), args...)
		r, err := s.SendAndWait(ctx, nil, nil, code)
		if err != nil {
			return common.Address{}, fmt.Errorf("deploy %s: %w", what, err)
		}
		return r.ContractAddress, nil
	}
	var err error
	if a.Token, err = deploy("RewardToken", bindings.RewardTokenMetaData.Bin,
		bindings.NewRewardToken().PackConstructor(p.TokenName, p.TokenSymbol, p.Supply, from)); err != nil {
		return a, err
	}
	if a.Staking, err = deploy("Staking", bindings.StakingMetaData.Bin,
		bindings.NewStaking().PackConstructor(a.Token, p.Cooldown, p.Slasher, p.Treasury)); err != nil {
		return a, err
	}
	if a.RewardPool, err = deploy("RewardPool", bindings.RewardPoolMetaData.Bin,
		bindings.NewRewardPool().PackConstructor(a.Token, p.VoucherSigner)); err != nil {
		return a, err
	}
	if p.PoolFunding != nil && p.PoolFunding.Sign() > 0 {
		data := bindings.NewRewardToken().PackTransfer(a.RewardPool, p.PoolFunding)
		if _, err := s.SendAndWait(ctx, &a.Token, nil, data); err != nil {
			return a, fmt.Errorf("fund reward pool: %w", err)
		}
	}
	return a, nil
}
