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
// connection open, and probes again when it fails for good. Probing after
// the start runs in the background, so that a poll never waits for a dead
// X server or bus.
type chainInput struct {
	log     *slog.Logger
	probers []inputProber
	now     func() time.Time

	mu        sync.Mutex
	cur       inputMethod
	method    string
	why       string
	probed    bool
	probing   bool
	lastProbe time.Time
	failures  int
	closed    bool
	probes    sync.WaitGroup
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
	c.lastProbe, c.probed = c.now(), true
	m, name, why := c.find(ctx, probers)
	c.mu.Lock()
	c.adopt(m, name, why)
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
	if c.cur == nil && !c.probing && (!c.probed || c.now().Sub(c.lastProbe) >= reprobeEvery) {
		c.probed, c.probing, c.lastProbe = true, true, c.now()
		c.probes.Add(1)
		go c.probeInBackground(c.probers)
	}
	if c.cur == nil {
		return 0, fmt.Errorf("read input idle: %s: %w", c.why, ErrUnsupported)
	}
	d, err := c.cur.idleFor(ctx)
	if err != nil {
		c.failures++
		method := c.method
		if c.failures >= maxInputFailures {
			c.log.Warn("Input idle method stopped working", "method", c.method, "err", err)
			_ = c.cur.close()
			c.cur = nil
			c.probed = false // probe again on the next call
			c.why = c.method + " stopped working"
			c.method = "none: " + c.why
		}
		return 0, fmt.Errorf("read input idle (%s): %w", method, err)
	}
	c.failures = 0
	return d, nil
}

func (c *chainInput) probeInBackground(probers []inputProber) {
	defer c.probes.Done()
	// Not the caller's context: the poll that started this has returned.
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(probers)+1)*probeTimeout)
	defer cancel()
	m, name, why := c.find(ctx, probers)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.probing = false
	if c.closed {
		if m != nil {
			_ = m.close()
		}
		return
	}
	c.adopt(m, name, why)
}

// waitProbe waits for a background probe to finish (for tests).
func (c *chainInput) waitProbe() { c.probes.Wait() }

// Method names the method in use, or "none: <why>".
func (c *chainInput) Method() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.method
}

// Close releases the open connection and waits for a probe under way.
func (c *chainInput) Close() error {
	c.mu.Lock()
	c.closed = true
	var err error
	if c.cur != nil {
		err = c.cur.close()
		c.cur = nil
	}
	c.mu.Unlock()
	c.probes.Wait()
	return err
}

// find tries each method in order, without holding c.mu: it returns the
// first that answers, or why none did.
func (c *chainInput) find(ctx context.Context, probers []inputProber) (m inputMethod, name, why string) {
	var reasons []string
	for _, p := range probers {
		m, err := c.try(ctx, p)
		if err != nil {
			reasons = append(reasons, p.name+": "+err.Error())
			continue
		}
		return m, p.name, ""
	}
	if len(reasons) == 0 {
		return nil, "", "no method available"
	}
	return nil, "", strings.Join(reasons, "; ")
}

// adopt takes the result of find; c.mu is held.
func (c *chainInput) adopt(m inputMethod, name, why string) {
	c.failures = 0
	if m != nil {
		if c.method != name {
			c.log.Info("Input idle method chosen", "method", name)
		}
		c.cur, c.method, c.why = m, name, ""
		return
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
