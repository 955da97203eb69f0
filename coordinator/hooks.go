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
