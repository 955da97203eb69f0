package coordinator

import (
	"context"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/protocol"
)

// VoucherSigner signs "account has earned cumulative in total" for the
// RewardPool. Implemented by the wallet side; nil turns vouchers off (GET
// /v1/vouchers answers 404 vouchers_disabled). It must be safe for
// concurrent use; cumulative is in base units.
type VoucherSigner interface {
	SignVoucher(ctx context.Context, account common.Address, cumulative *big.Int) (protocol.Voucher, error)
}

// StakeReader reads a node's stake in base units from the chain. The
// coordinator caches answers for Config.StakeCacheTTL. nil means no node
// has stake.
type StakeReader interface {
	StakeOf(ctx context.Context, node common.Address) (*big.Int, error)
}

// Slasher takes amount of a staked node's stake for a wrong result.
// evidence is JSON: {"job_id", "accepted_hash", "node_hash"}. nil turns
// slashing off. Called from a background goroutine, once per rejected
// replica of a staked node.
type Slasher interface {
	Slash(ctx context.Context, node common.Address, amount *big.Int, evidence []byte) error
}

// PoolReader reads the RewardPool that pays this coordinator's vouchers:
// its token balance now, and the total it has paid out on claims so far.
// Their sum is everything the pool can ever pay, and it never shrinks
// (tokens leave the pool only through claims), so an old answer is a safe
// lower bound. The coordinator caches answers for Config.PoolCacheTTL.
// nil means no pool: credits are not limited by one.
type PoolReader interface {
	PoolFunds(ctx context.Context) (balance, claimed *big.Int, err error)
}
