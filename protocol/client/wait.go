package client

import (
	"context"
	"fmt"
	"time"

	"github.com/idlenode/idlenode/protocol"
)

// WaitJobs polls until every job is settled (done or failed) and returns
// their final states in order. progress, if not nil, gets the count of
// settled jobs after each round. It stops with ctx.
func WaitJobs(ctx context.Context, c *Client, ids []string, poll time.Duration, progress func(done, total int)) ([]protocol.JobStatus, error) {
	return WatchJobs(ctx, c, ids, poll, func(_ []protocol.JobStatus, done int) {
		if progress != nil {
			progress(done, len(ids))
		}
	})
}

// WatchJobs is WaitJobs that calls round after each poll with the latest
// status of every job (a settled job keeps its final one) and how many
// are settled.
func WatchJobs(ctx context.Context, c *Client, ids []string, poll time.Duration, round func(sts []protocol.JobStatus, done int)) ([]protocol.JobStatus, error) {
	if poll <= 0 {
		poll = time.Second
	}
	out := make([]protocol.JobStatus, len(ids))
	settled := make([]bool, len(ids))
	done := 0
	for {
		for i, id := range ids {
			if settled[i] {
				continue
			}
			st, err := c.Job(ctx, id)
			if err != nil {
				return out, fmt.Errorf("wait for jobs: %w", err)
			}
			out[i] = st
			if st.State != protocol.JobOpen {
				settled[i] = true
				done++
			}
		}
		if round != nil {
			round(out, done)
		}
		if done == len(ids) {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, fmt.Errorf("wait for jobs: %w", ctx.Err())
		case <-time.After(poll):
		}
	}
}
