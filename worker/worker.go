// Package worker is the node's job loop: while the core allows work it
// leases jobs from the coordinator, fetches their blobs (cached by sha256
// and verified), runs them in the sandbox, heartbeats the leases and
// reports results with their metrics and energy. When the core says stop,
// it suspends every job process in the same call, gives leases back after a
// grace period, and resumes when allowed again. Offline, it backs off with
// jitter and keeps finished results on disk until they are reported; a
// restart resumes in-flight jobs from their checkpoints or gives them back.
//
// The worker imports neither the core nor the GUI: the core drives it
// through SetAllowed and reads Status.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/worker/sandbox"
)

// Coordinator is the part of the coordinator's API the worker uses.
// *client.Client implements it. Implementations are safe for concurrent use.
type Coordinator interface {
	Address() common.Address
	Lease(ctx context.Context, req protocol.LeaseRequest) ([]protocol.Assignment, error)
	Heartbeat(ctx context.Context, leaseID string) (protocol.LeaseState, error)
	// HeartbeatState is Heartbeat that also tells the coordinator the
	// replica's state, protocol.ReplicaRunning or ReplicaSuspended.
	HeartbeatState(ctx context.Context, leaseID, state string) (protocol.LeaseState, error)
	GiveBack(ctx context.Context, leaseID string) error
	Report(ctx context.Context, leaseID string, r protocol.ResultReport) (protocol.ResultAck, error)
	PutBlob(ctx context.Context, data []byte) (string, error)
	GetBlob(ctx context.Context, hash string, max int64) ([]byte, error)
	Earnings(ctx context.Context, addr common.Address) (protocol.Earnings, error)
	Node(ctx context.Context, addr common.Address) (protocol.NodeInfo, error)
}

// Process is a running sandboxed job. *sandbox.Proc implements it.
type Process interface {
	Pid() int
	Suspend() error
	Resume() error
	Kill() error
	SetDutyCycle(percent int)
	Wait() (sandbox.Result, error)
}

// Sandbox starts jobs.
type Sandbox interface {
	Start(ctx context.Context, s sandbox.Spec) (Process, error)
}

// SandboxRunner adapts *sandbox.Runner to Sandbox.
type SandboxRunner struct{ R *sandbox.Runner }

// Start implements Sandbox.
func (s SandboxRunner) Start(ctx context.Context, spec sandbox.Spec) (Process, error) {
	p, err := s.R.Start(ctx, spec)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Limits are the owner's settings the worker applies, read on each use.
type Limits struct {
	Slots          int     // jobs at once (from the share of cores)
	DutyCycle      int     // percent of CPU time within those cores
	MemoryBytes    int64   // for all jobs together
	WattsPerCore   float64 // energy estimate where nothing is measured
	GramsCO2PerKWh float64
}

// Config builds a Worker.
type Config struct {
	Dir          string // the worker's own folder: blobs, jobs, outbox, scratch, ledger
	Coordinator  Coordinator
	Sandbox      Sandbox
	Limits       func() Limits
	Capabilities protocol.Capabilities
	Benchmark    func() int64 // the owner's hardware benchmark, sent with the capabilities; nil: none
	Network      protocol.Network
	Energy       EnergyMeter // nil: estimates from CPU seconds
	Log          *slog.Logger
	Now          func() time.Time

	Grace      time.Duration // suspended this long, a job is given back (default 2 min)
	LeaseWait  time.Duration // long-poll time (default 20 s)
	MaxBackoff time.Duration // offline retry ceiling (default 2 min)
}

// Worker runs jobs for one node. Create it with New, start it with Run.
type Worker struct {
	cfg    Config
	log    *slog.Logger
	blobs  *blobCache
	ledger *ledger
	outbox *outbox
	wake   chan struct{}

	mu         sync.Mutex
	allowed    bool
	reason     string
	pollCancel context.CancelFunc // cancels the lease long-poll when work stops
	jobs       map[string]*job    // by lease id
	offline    bool
	problem    string
	ownerFix   string // set while only the owner can fix what stops leasing
	connected  bool
	yield      []time.Duration // recent suspend latencies
	yieldCount int
	earnings   protocol.Earnings
	earningsAt time.Time
	record     protocol.NodeInfo
	runCtx     context.Context
	wg         sync.WaitGroup
}

// New prepares the worker's folder and reads what a previous run left.
func New(cfg Config) (*Worker, error) {
	if cfg.Coordinator == nil || cfg.Sandbox == nil || cfg.Limits == nil || cfg.Dir == "" {
		return nil, errors.New("worker: Dir, Coordinator, Sandbox and Limits are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 2 * time.Minute
	}
	if cfg.LeaseWait <= 0 {
		cfg.LeaseWait = 20 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 2 * time.Minute
	}
	if cfg.Energy == nil {
		cfg.Energy = NewEnergyMeter("")
	}
	if cfg.Capabilities.Sandbox == "" {
		cfg.Capabilities.Sandbox = sandbox.Profile()
	}
	if len(cfg.Capabilities.Runtimes) == 0 {
		cfg.Capabilities.Runtimes = []string{protocol.RuntimeWASI}
	}
	for _, d := range []string{"blobs", "jobs", "outbox", "scratch", "out"} {
		if err := os.MkdirAll(filepath.Join(cfg.Dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("worker folder: %w", err)
		}
	}
	led, err := openLedger(ledgerPath(cfg.Dir))
	if err != nil {
		return nil, err
	}
	return &Worker{
		cfg:    cfg,
		log:    cfg.Log,
		blobs:  &blobCache{dir: filepath.Join(cfg.Dir, "blobs")},
		ledger: led,
		outbox: &outbox{dir: filepath.Join(cfg.Dir, "outbox")},
		wake:   make(chan struct{}, 1),
		jobs:   map[string]*job{},
	}, nil
}

func (w *Worker) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// SetAllowed implements the core's Worker: when allowed is false, every
// running job process is stopped before it returns, and the time that took
// is recorded as a yield latency.
func (w *Worker) SetAllowed(allowed bool, reason string) {
	start := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reason = reason
	if allowed == w.allowed {
		return
	}
	w.allowed = allowed
	if !allowed {
		if w.pollCancel != nil {
			w.pollCancel()
		}
		n := 0
		for _, j := range w.jobs {
			if j.suspend(w.cfg.Now()) {
				n++
			}
		}
		if n > 0 {
			lat := time.Since(start)
			w.recordYield(lat)
			w.log.Info("Jobs suspended", "jobs", n, "latencyMS", float64(lat.Microseconds())/1000, "reason", reason)
		}
		return
	}
	n := 0
	for _, j := range w.jobs {
		if j.resume() {
			n++
		}
	}
	if n > 0 {
		w.log.Info("Jobs resumed", "jobs", n)
	}
	w.poke()
}

func (w *Worker) recordYield(d time.Duration) {
	w.yieldCount++
	w.yield = append(w.yield, d)
	if len(w.yield) > 500 {
		w.yield = w.yield[len(w.yield)-500:]
	}
}

// Ours returns the process ids of running jobs, so that their CPU never
// counts as the owner being busy.
func (w *Worker) Ours() []int {
	w.mu.Lock()
	defer w.mu.Unlock()
	var pids []int
	for _, j := range w.jobs {
		if pid := j.pid(); pid > 0 {
			pids = append(pids, pid)
		}
	}
	return pids
}

// Run leases and runs jobs until ctx ends. Jobs still running then are
// suspended and left for the next start, which resumes them.
func (w *Worker) Run(ctx context.Context) error {
	w.mu.Lock()
	w.runCtx = ctx
	w.mu.Unlock()
	w.recover(ctx)

	w.wg.Add(2)
	go func() { defer w.wg.Done(); w.flushOutbox(ctx) }()
	go func() { defer w.wg.Done(); w.refreshEarnings(ctx) }()

	backoff := time.Second
	for {
		if err := ctx.Err(); err != nil {
			break
		}
		free, pollCtx := w.readyToLease(ctx)
		if free == 0 {
			select {
			case <-ctx.Done():
			case <-w.wake:
			case <-time.After(5 * time.Second):
			}
			continue
		}
		req := protocol.LeaseRequest{Capabilities: w.cfg.Capabilities, Max: free, WaitSeconds: int(w.cfg.LeaseWait / time.Second)}
		if w.cfg.Benchmark != nil {
			req.Capabilities.BenchmarkMiBps = w.cfg.Benchmark()
		}
		as, err := w.cfg.Coordinator.Lease(pollCtx, req)
		w.mu.Lock()
		w.pollCancel = nil
		w.mu.Unlock()
		if err != nil {
			if ctx.Err() != nil || (pollCtx.Err() != nil && !w.isAllowed()) {
				continue // stopped by the owner or shutting down
			}
			wait := jitter(backoff)
			var oa *OwnerActionError
			if errors.As(err, &oa) {
				// Retrying fast would not help, and each try may cost
				// a key decryption: check again now and then, so that a
				// fix (an unlocked keyring) is picked up by itself.
				retry := oa.Retry
				if retry <= 0 {
					retry = ownerRetry
				}
				wait = jitter(min(retry, w.cfg.MaxBackoff))
				w.setOwnerFix(oa)
			} else {
				w.setOffline(err, wait)
			}
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			backoff = min(backoff*2, w.cfg.MaxBackoff)
			continue
		}
		backoff = time.Second
		w.setOnline()
		for _, a := range as {
			w.start(ctx, a, false)
		}
	}
	w.shutdown()
	w.wg.Wait()
	return nil
}

// readyToLease returns how many jobs may be leased now and a context for
// the long-poll that SetAllowed(false) cancels.
func (w *Worker) readyToLease(ctx context.Context) (int, context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.allowed {
		return 0, nil
	}
	free := w.cfg.Limits().Slots - len(w.jobs)
	if free <= 0 {
		return 0, nil
	}
	pctx, cancel := context.WithCancel(ctx)
	w.pollCancel = cancel
	return min(free, protocol.MaxAssignments), pctx
}

func (w *Worker) isAllowed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.allowed
}

// OwnerActionError is a failure only the node's owner can fix, such as a
// wrong wallet passphrase: the worker reports Reason as what the node
// needs (Status.SetupNeeded) instead of calling the network unreachable.
type OwnerActionError struct {
	Reason string // for people: what is wrong and what to do
	Err    error
	// Retry is how soon to check again (0: ownerRetry): short where a
	// check is cheap and the owner may fix it any moment (unlocking).
	Retry time.Duration
}

func (e *OwnerActionError) Error() string { return e.Reason + ": " + e.Err.Error() }
func (e *OwnerActionError) Unwrap() error { return e.Err }

// ownerRetry is how often the worker tries again after an
// OwnerActionError (or Config.MaxBackoff where that is shorter).
const ownerRetry = 30 * time.Second

func (w *Worker) setOwnerFix(e *OwnerActionError) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ownerFix != e.Reason {
		w.log.Warn("Cannot work until the owner acts", "reason", e.Reason, "err", e.Err)
	}
	w.ownerFix, w.offline, w.problem, w.connected = e.Reason, false, "", false
}

func (w *Worker) setOffline(err error, retry time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ownerFix = ""
	msg := fmt.Sprintf("Cannot reach the network (%s); retrying in %s", shortErr(err), retry.Round(time.Second))
	if !w.offline {
		w.log.Warn("Coordinator unreachable", "err", err, "retryIn", retry.String())
	}
	w.offline, w.problem, w.connected = true, msg, false
}

func (w *Worker) setOnline() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.offline {
		w.log.Info("Coordinator reachable again")
	}
	w.offline, w.problem, w.connected, w.ownerFix = false, "", true, ""
}

// shortErr keeps an error's last part, which says what went wrong, for
// people; the log has the whole.
func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = "…" + s[len(s)-119:]
	}
	return s
}

// jitter spreads retries of many nodes: d ± 25%.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.75 + rand.Float64()*0.5))
}

// shutdown stops running jobs; their checkpoints and leases stay for the
// next start.
func (w *Worker) shutdown() {
	w.mu.Lock()
	jobs := make([]*job, 0, len(w.jobs))
	for _, j := range w.jobs {
		jobs = append(jobs, j)
	}
	w.mu.Unlock()
	for _, j := range jobs {
		j.stop(stopShutdown)
	}
}

// Status is the worker's part of the node's state.
type Status struct {
	Network   protocol.Network
	Connected bool
	Offline   bool
	Problem   string
	// SetupNeeded says what the owner must fix before the node can work
	// (an OwnerActionError's Reason); empty when nothing.
	SetupNeeded string
	Jobs        []JobStatus
	Totals      Totals
	YieldLast   time.Duration
	YieldP99    time.Duration
	Yields      int
	// Record is this node's standing with the coordinator: results
	// accepted and rejected, trusted, flagged for a wrong result.
	Record protocol.NodeInfo
	// RecentJobs are the latest credited jobs, newest first.
	RecentJobs []protocol.JobEarning
}

// JobStatus is one job the node holds.
type JobStatus struct {
	ID         string
	LeaseID    string
	Status     string // downloading, running, suspended, reporting
	StartedAt  time.Time
	Progress   float64
	CPUSeconds float64
	Reward     string
}

// Totals are the node's work, earnings and energy.
type Totals struct {
	JobsDone      int64
	EarnedTotal   string // validated, base units
	EarnedToday   string
	Pending       string // reported, not yet validated
	EarnedByDay   []protocol.DayEarning
	EnergyTodayWh float64
	EnergyTotalWh float64
	CO2TodayG     float64
	CO2TotalG     float64
	Measured      bool
}

// Status returns a snapshot of the worker.
func (w *Worker) Status() Status {
	now := w.cfg.Now()
	w.mu.Lock()
	st := Status{
		Network:     w.cfg.Network,
		Connected:   w.connected,
		Offline:     w.offline,
		Problem:     w.problem,
		SetupNeeded: w.ownerFix,
		Yields:      w.yieldCount,
		Record:      w.record,
	}
	for _, j := range w.jobs {
		st.Jobs = append(st.Jobs, j.status(now))
	}
	if n := len(w.yield); n > 0 {
		st.YieldLast = w.yield[n-1]
		s := append([]time.Duration(nil), w.yield...)
		sort.Slice(s, func(i, k int) bool { return s[i] < s[k] })
		st.YieldP99 = s[min(len(s)-1, (len(s)*99)/100)]
	}
	earn := w.earnings
	w.mu.Unlock()
	st.RecentJobs = earn.Jobs[:min(len(earn.Jobs), 20)]
	sort.Slice(st.Jobs, func(i, k int) bool { return st.Jobs[i].StartedAt.Before(st.Jobs[k].StartedAt) })
	st.Totals = w.ledger.totals(now, earn)
	return st
}

// refreshEarnings reads the coordinator's ledger for this node now and
// then, and whenever a result was reported.
func (w *Worker) refreshEarnings(ctx context.Context) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		e, err := w.cfg.Coordinator.Earnings(ctx, w.cfg.Coordinator.Address())
		if err == nil {
			w.mu.Lock()
			w.earnings, w.earningsAt = e, w.cfg.Now()
			w.mu.Unlock()
			w.ledger.settle(e)
		} else if ctx.Err() == nil {
			w.log.Debug("Earnings not read", "err", err)
		}
		if rec, err := w.cfg.Coordinator.Node(ctx, w.cfg.Coordinator.Address()); err == nil {
			w.mu.Lock()
			if rec.Flagged && !w.record.Flagged {
				w.log.Warn("The network flagged this node for a wrong result", "valid", rec.Valid, "invalid", rec.Invalid)
			}
			w.record = rec
			w.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.ledger.changed:
			// Results were reported: the coordinator may have validated
			// them by now; wait a moment so quorum can complete.
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Second):
			}
		}
	}
}
