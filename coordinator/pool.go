package coordinator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/idlenode/idlenode/coordinator/store"
)

// poolCache remembers what the reward pool can pay in total (balance +
// claimed) for ttl. That total never shrinks, so when the chain cannot
// be read the last answer still bounds it from below and is used; only
// a coordinator that never read it refuses jobs.
type poolCache struct {
	r   PoolReader
	ttl time.Duration
	now func() time.Time
	log *slog.Logger

	mu       sync.Mutex // held while reading: one read at a time
	at       time.Time  // of the last successful read
	capacity *big.Int   // balance + claimed at that read
}

var errPoolUnreadable = errors.New("reward pool unreadable")

// get returns the pool's capacity, nil when there is no pool.
func (c *poolCache) get(ctx context.Context) (*big.Int, error) {
	if c.r == nil {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.capacity != nil && now.Sub(c.at) < c.ttl {
		return c.capacity, nil
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	balance, claimed, err := c.r.PoolFunds(rctx)
	cancel()
	if err == nil && (balance == nil || claimed == nil || balance.Sign() < 0 || claimed.Sign() < 0) {
		err = fmt.Errorf("pool reader answered balance %v, claimed %v", balance, claimed)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if c.capacity != nil {
			c.log.Warn("Reward pool read failed; using the last known funds", "err", err, "age", now.Sub(c.at).Round(time.Second).String())
			return c.capacity, nil
		}
		return nil, fmt.Errorf("%w: %w", errPoolUnreadable, err)
	}
	c.capacity, c.at = new(big.Int).Add(balance, claimed), now
	return c.capacity, nil
}

// admit checks a submission's rewards against the maximum per replica and
// gives each job its reserve; it returns the limit for store.CreateJobs.
func (s *Server) admit(ctx context.Context, jobs []store.NewJob) (*big.Int, error) {
	for i := range jobs {
		reward, ok := new(big.Int).SetString(jobs[i].Spec.RewardPerReplica, 10)
		if !ok || reward.Sign() < 0 {
			return nil, badRequest("jobs[%d]: reward_per_replica must be a non-negative integer in base units", i)
		}
		if m := s.cfg.MaxReward; m.Sign() > 0 && reward.Cmp(m) > 0 {
			return nil, &apiError{http.StatusBadRequest, "reward_too_high", fmt.Sprintf(
				"jobs[%d]: reward_per_replica %s is over this coordinator's maximum of %s base units per replica", i, reward, m)}
		}
		jobs[i].Reserve = store.WorstCase(reward, jobs[i].Cap)
	}
	limit, err := s.pool.get(ctx)
	if err != nil {
		if errors.Is(err, errPoolUnreadable) {
			s.log.Warn("Jobs refused: reward pool unreadable", "err", err)
			return nil, &apiError{http.StatusServiceUnavailable, "pool_unavailable",
				"the reward pool's funds cannot be read from the chain, so no job can be admitted; retry later"}
		}
		return nil, err
	}
	return limit, nil
}

// overBudget is the answer to a submission the pool cannot cover.
func (s *Server) overBudget(be *store.BudgetError, jobs []store.NewJob) error {
	var what string
	if len(jobs) == 1 {
		what = fmt.Sprintf("this job needs up to %s base units (reward × %d replicas at most × 1.25, the top stake bonus)",
			be.Asked, jobs[0].Cap)
	} else {
		what = fmt.Sprintf("these %d jobs need up to %s base units (each: reward × its most replicas × 1.25, the top stake bonus)",
			len(jobs), be.Asked)
	}
	return &apiError{http.StatusConflict, "pool_insufficient", fmt.Sprintf(
		"the reward pool can cover %s more base units of payouts (of the %s it can pay in all, %s is already credited or reserved for open jobs), but %s; lower the reward or the replicas, or wait for open jobs to finish",
		be.Available(), be.Limit, be.Committed, what)}
}
