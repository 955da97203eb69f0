package tray

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
)

// Launcher starts the window process (`idlenode window --home DIR --tab
// TAB`) at most once at a time: a second click while a window is open
// brings that window to the front, on the tab clicked, through its stdin.
type Launcher struct {
	Exe  string // the idlenode binary; os.Executable() when empty
	Home string // the service's --home, passed on so several nodes work
	Log  *slog.Logger

	mu      sync.Mutex
	control io.WriteCloser // the open window's stdin; nil when none is open
}

// WindowCommandsFlag makes the window program read commands from its
// stdin: a line "show" or "show TAB" brings it to the front, on TAB.
const WindowCommandsFlag = "--commands-on-stdin"

// Open starts the window on tab, or brings the one it started to the
// front on tab. It does not wait for the window; the child is reaped when
// it exits.
func (l *Launcher) Open(tab string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.control != nil {
		line := "show\n"
		if tab != "" {
			line = "show " + tab + "\n"
		}
		if _, err := io.WriteString(l.control, line); err != nil {
			return fmt.Errorf("raise the window: %w", err) // it is closing
		}
		return nil
	}
	exe := l.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("find the idlenode binary: %w", err)
		}
	}
	args := []string{"window", WindowCommandsFlag}
	if tab != "" {
		args = append(args, "--tab", tab)
	}
	if l.Home != "" {
		args = append(args, "--home", l.Home)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	control, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("start the window: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the window: %w", err)
	}
	l.control = control
	go func() {
		err := cmd.Wait()
		if err != nil && l.Log != nil {
			l.Log.Warn("Window exited with an error", "err", err)
		}
		l.mu.Lock()
		l.control = nil
		l.mu.Unlock()
	}()
	return nil
}

// Running reports whether a window started by l is still open.
func (l *Launcher) Running() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.control != nil
}
