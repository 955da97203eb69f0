package coordinator

import (
	"context"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// MaxStakeTier is the highest stake tier.
const MaxStakeTier = 5

// StakeTier is min(stake / unit, MaxStakeTier): 0 without stake or unit.
func StakeTier(stake, unit *big.Int) int {
	if stake == nil || unit == nil || unit.Sign() <= 0 || stake.Sign() <= 0 {
		return 0
	}
	q := new(big.Int).Quo(stake, unit)
	if q.Cmp(big.NewInt(MaxStakeTier)) > 0 {
		return MaxStakeTier
	}
	return int(q.Int64())
}

// BonusBP is the reward bonus of a tier in basis points: +5% per tier,
// so a credit is reward × (1 + 0.05 × tier), at most +25%.
func BonusBP(tier int) int64 { return int64(tier) * 500 }

// stakeCache remembers StakeOf answers for ttl. Errors count as no stake
// and are not cached, so a chain outage costs bonuses, never jobs.
type stakeCache struct {
	r   StakeReader
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[common.Address]stakeEntry
}

type stakeEntry struct {
	v  *big.Int
	at time.Time
}

func (c *stakeCache) get(ctx context.Context, a common.Address) (*big.Int, error) {
	if c.r == nil {
		return new(big.Int), nil
	}
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[a]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl {
		return e.v, nil
	}
	v, err := c.r.StakeOf(ctx, a)
	if err != nil {
		return new(big.Int), err
	}
	if v == nil {
		v = new(big.Int)
	}
	c.mu.Lock()
	if len(c.m) > 100_000 {
		c.m = map[common.Address]stakeEntry{}
	}
	c.m[a] = stakeEntry{v: v, at: now}
	c.mu.Unlock()
	return v, nil
}
