package worker

import (
	"context"
	"time"
)

// flushOutbox reports results that could not be reported when they were
// finished (the coordinator was unreachable), with backoff, until ctx ends.
func (w *Worker) flushOutbox(ctx context.Context) {
	// Jobs report their own results; this loop only retries what they
	// could not deliver, so it can look rarely.
	const base = 10 * time.Second
	wait := base
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(jitter(wait)):
		}
		reps, err := w.outbox.list()
		if err != nil {
			w.log.Warn("Outbox unreadable", "err", err)
			continue
		}
		failed := false
		for _, r := range reps {
			w.mu.Lock()
			_, running := w.jobs[r.LeaseID]
			w.mu.Unlock()
			if running {
				continue // its job goroutine reports it
			}
			out, err := w.outbox.output(r.LeaseID)
			if err != nil {
				w.log.Warn("Dropping a kept result without output", "jobID", r.JobID, "err", err)
				w.outbox.remove(r.LeaseID)
				continue
			}
			verdict, err := w.deliver(ctx, r, out)
			switch {
			case err == nil:
				w.log.Info("Kept result reported", "jobID", r.JobID, "verdict", verdict)
				w.outbox.remove(r.LeaseID)
				w.ledger.setVerdict(r.LeaseID, verdict)
			case isPermanent(err):
				w.log.Warn("Kept result refused", "jobID", r.JobID, "err", err)
				w.outbox.remove(r.LeaseID)
				w.ledger.setVerdict(r.LeaseID, "refused")
			default:
				failed = true
			}
		}
		if failed {
			wait = min(wait*2, w.cfg.MaxBackoff)
		} else {
			wait = base
		}
	}
}
