package mandelbrot

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// Job describes one rendering on the network.
type Job struct {
	Size, Tiles int
	Replicas    int
	Reward      string        // per replica, base units
	Deadline    time.Duration // per tile job
	Poll        time.Duration // status poll interval, default 1 s
	// Progress, if set, is called after each poll with settled and total.
	Progress func(done, total int)
	// Wait, if set, replaces client.WaitJobs (idlectl's also says when
	// tiles wait for more nodes than the network has).
	Wait func(ctx context.Context, c *client.Client, ids []string, poll time.Duration, progress func(done, total int)) ([]protocol.JobStatus, error)
}

// Render uploads module, submits one job per tile, waits for every tile,
// downloads and checks the outputs and assembles the image.
func Render(ctx context.Context, c *client.Client, module []byte, j Job) (*image.Paletted, error) {
	tiles, err := Tiles(j.Size, j.Tiles)
	if err != nil {
		return nil, err
	}
	mod, err := c.PutBlob(ctx, module)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	specs := make([]protocol.JobSpec, len(tiles))
	for i, t := range tiles {
		specs[i] = protocol.JobSpec{Runtime: protocol.RuntimeWASI, Module: mod, Args: t.Args(), Seed: uint64(i),
			Limits:           protocol.Limits{MemoryBytes: 256 << 20, TimeoutMS: 120_000, OutputBytes: int64(t.W * t.H)},
			RewardPerReplica: j.Reward, Replicas: j.Replicas, Deadline: time.Now().Add(j.Deadline)}
	}
	ids, err := c.Submit(ctx, specs...)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	wait := j.Wait
	if wait == nil {
		wait = client.WaitJobs
	}
	sts, err := wait(ctx, c, ids, j.Poll, j.Progress)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	outs := make([][]byte, len(tiles))
	for i, st := range sts {
		if st.State != protocol.JobDone {
			return nil, fmt.Errorf("render: tile %d (job %s) %s: %s", i, st.ID, st.State, st.Error)
		}
		// A failure line may be longer than a small tile.
		if outs[i], err = c.GetBlob(ctx, st.OutputHash, max(int64(tiles[i].W*tiles[i].H), protocol.MaxFailureBytes)); err != nil {
			return nil, fmt.Errorf("render: tile %d: %w", i, err)
		}
		if msg, ok := protocol.ParseFailure(outs[i]); ok {
			return nil, fmt.Errorf("render: tile %d (job %s) failed: %s", i, st.ID, msg)
		}
	}
	return Assemble(j.Size, tiles, outs)
}
