package idle

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

const (
	// reprobeEvery is how often a chain without a working method tries
	// again: the node service may start before the desktop session.
	reprobeEvery = 30 * time.Second
	// maxInputFailures is how many failed polls in a row drop a method
	// and start a new probe (the X server or the bus went away).
	maxInputFailures = 3
	// probeTimeout bounds one method's first answer.
	probeTimeout = 2 * time.Second
)

// inputMethod is one way to read the idle time, with its connection open.
type inputMethod interface {
	idleFor(ctx context.Context) (time.Duration, error)
	close() error
}

// inputProber opens one method; name is what Method reports.
type inputProber struct {
	name string
	open func(ctx context.Context) (inputMethod, error)
}

// chainInput uses the first prober whose method answers, keeps its
// connection open, and probes again when it fails for good.
type chainInput struct {
	log     *slog.Logger
	probers []inputProber
	now     func() time.Time

	mu        sync.Mutex
	cur       inputMethod
	method    string
	why       string
	probed    bool
	lastProbe time.Time
	failures  int
	closed    bool
}

var (
	_ Input     = (*chainInput)(nil)
	_ io.Closer = (*chainInput)(nil)
)

// newChainInput probes at once so that Method is meaningful from the start.
func newChainInput(ctx context.Context, log *slog.Logger, probers []inputProber) *chainInput {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &chainInput{log: log, probers: probers, now: time.Now}
	c.mu.Lock()
	c.probe(ctx)
	c.mu.Unlock()
	return c
}

// IdleFor returns the time since the last keyboard or mouse input.
func (c *chainInput) IdleFor(ctx context.Context) (time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, fmt.Errorf("read input idle: closed: %w", ErrUnsupported)
	}
	if c.cur == nil && (!c.probed || c.now().Sub(c.lastProbe) >= reprobeEvery) {
		c.probe(ctx)
	}
	if c.cur == nil {
		return 0, fmt.Errorf("read input idle: %s: %w", c.why, ErrUnsupported)
	}
	d, err := c.cur.idleFor(ctx)
	if err != nil {
		c.failures++
		if c.failures >= maxInputFailures {
			c.log.Warn("Input idle method stopped working", "method", c.method, "err", err)
			_ = c.cur.close()
			c.cur = nil
			c.probed = false // probe again on the next call
			c.why = c.method + " stopped working"
			c.method = "none: " + c.why
		}
		return 0, fmt.Errorf("read input idle (%s): %w", c.method, err)
	}
	c.failures = 0
	return d, nil
}

// Method names the method in use, or "none: <why>".
func (c *chainInput) Method() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.method
}

// Close releases the open connection.
func (c *chainInput) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.cur == nil {
		return nil
	}
	err := c.cur.close()
	c.cur = nil
	return err
}

// probe tries each method in order; c.mu is held.
func (c *chainInput) probe(ctx context.Context) {
	c.probed = true
	c.lastProbe = c.now()
	c.failures = 0
	var reasons []string
	for _, p := range c.probers {
		m, err := c.try(ctx, p)
		if err != nil {
			reasons = append(reasons, p.name+": "+err.Error())
			continue
		}
		c.cur = m
		if c.method != p.name {
			c.log.Info("Input idle method chosen", "method", p.name)
		}
		c.method, c.why = p.name, ""
		return
	}
	why := "no method available"
	if len(reasons) > 0 {
		why = strings.Join(reasons, "; ")
	}
	if c.why != why {
		c.log.Warn("No input idle method works", "reasons", why)
	}
	c.why = why
	c.method = "none: " + why
}

func (c *chainInput) try(ctx context.Context, p inputProber) (inputMethod, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	m, err := p.open(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := m.idleFor(ctx); err != nil {
		_ = m.close()
		return nil, err
	}
	return m, nil
}

// NewInput returns the input idle signal for this OS and desktop. On Linux
// it tries, in order: the X11 screensaver extension (when DISPLAY is set),
// GNOME Mutter's IdleMonitor, org.freedesktop.ScreenSaver (KDE and
// others), and logind's idle hint. The result holds connections open:
// close it with Close (it implements io.Closer) when done.
func NewInput(log *slog.Logger) Input {
	ctx, cancel := context.WithTimeout(context.Background(), 4*probeTimeout)
	defer cancel()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return newChainInput(ctx, log, platformInputProbers(log))
}
