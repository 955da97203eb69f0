package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
	"github.com/idlenode/idlenode/worker/sandbox"
)

type stopKind int

const (
	stopNone     stopKind = iota
	stopGiveBack          // suspended too long: hand the lease back
	stopShutdown          // the node stops: keep the lease and checkpoint for the next start
	stopLost              // the coordinator took the lease back
)

// job is one leased replica on this node.
type job struct {
	w *Worker
	a protocol.Assignment

	mu             sync.Mutex
	phase          string
	started        time.Time
	proc           Process
	suspended      bool
	suspendedAt    time.Time
	suspendedTotal time.Duration
	stopped        stopKind
	cancel         context.CancelFunc
	done           chan struct{}
	// stateChanged wakes keepLease when the job is suspended or resumed,
	// so that it tells the coordinator at once (never from SetAllowed).
	stateChanged chan struct{}
	// toldState is the state the coordinator has recorded for the
	// replica, "" when unknown (a lease from the last run). Only
	// keepLease uses it.
	toldState string
}

func (w *Worker) jobFile(leaseID string) string {
	return filepath.Join(w.cfg.Dir, "jobs", safeName(leaseID)+".json")
}

func (w *Worker) scratchDir(leaseID string) string {
	return filepath.Join(w.cfg.Dir, "scratch", safeName(leaseID))
}

// safeName keeps ids from escaping their folder.
func safeName(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, id)
}

// start registers the assignment on disk and runs it; recovered is set
// for a lease from the last run, whose recorded state is unknown.
func (w *Worker) start(ctx context.Context, a protocol.Assignment, recovered bool) {
	data, _ := json.Marshal(a)
	if err := writeFileAtomic(w.jobFile(a.LeaseID), data); err != nil {
		w.log.Error("Cannot record job; giving it back", "jobID", a.JobID, "err", err)
		_ = w.cfg.Coordinator.GiveBack(ctx, a.LeaseID)
		return
	}
	jctx, cancel := context.WithCancel(ctx)
	j := &job{w: w, a: a, phase: "downloading", started: w.cfg.Now(), cancel: cancel, done: make(chan struct{}),
		stateChanged: make(chan struct{}, 1), toldState: protocol.ReplicaRunning}
	if recovered {
		j.toldState = ""
	}
	w.mu.Lock()
	if !w.allowed {
		j.suspended, j.suspendedAt = true, w.cfg.Now()
	}
	w.jobs[a.LeaseID] = j
	w.mu.Unlock()
	w.log.Info("Job leased", "jobID", a.JobID, "leaseID", a.LeaseID, "reward", a.Spec.RewardPerReplica)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		defer close(j.done)
		defer cancel()
		j.run(jctx)
		w.mu.Lock()
		delete(w.jobs, a.LeaseID)
		w.mu.Unlock()
		w.poke()
	}()
}

// suspend stops the job's process; it reports whether a process was
// stopped. A job still downloading starts suspended.
func (j *job) suspend(now time.Time) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.suspended {
		return false
	}
	j.suspended, j.suspendedAt = true, now
	j.stateChangedLocked()
	if j.proc == nil {
		return false
	}
	if err := j.proc.Suspend(); err != nil {
		if !errors.Is(err, sandbox.ErrFinished) { // it just ended: nothing to stop
			j.w.log.Warn("Suspend failed", "jobID", j.a.JobID, "err", err)
		}
		return false
	}
	j.phase = "suspended"
	return true
}

func (j *job) resume() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.suspended {
		return false
	}
	j.suspended = false
	j.suspendedTotal += j.w.cfg.Now().Sub(j.suspendedAt)
	j.stateChangedLocked()
	if j.proc == nil {
		return false
	}
	if err := j.proc.Resume(); err != nil {
		if !errors.Is(err, sandbox.ErrFinished) {
			j.w.log.Warn("Resume failed", "jobID", j.a.JobID, "err", err)
		}
		return false
	}
	j.phase = "running"
	return true
}

// stateChangedLocked wakes keepLease without waiting: the heartbeat that
// tells the coordinator runs there.
func (j *job) stateChangedLocked() {
	select {
	case j.stateChanged <- struct{}{}:
	default: // a wake-up is already pending
	}
}

func (j *job) pid() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.proc == nil {
		return 0
	}
	return j.proc.Pid()
}

// stop ends the job for the given reason and waits for it.
func (j *job) stop(kind stopKind) {
	j.mu.Lock()
	if j.stopped == stopNone {
		j.stopped = kind
	}
	p := j.proc
	j.mu.Unlock()
	j.cancel()
	if p != nil {
		_ = p.Kill()
	}
	<-j.done
}

func (j *job) stopReason() stopKind {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.stopped
}

func (j *job) progress(now time.Time) (string, float64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	active := now.Sub(j.started) - j.suspendedTotal
	if j.suspended {
		active -= now.Sub(j.suspendedAt)
	}
	p := 0.0
	if t := time.Duration(j.a.Spec.Limits.TimeoutMS) * time.Millisecond; t > 0 && j.proc != nil {
		// Jobs say nothing of their progress: elapsed time over the
		// limit, shown as at most 95% until the job ends.
		p = min(0.95, active.Seconds()/t.Seconds())
	}
	return j.phase, p
}

func (j *job) status(now time.Time) JobStatus {
	s, p := j.progress(now)
	return JobStatus{ID: j.a.JobID, LeaseID: j.a.LeaseID, Status: s, StartedAt: j.started, Progress: p, Reward: j.a.Spec.RewardPerReplica}
}

func (j *job) setStatus(s string) {
	j.mu.Lock()
	j.phase = s
	j.mu.Unlock()
}

// run takes the job from download to report.
func (j *job) run(ctx context.Context) {
	w, a := j.w, j.a
	log := w.log.With("jobID", a.JobID, "leaseID", a.LeaseID)

	hbDone := make(chan struct{})
	go func() { defer close(hbDone); j.keepLease(ctx) }()
	defer func() { j.cancel(); <-hbDone }()

	modulePath, inputPath, err := j.fetch(ctx)
	if err != nil {
		if j.stopReason() == stopShutdown || ctx.Err() != nil && j.stopReason() == stopNone {
			return // resumed at the next start
		}
		log.Warn("Job inputs unavailable; giving it back", "err", err)
		j.finish(ctx, true)
		return
	}

	outPath := filepath.Join(w.cfg.Dir, "out", safeName(a.LeaseID))
	lim := w.cfg.Limits()
	memMB := int(min(a.Spec.Limits.MemoryBytes, max(lim.MemoryBytes, 16<<20)) >> 20)
	spec := sandbox.Spec{
		ModulePath:  modulePath,
		InputPath:   inputPath,
		OutputPath:  outPath,
		Args:        a.Spec.Args,
		Seed:        a.Spec.Seed,
		MemoryMB:    max(memMB, 1),
		Timeout:     time.Duration(a.Spec.Limits.TimeoutMS) * time.Millisecond,
		MaxOutputMB: int(max(1, (a.Spec.Limits.OutputBytes+(1<<20)-1)>>20)),
		ScratchDir:  w.scratchDir(a.LeaseID),
	}
	j.mu.Lock()
	if j.stopped != stopNone {
		j.mu.Unlock()
		j.afterStop(ctx)
		return
	}
	energy := w.cfg.Energy.Begin()
	proc, err := w.cfg.Sandbox.Start(ctx, spec)
	if err != nil {
		j.mu.Unlock()
		log.Error("Sandbox did not start; giving the job back", "err", err)
		j.finish(ctx, true)
		return
	}
	j.proc = proc
	j.phase = "running"
	if j.suspended {
		_ = proc.Suspend()
		j.phase = "suspended"
	}
	proc.SetDutyCycle(lim.DutyCycle)
	j.mu.Unlock()
	log.Info("Job started", "module", a.Spec.Module[:12], "memoryMB", spec.MemoryMB)

	res, werr := proc.Wait()
	if werr != nil {
		res.Kind, res.Message = sandbox.KindCrash, werr.Error()
	}
	wh, measured := w.cfg.Energy.End(energy, res.CPUSeconds, lim.WattsPerCore)

	if j.stopReason() != stopNone {
		j.afterStop(ctx)
		return
	}
	var output []byte
	switch res.Kind {
	case sandbox.KindNone:
		output, err = os.ReadFile(outPath)
		if err != nil {
			log.Error("Job output unreadable; giving it back", "err", err)
			j.finish(ctx, true)
			return
		}
	case sandbox.KindTime, sandbox.KindKilled, sandbox.KindCrash:
		// Not the module's fault, or not repeatable elsewhere: someone
		// else should run it.
		log.Warn("Job did not finish here; giving it back", "kind", res.Kind.String(), "message", res.Message)
		j.finish(ctx, true)
		return
	default:
		// The module failed in a way every honest node reproduces: that
		// failure is the result, and the replicas' agreement checks it.
		output = protocol.FailureLine(res.Message)
	}
	log.Info("Job finished", "kind", res.Kind.String(), "cpuSeconds", res.CPUSeconds, "wallSeconds", res.WallSeconds, "energyWh", wh)

	j.setStatus("reporting")
	rep := pendingReport{
		LeaseID: a.LeaseID,
		JobID:   a.JobID,
		Reward:  a.Spec.RewardPerReplica,
		Report: protocol.ResultReport{
			OutputHash: client.HashBytes(output),
			Metrics: protocol.Metrics{
				CPUSeconds:      res.CPUSeconds,
				WallSeconds:     res.WallSeconds,
				PeakMemoryBytes: int64(res.PeakMemoryBytes),
				EnergyWh:        wh,
				EnergyMeasured:  measured,
			},
		},
	}
	entry := ledgerEntry{
		LeaseID: a.LeaseID, JobID: a.JobID, FinishedAt: w.cfg.Now(), CPUSeconds: res.CPUSeconds, WallSeconds: res.WallSeconds,
		EnergyWh: wh, Measured: measured, CO2Grams: wh / 1000 * lim.GramsCO2PerKWh, Reward: a.Spec.RewardPerReplica, Verdict: protocol.VerdictPending,
	}
	if err := w.outbox.save(rep, output); err != nil {
		log.Error("Cannot keep the result on disk", "err", err)
	}
	verdict, err := w.deliver(ctx, rep, output)
	switch {
	case err == nil:
		entry.Verdict = verdict
		w.outbox.remove(rep.LeaseID)
	case isPermanent(err):
		log.Warn("Result refused", "err", err)
		entry.Verdict = "refused"
		w.outbox.remove(rep.LeaseID)
	default:
		log.Warn("Result kept to report later", "err", err)
	}
	if err := w.ledger.add(entry); err != nil {
		log.Error("Cannot record the job in the local ledger", "err", err)
	}
	j.finish(ctx, false)
}

// fetch downloads (or finds in the cache) the module and the input.
func (j *job) fetch(ctx context.Context) (module, input string, err error) {
	c := j.w.cfg.Coordinator
	module, err = j.w.blobs.get(ctx, c, j.a.Spec.Module, maxModuleBytes)
	if err != nil {
		return "", "", fmt.Errorf("module: %w", err)
	}
	if j.a.Spec.Input != "" {
		input, err = j.w.blobs.get(ctx, c, j.a.Spec.Input, maxInputBytes)
		if err != nil {
			return "", "", fmt.Errorf("input: %w", err)
		}
	}
	return module, input, nil
}

const (
	maxModuleBytes = 64 << 20
	maxInputBytes  = 256 << 20
)

// deliver uploads the output and reports the result.
func (w *Worker) deliver(ctx context.Context, rep pendingReport, output []byte) (string, error) {
	c := w.cfg.Coordinator
	if _, err := c.PutBlob(ctx, output); err != nil {
		return "", fmt.Errorf("upload output: %w", err)
	}
	ack, err := c.Report(ctx, rep.LeaseID, rep.Report)
	if err != nil {
		return "", fmt.Errorf("report result: %w", err)
	}
	w.ledger.poke()
	return ack.Verdict, nil
}

// isPermanent reports whether retrying a report can never succeed.
func isPermanent(err error) bool {
	return errors.Is(err, client.ErrLeaseGone) || errors.Is(err, client.ErrConflict) ||
		errors.Is(err, client.ErrBadRequest) || errors.Is(err, client.ErrNotFound) || errors.Is(err, client.ErrTooLarge)
}

// afterStop finishes a job stopped by the node.
func (j *job) afterStop(ctx context.Context) {
	switch j.stopReason() {
	case stopShutdown:
		// Keep the job file and scratch folder: the next start resumes it.
	case stopGiveBack:
		j.w.log.Info("Job given back after a long pause", "jobID", j.a.JobID)
		j.finish(context.WithoutCancel(ctx), true)
	case stopLost:
		j.w.log.Warn("Lease lost; job dropped", "jobID", j.a.JobID)
		j.finish(context.WithoutCancel(ctx), false)
	}
}

// finish removes the job's files, giving the lease back first if asked.
func (j *job) finish(ctx context.Context, giveBack bool) {
	w := j.w
	if giveBack {
		gctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if err := w.cfg.Coordinator.GiveBack(gctx, j.a.LeaseID); err != nil && !errors.Is(err, client.ErrLeaseGone) {
			w.log.Warn("Give back failed; the lease will expire", "jobID", j.a.JobID, "err", err)
		}
		cancel()
	}
	_ = os.Remove(w.jobFile(j.a.LeaseID))
	_ = os.RemoveAll(w.scratchDir(j.a.LeaseID))
	_ = os.Remove(filepath.Join(w.cfg.Dir, "out", safeName(j.a.LeaseID)))
}

// keepLease heartbeats the lease and gives it back when the job has been
// suspended longer than the grace period, or would outlive its deadline
// without a heartbeat. When the job is suspended or resumed it heartbeats
// at once with the new state, so the coordinator knows.
func (j *job) keepLease(ctx context.Context) {
	w := j.w
	deadline := j.a.Deadline
	next := w.cfg.Now().Add(heartbeatEvery(deadline, w.cfg.Now()))
	var stateRetry time.Time // after a failed state heartbeat
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-j.stateChanged:
			stateRetry = time.Time{}
		}
		now := w.cfg.Now()
		j.mu.Lock()
		suspended, since := j.suspended, j.suspendedAt
		j.mu.Unlock()
		if suspended && (now.Sub(since) >= w.cfg.Grace || deadline.Sub(now) < 5*time.Second) {
			go j.stop(stopGiveBack)
			return
		}
		state := protocol.ReplicaRunning
		if suspended {
			state = protocol.ReplicaSuspended
		}
		tell := state != j.toldState && !now.Before(stateRetry)
		if !tell && now.Before(next) {
			continue
		}
		var st protocol.LeaseState
		var err error
		if tell {
			st, err = w.cfg.Coordinator.HeartbeatState(ctx, j.a.LeaseID, state)
		} else {
			st, err = w.cfg.Coordinator.Heartbeat(ctx, j.a.LeaseID)
		}
		switch {
		case err == nil:
			deadline = st.Deadline
			next = now.Add(heartbeatEvery(deadline, now))
			if tell {
				j.toldState = state
				w.log.Debug("Told the coordinator the job's state", "jobID", j.a.JobID, "state", state)
			}
		case errors.Is(err, client.ErrLeaseGone) || errors.Is(err, client.ErrNotFound):
			go j.stop(stopLost)
			return
		case tell && errors.Is(err, client.ErrBadRequest):
			// A coordinator that refuses the state must still get plain
			// heartbeats, or the lease would expire.
			w.log.Warn("Coordinator refused the job's state; heartbeating without it", "jobID", j.a.JobID, "state", state, "err", err)
			j.toldState = state
		default:
			next = now.Add(2 * time.Second)
			if tell {
				stateRetry = next
			}
		}
	}
}

// heartbeatEvery spaces heartbeats at a third of the time left, between
// 1 s and 30 s.
func heartbeatEvery(deadline, now time.Time) time.Duration {
	return min(30*time.Second, max(time.Second, deadline.Sub(now)/3))
}

// recover resumes the jobs a previous run left: their leases may still be
// ours (a heartbeat tells), and their checkpoints are in their scratch
// folders.
func (w *Worker) recover(ctx context.Context) {
	entries, err := os.ReadDir(filepath.Join(w.cfg.Dir, "jobs"))
	if err != nil {
		return
	}
	for _, e := range entries {
		path := filepath.Join(w.cfg.Dir, "jobs", e.Name())
		data, err := os.ReadFile(path)
		var a protocol.Assignment
		if err == nil {
			err = json.Unmarshal(data, &a)
		}
		if err != nil || a.LeaseID == "" {
			w.log.Warn("Dropping unreadable job record", "file", e.Name(), "err", err)
			_ = os.Remove(path)
			continue
		}
		if _, err := w.cfg.Coordinator.Heartbeat(ctx, a.LeaseID); err != nil {
			if !errors.Is(err, client.ErrLeaseGone) && !errors.Is(err, client.ErrNotFound) {
				_ = w.cfg.Coordinator.GiveBack(ctx, a.LeaseID)
			}
			w.log.Info("Job from the last run is no longer ours", "jobID", a.JobID, "err", err)
			_ = os.Remove(path)
			_ = os.RemoveAll(w.scratchDir(a.LeaseID))
			continue
		}
		w.log.Info("Resuming job from the last run", "jobID", a.JobID)
		w.start(ctx, a, true)
	}
}

// sumRewards adds decimal base-unit amounts.
func sumRewards(amounts ...string) *big.Int {
	t := new(big.Int)
	for _, s := range amounts {
		if v, ok := new(big.Int).SetString(s, 10); ok {
			t.Add(t, v)
		}
	}
	return t
}
