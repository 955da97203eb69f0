// Package sim runs simulated nodes and a simulated requester against a
// coordinator over its real HTTP API (protocol/client), for tests, the
// bench command and the dev network's load. Simulated nodes do not run
// WebAssembly: a job's "output" is a deterministic digest of its spec.
package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// Behavior is how a simulated node acts.
type Behavior int

const (
	Honest Behavior = iota
	Slow            // honest, but takes Delay per job
	Vanish          // leases work and silently drops each job with probability VanishRate
	Cheat           // always returns wrong bytes
)

func (b Behavior) String() string {
	return [...]string{"honest", "slow", "vanish", "cheat"}[b]
}

// Output is what an honest node returns for spec.
func Output(spec protocol.JobSpec) []byte {
	return []byte(fmt.Sprintf("out|%s|%s|%s|%d", spec.Module, spec.Input, strings.Join(spec.Args, " "), spec.Seed))
}

// Node is one simulated node.
type Node struct {
	Client     *client.Client
	Behavior   Behavior
	Delay      time.Duration // Slow: per job
	VanishRate float64       // Vanish: share of jobs dropped
	Max        int           // assignments per lease, default 4
	Wait       int           // long-poll seconds, default 1
	Parallel   bool          // run a lease's assignments at once, like a node with many cores
	// Run1, if set, computes an honest output instead of Output (for
	// example by running a real program).
	Run1 func(ctx context.Context, spec protocol.JobSpec) ([]byte, error)

	Leased, Reported, Dropped atomic.Int64

	mu        sync.Mutex
	latencies []time.Duration // of lease calls that returned work
}

// LeaseLatencies returns the durations of lease calls that returned work.
func (n *Node) LeaseLatencies() []time.Duration {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.latencies)
}

// Run leases and reports until ctx ends. Errors from the coordinator are
// retried after a short pause; Run returns nil when ctx ends.
func (n *Node) Run(ctx context.Context) error {
	max, wait := n.Max, n.Wait
	if max == 0 {
		max = 4
	}
	if wait == 0 {
		wait = 1
	}
	req := protocol.LeaseRequest{Capabilities: protocol.Capabilities{Cores: 4, MemoryMB: 8192, Runtimes: []string{protocol.RuntimeWASI}},
		Max: max, WaitSeconds: wait}
	for ctx.Err() == nil {
		start := time.Now()
		as, err := n.Client.Lease(ctx, req)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			pause(ctx, 50*time.Millisecond)
			continue
		}
		if len(as) > 0 {
			n.mu.Lock()
			n.latencies = append(n.latencies, time.Since(start))
			n.mu.Unlock()
		}
		n.Leased.Add(int64(len(as)))
		if n.Parallel {
			var wg sync.WaitGroup
			for _, a := range as {
				wg.Go(func() { _ = n.work(ctx, a) })
			}
			wg.Wait()
			continue
		}
		for _, a := range as {
			if err := n.work(ctx, a); err != nil && ctx.Err() == nil && !errors.Is(err, client.ErrLeaseGone) {
				pause(ctx, 50*time.Millisecond)
			}
		}
	}
	return nil
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func (n *Node) work(ctx context.Context, a protocol.Assignment) error {
	switch n.Behavior {
	case Vanish:
		if rand.Float64() < n.VanishRate {
			n.Dropped.Add(1)
			return nil
		}
	case Slow:
		pause(ctx, n.Delay)
	}
	out := Output(a.Spec)
	if n.Run1 != nil {
		var err error
		if out, err = n.Run1(ctx, a.Spec); err != nil {
			_ = n.Client.GiveBack(ctx, a.LeaseID)
			return err
		}
	}
	if n.Behavior == Cheat {
		out = append(out, "!cheat"...)
	}
	var h string
	var err error
	for try := 0; try < 5; try++ { // a restarting coordinator: retry
		if h, err = n.Client.PutBlob(ctx, out); err == nil {
			break
		}
		pause(ctx, 100*time.Millisecond)
	}
	if err != nil {
		return err
	}
	m := protocol.Metrics{CPUSeconds: 0.01, WallSeconds: 0.01, PeakMemoryBytes: 1 << 20, EnergyWh: 0.0001}
	for try := 0; try < 5; try++ {
		if _, err = n.Client.Report(ctx, a.LeaseID, protocol.ResultReport{OutputHash: h, Metrics: m}); err == nil {
			n.Reported.Add(1)
			return nil
		}
		if errors.Is(err, client.ErrLeaseGone) || errors.Is(err, client.ErrConflict) || errors.Is(err, client.ErrBadRequest) {
			return err
		}
		pause(ctx, 100*time.Millisecond)
	}
	return err
}

// Spec returns a job spec for module with a distinct seed.
func Spec(module string, seed uint64, reward string, replicas int) protocol.JobSpec {
	return protocol.JobSpec{
		Runtime: protocol.RuntimeWASI, Module: module, Args: []string{"tile", fmt.Sprint(seed)}, Seed: seed,
		Limits:           protocol.Limits{MemoryBytes: 64 << 20, TimeoutMS: 10_000, OutputBytes: 1 << 20},
		RewardPerReplica: reward, Replicas: replicas, Deadline: time.Now().Add(time.Hour),
	}
}

// SubmitMany uploads a dummy module and submits n jobs in batches of 500.
func SubmitMany(ctx context.Context, c *client.Client, n int, reward string, replicas int) ([]string, error) {
	mod, err := c.PutBlob(ctx, []byte("\x00asm\x01\x00\x00\x00 simulated module"))
	if err != nil {
		return nil, err
	}
	var ids []string
	for len(ids) < n {
		var batch []protocol.JobSpec
		for i := len(ids); i < n && len(batch) < 500; i++ {
			batch = append(batch, Spec(mod, uint64(i)+1, reward, replicas))
		}
		got, err := c.Submit(ctx, batch...)
		if err != nil {
			return ids, err
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

// Percentile returns the p-th percentile (0..100) of ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}
