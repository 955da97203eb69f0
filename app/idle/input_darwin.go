//go:build darwin

package idle

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"time"
)

// darwinInput reads HIDIdleTime from `ioreg`, which needs no cgo. Each call
// starts a short process (a few ms); macOS has no cheaper cgo-free way.
type darwinInput struct{}

var _ inputMethod = darwinInput{}

func (darwinInput) idleFor(ctx context.Context) (time.Duration, error) {
	out, err := exec.CommandContext(ctx, "/usr/sbin/ioreg", "-r", "-d", "1", "-c", "IOHIDSystem").Output()
	if err != nil {
		return 0, fmt.Errorf("run ioreg: %w", err)
	}
	return parseHIDIdleTime(out)
}

func (darwinInput) close() error { return nil }

func platformInputProbers(log *slog.Logger) []inputProber {
	return []inputProber{{name: "macos-hididletime", open: func(context.Context) (inputMethod, error) {
		return darwinInput{}, nil
	}}}
}
