//go:build linux

package idle

import (
	"context"
	"errors"
	"fmt"
	"os"
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
}

var _ inputMethod = (*x11Input)(nil)

func openX11(display string) (*x11Input, error) {
	if display == "" {
		return nil, errors.New("DISPLAY not set")
	}
	conn, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("connect to X display: %w", err)
	}
	if err := screensaver.Init(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("init screensaver extension: %w", err)
	}
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	return &x11Input{conn: conn, root: xproto.Drawable(root)}, nil
}

func x11Prober() inputProber {
	return inputProber{name: "x11-screensaver", open: func(context.Context) (inputMethod, error) {
		return openX11(os.Getenv("DISPLAY"))
	}}
}

func (x *x11Input) idleFor(context.Context) (time.Duration, error) {
	r, err := screensaver.QueryInfo(x.conn, x.root).Reply()
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
