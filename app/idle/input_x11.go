//go:build linux

package idle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/screensaver"
	"github.com/jezek/xgb/xproto"
)

// x11Input asks the X server's MIT-SCREEN-SAVER extension over one
// connection kept open: each new connection would reset Xvfb's counter,
// and dialling costs far more than a query.
type x11Input struct {
	conn *xgb.Conn
	root xproto.Drawable
	// drained counts events dropped unread (for tests).
	drained int
}

var _ inputMethod = (*x11Input)(nil)

func openX11(ctx context.Context, display string) (*x11Input, error) {
	if display == "" {
		return nil, errors.New("DISPLAY not set")
	}
	var conn *xgb.Conn
	var err error
	// An X server resets when its last client leaves and drops
	// connections that arrive meanwhile: try again a little later.
	for wait := 50 * time.Millisecond; ; wait *= 2 {
		conn, err = xgb.NewConnDisplay(display)
		if err == nil {
			break
		}
		if wait > 400*time.Millisecond {
			return nil, fmt.Errorf("connect to X display: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect to X display: %w", err)
		case <-time.After(wait):
		}
	}
	if err := initScreenSaver(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("init screensaver extension: %w", err)
	}
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	return &x11Input{conn: conn, root: xproto.Drawable(root)}, nil
}

// initScreenSaver does what screensaver.Init does except register the
// extension's event decoders: Init writes xgb's global decoder map while
// the connection's reader goroutine may read it for an early event (a data
// race that can crash with "concurrent map read and map write"), and this
// package never selects screensaver events.
func initScreenSaver(conn *xgb.Conn) error {
	const name = "MIT-SCREEN-SAVER"
	reply, err := xproto.QueryExtension(conn, uint16(len(name)), name).Reply()
	switch {
	case err != nil:
		return err
	case reply == nil:
		return errors.New("connection closed")
	case !reply.Present:
		return errors.New("the X server has no " + name + " extension")
	}
	conn.ExtLock.Lock()
	conn.Extensions[name] = reply.MajorOpcode
	conn.ExtLock.Unlock()
	return nil
}

var routeXGBLog sync.Once

// x11Prober sends xgb's own log lines (it complains on stderr about a
// missing ~/.Xauthority at each connection) to log at debug level.
func x11Prober(log *slog.Logger) inputProber {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	routeXGBLog.Do(func() {
		xgb.Logger = slog.NewLogLogger(log.Handler(), slog.LevelDebug)
	})
	return inputProber{name: "x11-screensaver", open: func(ctx context.Context) (inputMethod, error) {
		return openX11(ctx, os.Getenv("DISPLAY"))
	}}
}

func (x *x11Input) idleFor(context.Context) (time.Duration, error) {
	r, err := screensaver.QueryInfo(x.conn, x.root).Reply()
	// The server sends some events unasked (MappingNotify on every
	// keyboard layout change): drop them, or xgb's queue fills after days
	// and its reader, and so every later Reply, blocks for good.
	for {
		ev, xerr := x.conn.PollForEvent()
		if ev == nil && xerr == nil {
			break
		}
		x.drained++
	}
	if err != nil {
		return 0, fmt.Errorf("query X screensaver info: %w", err)
	}
	if r == nil {
		return 0, errors.New("query X screensaver info: connection closed")
	}
	return time.Duration(r.MsSinceUserInput) * time.Millisecond, nil
}

func (x *x11Input) close() error {
	x.conn.Close()
	return nil
}
