package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// hintAfter is how long waitJobs sees no progress before it says that
// jobs wait for more nodes than the network has.
var hintAfter = 20 * time.Second

// waitJobs polls jobs until every one is settled, like client.WaitJobs,
// calling progress (if set) after each poll. When neither a job settled
// nor a result arrived for hintAfter, and an open job has results from
// some nodes but fewer than it needs, it prints one hint line to hint:
// on a network with fewer nodes than replicas such jobs never settle.
// noun names a job in that line ("job", "tile").
func waitJobs(ctx context.Context, c *client.Client, ids []string, poll time.Duration, noun string, hint io.Writer,
	progress func(done, total int)) ([]protocol.JobStatus, error) {
	lastDone, lastResults := -1, -1
	lastChange := time.Now()
	hinted := false
	return client.WatchJobs(ctx, c, ids, poll, func(sts []protocol.JobStatus, done int) {
		if progress != nil {
			progress(done, len(ids))
		}
		results, short := 0, 0
		for _, st := range sts {
			if st.State != protocol.JobOpen {
				continue
			}
			results += st.Results
			if st.Results > 0 && st.Results < st.Target {
				short = max(short, st.Target)
			}
		}
		if done != lastDone || results != lastResults {
			lastDone, lastResults, lastChange = done, results, time.Now()
		} else if !hinted && short > 1 && time.Since(lastChange) >= hintAfter {
			fmt.Fprintf(hint, "waiting for more nodes: each %s needs %d nodes' results (replicas); a network with fewer nodes needs --replicas 1\n", noun, short)
			hinted = true
		}
	})
}
