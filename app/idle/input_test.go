package idle

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptedMethod is an inputMethod whose answers a test sets.
type scriptedMethod struct {
	mu     sync.Mutex
	idle   time.Duration
	err    error
	closed bool
}

func (m *scriptedMethod) idleFor(context.Context) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.idle, m.err
}

func (m *scriptedMethod) close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

func (m *scriptedMethod) set(d time.Duration, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.idle, m.err = d, err
}

func scripted(name string, m *scriptedMethod, openErr *error) inputProber {
	return inputProber{name: name, open: func(context.Context) (inputMethod, error) {
		if openErr != nil && *openErr != nil {
			return nil, *openErr
		}
		return m, nil
	}}
}

func TestChainPicksFirstWorkingMethod(t *testing.T) {
	t.Parallel()
	noDisplay := errors.New("DISPLAY not set")
	broken := &scriptedMethod{err: errors.New("method not implemented")}
	good := &scriptedMethod{idle: 7 * time.Second}
	c := newChainInput(context.Background(), nil, []inputProber{
		scripted("x11-screensaver", nil, &noDisplay),
		scripted("gnome-mutter", broken, nil),
		scripted("freedesktop-screensaver", good, nil),
	})
	if got := c.Method(); got != "freedesktop-screensaver" {
		t.Fatalf("Method() = %q", got)
	}
	if !broken.closed {
		t.Error("a method that failed its probe was not closed")
	}
	d, err := c.IdleFor(context.Background())
	if err != nil || d != 7*time.Second {
		t.Fatalf("IdleFor() = %v, %v; want 7s", d, err)
	}
}

func TestChainNoneSaysWhy(t *testing.T) {
	t.Parallel()
	noDisplay := errors.New("DISPLAY not set")
	noBus := errors.New("no session bus")
	now := time.Unix(1000, 0)
	var clockMu sync.Mutex
	c := newChainInput(context.Background(), nil, nil)
	c.probers = []inputProber{scripted("x11-screensaver", nil, &noDisplay), scripted("gnome-mutter", nil, &noBus)}
	c.now = func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	c.probed = false

	_, err := c.IdleFor(context.Background()) // starts a probe
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("IdleFor() error = %v, want ErrUnsupported", err)
	}
	c.waitProbe()
	want := "none: x11-screensaver: DISPLAY not set; gnome-mutter: no session bus"
	if got := c.Method(); got != want {
		t.Fatalf("Method() = %q, want %q", got, want)
	}

	// The desktop session starts later: found at the next re-probe, not
	// before.
	late := &scriptedMethod{idle: time.Second}
	noBus = nil
	c.mu.Lock()
	c.probers[1] = scripted("gnome-mutter", late, &noBus)
	c.mu.Unlock()
	if _, err := c.IdleFor(context.Background()); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("IdleFor() before the re-probe interval = %v, want ErrUnsupported", err)
	}
	c.waitProbe() // none started
	clockMu.Lock()
	now = now.Add(reprobeEvery)
	clockMu.Unlock()
	// The poll that starts a probe does not wait for it.
	if _, err := c.IdleFor(context.Background()); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("IdleFor() that starts the probe = %v, want ErrUnsupported", err)
	}
	c.waitProbe()
	if d, err := c.IdleFor(context.Background()); err != nil || d != time.Second {
		t.Fatalf("IdleFor() after the re-probe interval = %v, %v", d, err)
	}
	if c.Method() != "gnome-mutter" {
		t.Fatalf("Method() = %q", c.Method())
	}
}

func TestChainDropsMethodThatStopsWorking(t *testing.T) {
	t.Parallel()
	first := &scriptedMethod{idle: time.Second}
	second := &scriptedMethod{idle: 2 * time.Second}
	c := newChainInput(context.Background(), nil, []inputProber{
		scripted("first", first, nil), scripted("second", second, nil),
	})
	if c.Method() != "first" {
		t.Fatalf("Method() = %q", c.Method())
	}
	first.set(0, errors.New("connection reset"))
	for i := range maxInputFailures {
		if _, err := c.IdleFor(context.Background()); err == nil || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("poll %d: error = %v", i, err)
		}
	}
	if !first.closed || !strings.HasPrefix(c.Method(), "none: ") {
		t.Fatalf("after %d failures: closed=%v Method()=%q", maxInputFailures, first.closed, c.Method())
	}
	// The next poll starts a probe; "first" still fails it.
	if _, err := c.IdleFor(context.Background()); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("IdleFor() while probing = %v, want ErrUnsupported", err)
	}
	c.waitProbe()
	d, err := c.IdleFor(context.Background())
	if err != nil || d != 2*time.Second || c.Method() != "second" {
		t.Fatalf("after re-probe: %v, %v, %q", d, err, c.Method())
	}
}

func TestChainClose(t *testing.T) {
	t.Parallel()
	m := &scriptedMethod{}
	c := newChainInput(context.Background(), nil, []inputProber{scripted("m", m, nil)})
	if err := c.Close(); err != nil || !m.closed {
		t.Fatalf("Close() = %v, closed = %v", err, m.closed)
	}
	if _, err := c.IdleFor(context.Background()); err == nil {
		t.Fatal("IdleFor() after Close succeeded")
	}
}

func TestParseHIDIdleTime(t *testing.T) {
	t.Parallel()
	const sample = `+-o IOHIDSystem  <class IOHIDSystem, id 0x100000475, registered, matched, active, busy 0 (0 ms), retain 29>
    {
      "HIDPowerOn" = 1
      "HIDIdleTime" = 1234567890
      "HIDParameters" = {"HIDKeyRepeat"=83333333}
    }
`
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr bool
	}{
		{name: "ioreg output", in: sample, want: 1234567890 * time.Nanosecond},
		{name: "no key", in: "+-o IOHIDSystem\n{}\n", wantErr: true},
		{name: "no value", in: `"HIDIdleTime" = `, wantErr: true},
		{name: "not a number", in: `"HIDIdleTime" = <00>`, wantErr: true},
		{name: "no equals", in: `"HIDIdleTime" 5`, wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "overflow", in: `"HIDIdleTime" = 99999999999999999999999`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseHIDIdleTime([]byte(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("parseHIDIdleTime() = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func FuzzParseHIDIdleTime(f *testing.F) {
	f.Add([]byte(`"HIDIdleTime" = 42`))
	f.Add([]byte(`"HIDIdleTime"=`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := parseHIDIdleTime(b)
		if err == nil && d < 0 {
			t.Fatalf("negative idle time %v", d)
		}
	})
}

// TestChainPollNeverWaitsForAProbe: a probe stuck on a dead X server or
// bus must not hold up the poll that started it.
func TestChainPollNeverWaitsForAProbe(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := &scriptedMethod{idle: 3 * time.Second}
	c := newChainInput(context.Background(), nil, nil)
	c.probers = []inputProber{{name: "slow", open: func(context.Context) (inputMethod, error) {
		<-release
		return slow, nil
	}}}
	c.probed = false
	for range 3 {
		if _, err := c.IdleFor(context.Background()); !errors.Is(err, ErrUnsupported) {
			t.Fatalf("IdleFor() during a probe = %v, want ErrUnsupported", err)
		}
	}
	close(release)
	c.waitProbe()
	if d, err := c.IdleFor(context.Background()); err != nil || d != 3*time.Second || c.Method() != "slow" {
		t.Fatalf("after the probe: %v, %v, %q", d, err, c.Method())
	}
}

func TestChainCloseDuringProbe(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	found := &scriptedMethod{}
	c := newChainInput(context.Background(), nil, nil)
	c.probers = []inputProber{{name: "late", open: func(context.Context) (inputMethod, error) {
		<-release
		return found, nil
	}}}
	c.probed = false
	_, _ = c.IdleFor(context.Background())
	done := make(chan error)
	go func() { done <- c.Close() }()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	found.mu.Lock()
	closed := found.closed
	found.mu.Unlock()
	if !closed {
		t.Fatal("a method found after Close was left open")
	}
}
