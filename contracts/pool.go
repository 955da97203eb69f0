package contracts

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/contracts/bindings"
)

// PoolReader reads what a RewardPool can pay: its token balance, and the
// total it has paid out, summed from its Claimed events (scanned once,
// then only the new blocks). It satisfies the coordinator's PoolReader.
// Safe for concurrent use.
type PoolReader struct {
	b           Backend
	token, pool common.Address
	// FromBlock is the first block scanned for claims: the pool's
	// deployment block or earlier (default 0).
	FromBlock uint64
	// MaxRange is the most blocks asked for in one log query (default
	// 10000; public endpoints limit it).
	MaxRange uint64
	// Confirmations leaves the newest blocks' claims out of the sum until
	// they are this deep (default 0, for chains without reorgs). Claims
	// left out still lowered the balance, so balance + claimed can only
	// be under what the pool received, never over.
	Confirmations uint64

	mu      sync.Mutex
	next    uint64   // first block not scanned yet
	claimed *big.Int // the Claimed amounts in blocks before next
	tokenAB *bindings.RewardToken
	poolAB  *bindings.RewardPool
}

// NewPoolReader reads the RewardPool at pool, which pays in token.
func NewPoolReader(b Backend, token, pool common.Address) *PoolReader {
	return &PoolReader{b: b, token: token, pool: pool, tokenAB: bindings.NewRewardToken(), poolAB: bindings.NewRewardPool()}
}

// PoolFunds returns the pool's token balance and the total it has paid on
// claims. Claims are summed up to the block the balance is read at (less
// Confirmations), so balance + claimed is what the pool has received in
// all (or less).
func (p *PoolReader) PoolFunds(ctx context.Context) (balance, claimed *big.Int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	head, err := p.b.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read reward pool: %w", ClassifyError(err))
	}
	at := head.Number
	out, err := p.b.CallContract(ctx, ethereum.CallMsg{To: &p.token, Data: p.tokenAB.PackBalanceOf(p.pool)}, at)
	if err != nil {
		return nil, nil, fmt.Errorf("read reward pool balance: %w", ClassifyError(err))
	}
	balance, err = p.tokenAB.UnpackBalanceOf(out)
	if err != nil {
		return nil, nil, fmt.Errorf("read reward pool balance: %w", err)
	}
	if p.claimed == nil {
		p.claimed, p.next = new(big.Int), p.FromBlock
	}
	step := p.MaxRange
	if step == 0 {
		step = 10000
	}
	topic := p.poolAB.GetABI().Events[bindings.RewardPoolClaimedEventName].ID
	last := at.Uint64()
	if last < p.Confirmations {
		return balance, new(big.Int).Set(p.claimed), nil
	}
	last -= p.Confirmations
	for p.next <= last {
		to := min(p.next+step-1, last)
		logs, err := p.b.FilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{p.pool}, Topics: [][]common.Hash{{topic}},
			FromBlock: new(big.Int).SetUint64(p.next), ToBlock: new(big.Int).SetUint64(to)})
		if err != nil {
			return nil, nil, fmt.Errorf("read reward pool claims: %w", ClassifyError(err))
		}
		sum := new(big.Int)
		for i := range logs {
			if logs[i].Removed {
				continue
			}
			ev, err := p.poolAB.UnpackClaimedEvent(&logs[i])
			if err != nil {
				return nil, nil, fmt.Errorf("read reward pool claims: %w", err)
			}
			sum.Add(sum, ev.Amount)
		}
		p.claimed.Add(p.claimed, sum)
		p.next = to + 1
	}
	return balance, new(big.Int).Set(p.claimed), nil
}
