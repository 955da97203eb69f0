package sim

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/coordinator/store/sqlite"
	"github.com/idlenode/idlenode/protocol/client"
)

// BenchOptions configure Bench.
type BenchOptions struct {
	Nodes       int     // simulated nodes, default 32
	Jobs        int     // jobs submitted up front, default 5000
	Max         int     // assignments per lease call, default 8
	Warmup      float64 // share of jobs settled before measuring, default 0.3
	Synchronous string  // SQLite synchronous: FULL (default) or NORMAL
	TrustAfter  int64   // default 20
	SpotCheck   float64 // default 0.1
	Dir         string  // database directory; default a temp dir removed after
	Parallel    bool    // nodes run their assignments at once (multi-core nodes)
}

// BenchResult is what Bench measured after warm-up.
type BenchResult struct {
	Jobs, Results  int64
	Elapsed        time.Duration
	RoundTripsPerS float64 // results reported and validated per second (lease + result + validation)
	JobsPerS       float64
	LeaseP50       time.Duration
	LeaseP99       time.Duration
	Replication    float64 // results per settled job at steady state
	ReplicationAll float64 // over the whole run, warm-up included
	Failed         int64
}

func (r BenchResult) String() string {
	return fmt.Sprintf("measured %d jobs, %d results in %s: %.0f round trips/s, %.0f jobs/s; lease latency p50 %s p99 %s; replication %.3f steady (%.3f overall); failed %d",
		r.Jobs, r.Results, r.Elapsed.Round(time.Millisecond), r.RoundTripsPerS, r.JobsPerS, r.LeaseP50.Round(10*time.Microsecond), r.LeaseP99.Round(10*time.Microsecond), r.Replication, r.ReplicationAll, r.Failed)
}

// Bench runs a real coordinator on loopback with SQLite and many simulated
// honest nodes, and measures round trips, lease latency and the effective
// replication factor with adaptive replication.
func Bench(ctx context.Context, o BenchOptions) (BenchResult, error) {
	var res BenchResult
	if o.Nodes <= 0 {
		o.Nodes = 32
	}
	if o.Jobs <= 0 {
		o.Jobs = 5000
	}
	if o.Max <= 0 {
		o.Max = 8
	}
	if o.Warmup <= 0 {
		o.Warmup = 0.3
	}
	if o.TrustAfter == 0 {
		o.TrustAfter = 20
	}
	if o.SpotCheck == 0 {
		o.SpotCheck = 0.1
	}
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "idlenode-bench-")
		if err != nil {
			return res, fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "coordinator.db"), sqlite.Options{Synchronous: o.Synchronous})
	if err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	defer st.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	srv, err := coordinator.New(coordinator.Config{Store: st, DataDir: dir, Listener: ln,
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		RateLimit: 1e6, RateBurst: 1e6, RelaxedSync: o.Synchronous == "NORMAL", TrustAfter: o.TrustAfter, SpotCheckRate: o.SpotCheck})
	if err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	sctx, stopServer := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Run(sctx) }()
	defer func() { stopServer(); <-served }()

	newC := func() (*client.Client, error) {
		sg, err := client.GenerateKeySigner()
		if err != nil {
			return nil, err
		}
		return client.New(srv.URL(), sg)
	}
	req, err := newC()
	if err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	if _, err := SubmitMany(ctx, req, o.Jobs, "1000", 2); err != nil {
		return res, fmt.Errorf("bench: submit: %w", err)
	}
	nctx, stopNodes := context.WithCancel(ctx)
	defer stopNodes()
	var wg sync.WaitGroup
	var nodes []*Node
	for range o.Nodes {
		c, err := newC()
		if err != nil {
			return res, fmt.Errorf("bench: %w", err)
		}
		n := &Node{Client: c, Max: o.Max, Wait: 1, Parallel: o.Parallel}
		nodes = append(nodes, n)
		wg.Go(func() { _ = n.Run(nctx) })
	}
	defer wg.Wait()
	warm := int64(float64(o.Jobs) * o.Warmup)
	var t0 time.Time
	var s0 = struct{ done, results int64 }{}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-tick.C:
		}
		s, err := st.Stats(ctx)
		if err != nil {
			return res, fmt.Errorf("bench: %w", err)
		}
		settled := s.Done + s.Failed
		if t0.IsZero() && settled >= warm {
			t0, s0.done, s0.results = time.Now(), settled, s.Results
		}
		if s.Open == 0 {
			res.Elapsed = time.Since(t0)
			res.Jobs, res.Results, res.Failed = settled-s0.done, s.Results-s0.results, s.Failed
			res.RoundTripsPerS = float64(res.Results) / res.Elapsed.Seconds()
			res.JobsPerS = float64(res.Jobs) / res.Elapsed.Seconds()
			res.Replication = float64(res.Results) / float64(max(res.Jobs, 1))
			res.ReplicationAll = float64(s.Results) / float64(max(settled, 1))
			break
		}
	}
	stopNodes()
	wg.Wait()
	var lat []time.Duration
	for _, n := range nodes {
		lat = append(lat, n.LeaseLatencies()...)
	}
	res.LeaseP50, res.LeaseP99 = Percentile(lat, 50), Percentile(lat, 99)
	return res, nil
}
