// Package demo is a built-in requester for dev networks: it keeps a
// stream of mandelbrot tile jobs queued so that a node joining earns
// within a minute.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/idlenode/idlenode/examples/mandelbrot"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// Options tune the demo requester.
type Options struct {
	Queue    int           // jobs kept outstanding, default 16
	Size     int           // image size, default 1024
	Tiles    int           // tiles per image (square), default 64
	Reward   string        // per replica, base units, default "1000000000000000" (0.001 of an 18-decimal token)
	Replicas int           // default 2
	Poll     time.Duration // default 2 s
	Deadline time.Duration // per job, default 1 h
}

func (o *Options) defaults() {
	if o.Queue <= 0 {
		o.Queue = 16
	}
	if o.Size <= 0 {
		o.Size = 1024
	}
	if o.Tiles <= 0 {
		o.Tiles = 64
	}
	if o.Reward == "" {
		o.Reward = "1000000000000000"
	}
	if o.Replicas <= 0 {
		o.Replicas = 2
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Deadline <= 0 {
		o.Deadline = time.Hour
	}
}

// Run uploads module and keeps opts.Queue tile jobs outstanding until ctx
// ends. Coordinator errors are logged and retried.
func Run(ctx context.Context, c *client.Client, module []byte, log *slog.Logger, opts Options) error {
	opts.defaults()
	tiles, err := mandelbrot.Tiles(opts.Size, opts.Tiles)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	var mod string
	outstanding := map[string]bool{}
	next := rand.IntN(len(tiles))
	t := time.NewTicker(opts.Poll)
	defer t.Stop()
	for {
		if err := step(ctx, c, module, &mod, tiles, &next, outstanding, opts); err != nil && ctx.Err() == nil {
			log.Warn("Demo requester step failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func step(ctx context.Context, c *client.Client, module []byte, mod *string, tiles []mandelbrot.Tile, next *int, outstanding map[string]bool, opts Options) error {
	if *mod == "" {
		h, err := c.PutBlob(ctx, module)
		if err != nil {
			return err
		}
		*mod = h
	}
	for id := range outstanding {
		st, err := c.Job(ctx, id)
		if err != nil {
			return err
		}
		if st.State != protocol.JobOpen {
			delete(outstanding, id)
		}
	}
	var batch []protocol.JobSpec
	for len(outstanding)+len(batch) < opts.Queue {
		tl := tiles[*next%len(tiles)]
		*next++
		batch = append(batch, protocol.JobSpec{
			Runtime: protocol.RuntimeWASI, Module: *mod, Args: tl.Args(), Seed: uint64(*next),
			Limits:           protocol.Limits{MemoryBytes: 256 << 20, TimeoutMS: 60_000, OutputBytes: int64(tl.W*tl.H) + 1024},
			RewardPerReplica: opts.Reward, Replicas: opts.Replicas, Deadline: time.Now().Add(opts.Deadline),
		})
	}
	if len(batch) == 0 {
		return nil
	}
	ids, err := c.Submit(ctx, batch...)
	if err != nil {
		return err
	}
	for _, id := range ids {
		outstanding[id] = true
	}
	return nil
}
