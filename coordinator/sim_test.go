package coordinator_test

import (
	"context"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/coordinator/sim"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// TestSimulation: 20 nodes, some slow, some vanishing mid-lease, one
// cheat. Every job ends validated with the honest output, the cheat earns
// nothing and is flagged, and credits equal reward × accepted replicas.
func TestSimulation(t *testing.T) {
	env := start(t, func(c *coordinator.Config) {
		c.LeaseTTL = 700 * time.Millisecond
		c.ExpireEvery = 100 * time.Millisecond
		c.TrustAfter = 5
		c.SpotCheckRate = 0.2
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const jobs, reward = 150, 1000
	req := newClient(t, env.url)
	ids, err := sim.SubmitMany(ctx, req, jobs, "1000", 2)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []*sim.Node
	for i := range 20 {
		n := &sim.Node{Client: newClient(t, env.url), Max: 2}
		switch {
		case i == 0:
			n.Behavior = sim.Cheat
		case i <= 3:
			n.Behavior, n.Delay = sim.Slow, 150*time.Millisecond
		case i <= 7:
			n.Behavior, n.VanishRate = sim.Vanish, 0.3
		}
		nodes = append(nodes, n)
	}
	nctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { _ = n.Run(nctx) })
	}
	for {
		st, err := env.store.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Open == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("jobs still open at timeout: %+v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	wg.Wait()

	for _, id := range ids {
		js, err := req.Job(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if js.State != protocol.JobDone {
			t.Fatalf("job %s %s: %s", id, js.State, js.Error)
		}
		if want := client.HashBytes(sim.Output(js.Spec)); js.OutputHash != want {
			t.Fatalf("job %s accepted %s, want the honest %s", id, js.OutputHash, want)
		}
	}
	cheat := nodes[0].Client.Address()
	e, err := req.Earnings(ctx, cheat)
	if err != nil {
		t.Fatal(err)
	}
	if e.Total != "0" || len(e.Jobs) != 0 {
		t.Fatalf("cheat earned %s over %d jobs", e.Total, len(e.Jobs))
	}
	info, err := req.Node(ctx, cheat)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Flagged || info.Invalid == 0 || info.Trusted {
		t.Fatalf("cheat record = %+v, want flagged", info)
	}
	st, _ := env.store.Stats(ctx)
	sum, credited := new(big.Int), 0
	seen := map[string]bool{}
	for _, n := range nodes[1:] {
		e, err := req.Earnings(ctx, n.Client.Address())
		if err != nil {
			t.Fatal(err)
		}
		v, _ := new(big.Int).SetString(e.Total, 10)
		sum.Add(sum, v)
		for _, j := range e.Jobs {
			k := n.Client.Address().Hex() + j.JobID
			if seen[k] || j.Amount != "1000" {
				t.Fatalf("bad ledger line %+v (seen before: %v)", j, seen[k])
			}
			seen[k] = true
			credited++
		}
	}
	if int64(credited) != st.Credited || sum.Cmp(big.NewInt(reward*st.Credited)) != 0 {
		t.Fatalf("credits %s over %d lines, want %d × %d", sum, credited, reward, st.Credited)
	}
	var dropped int64
	for _, n := range nodes {
		dropped += n.Dropped.Load()
	}
	t.Logf("jobs %d, results %d, credited replicas %d, dropped leases %d, cheat invalid %d, replication %.2f",
		jobs, st.Results, st.Credited, dropped, info.Invalid, float64(st.Credited)/jobs)
	if dropped == 0 {
		t.Log("no lease was dropped this run: the vanishing path was not exercised")
	}
}
