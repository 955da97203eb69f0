package coordinator_test

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/coordinator/sim"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// TestRewardOverMaximum: a reward per replica over the coordinator's
// maximum (1 token by default) is refused with reward_too_high, so no
// requester can promise nodes more than the network pays.
func TestRewardOverMaximum(t *testing.T) {
	env := start(t, nil)
	ctx := context.Background()
	req := newClient(t, env.url)
	_, err := sim.SubmitMany(ctx, req, 1, "99999999999999999999999999999999999999999", 1)
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Code != "reward_too_high" ||
		!strings.Contains(ae.Message, "maximum of 1000000000000000000 base units per replica") {
		t.Fatalf("huge reward: %v, want 400 reward_too_high naming the maximum", err)
	}
	if _, err := sim.SubmitMany(ctx, req, 1, "1000000000000000000", 2); err != nil {
		t.Fatalf("reward at the maximum: %v", err)
	}
}

// fakePool is a RewardPool whose funds the test sets.
type fakePool struct {
	mu               sync.Mutex
	balance, claimed *big.Int
	err              error
	reads            int
}

func (p *fakePool) PoolFunds(context.Context) (*big.Int, *big.Int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reads++
	if p.err != nil {
		return nil, nil, p.err
	}
	return new(big.Int).Set(p.balance), new(big.Int).Set(p.claimed), nil
}

func (p *fakePool) set(balance, claimed int64, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.balance, p.claimed, p.err = big.NewInt(balance), big.NewInt(claimed), err
}

// clock is a settable Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func refusal(t *testing.T, err error, status int, code string) string {
	t.Helper()
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != status || ae.Code != code {
		t.Fatalf("err = %v, want %d %s", err, status, code)
	}
	return ae.Message
}

// TestPoolAdmission: a submission whose worst case (reward × most
// replicas × 1.25) does not fit in what the pool can pay, less what is
// credited and reserved, is refused with pool_insufficient; settling
// jobs turns their reserve into credits; claims do not change the room
// (the pool's balance drops by what its claimed total rises); the pool
// is read at most once per PoolCacheTTL; an unreadable pool refuses
// jobs only until it was read once.
func TestPoolAdmission(t *testing.T) {
	pool := &fakePool{}
	pool.set(10000, 0, nil)
	clk := &clock{t: time.Now()}
	env := start(t, func(c *coordinator.Config) {
		c.Pool, c.Now = pool, clk.now
		c.PoolCacheTTL = time.Minute
	})
	ctx := context.Background()
	req := newClient(t, env.url)
	// reward 1000, 2 replicas, at most 4: 5000 each.
	if _, err := sim.SubmitMany(ctx, req, 2, "1000", 2); err != nil {
		t.Fatalf("two jobs that fit: %v", err)
	}
	_, err := sim.SubmitMany(ctx, req, 1, "1", 1)
	msg := refusal(t, err, http.StatusConflict, "pool_insufficient")
	if !strings.Contains(msg, "can cover 0 more base units") || !strings.Contains(msg, "needs up to 3 base units") {
		t.Fatalf("message %q does not say what the pool can still cover", msg)
	}
	if pool.reads != 1 {
		t.Fatalf("pool read %d times within its cache time, want 1", pool.reads)
	}

	// Settle one job: 2 × 1000 credited, its 5000 reserve released.
	a, b := newClient(t, env.url), newClient(t, env.url)
	caps := protocol.LeaseRequest{Capabilities: protocol.Capabilities{Runtimes: []string{"wasi"}}, Max: 1, WaitSeconds: 1}
	la, err := a.Lease(ctx, caps)
	if err != nil || len(la) != 1 {
		t.Fatalf("lease: %v %v", la, err)
	}
	lb, err := b.Lease(ctx, caps)
	if err != nil || len(lb) != 1 || lb[0].JobID != la[0].JobID {
		t.Fatalf("lease: %v %v", lb, err)
	}
	for _, x := range []struct {
		c *client.Client
		l protocol.Assignment
	}{{a, la[0]}, {b, lb[0]}} {
		h, err := x.c.PutBlob(ctx, sim.Output(x.l.Spec))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := x.c.Report(ctx, x.l.LeaseID, protocol.ResultReport{OutputHash: h}); err != nil {
			t.Fatal(err)
		}
	}
	// 10000 − 2000 credited − 5000 reserved = 3000 free.
	if _, err := sim.SubmitMany(ctx, req, 1, "800", 1); err != nil { // 3 × 1000 = 3000
		t.Fatalf("a job that fits after settling: %v", err)
	}
	_, err = sim.SubmitMany(ctx, req, 1, "1", 1)
	refusal(t, err, http.StatusConflict, "pool_insufficient")

	// A and B claim their 2000: the pool's room does not change.
	pool.set(8000, 2000, nil)
	clk.add(2 * time.Minute)
	_, err = sim.SubmitMany(ctx, req, 1, "1", 1)
	msg = refusal(t, err, http.StatusConflict, "pool_insufficient")
	if pool.reads != 2 || !strings.Contains(msg, "can cover 0 more") {
		t.Fatalf("after claims: %d reads, %q", pool.reads, msg)
	}
	// The pool is topped up by 400: a job of 375 fits, one of 3 more does not.
	pool.set(8400, 2000, nil)
	clk.add(2 * time.Minute)
	if _, err := sim.SubmitMany(ctx, req, 1, "100", 1); err != nil {
		t.Fatalf("after a top-up: %v", err)
	}
	// The chain goes down: the last funds read still hold.
	pool.set(0, 0, errors.New("connection refused"))
	clk.add(2 * time.Minute)
	_, err = sim.SubmitMany(ctx, req, 1, "10", 1)
	msg = refusal(t, err, http.StatusConflict, "pool_insufficient")
	if !strings.Contains(msg, "can cover 25 more") {
		t.Fatalf("with the chain down: %q", msg)
	}
	if _, err := sim.SubmitMany(ctx, req, 1, "5", 1); err != nil { // 3 × 6 = 18
		t.Fatalf("with the chain down, a job within the last known funds: %v", err)
	}
}

// TestPoolUnreadable: a coordinator that has never read its pool admits
// no job (503 pool_unavailable) and admits again once it can.
func TestPoolUnreadable(t *testing.T) {
	pool := &fakePool{}
	pool.set(0, 0, errors.New("connection refused"))
	env := start(t, func(c *coordinator.Config) { c.Pool = pool })
	ctx := context.Background()
	req := newClient(t, env.url)
	_, err := sim.SubmitMany(ctx, req, 1, "1000", 2)
	msg := refusal(t, err, http.StatusServiceUnavailable, "pool_unavailable")
	if !strings.Contains(msg, "reward pool") {
		t.Fatalf("message %q", msg)
	}
	pool.set(1_000_000, 0, nil)
	if _, err := sim.SubmitMany(ctx, req, 1, "1000", 2); err != nil {
		t.Fatalf("after the pool came back: %v", err)
	}
}
