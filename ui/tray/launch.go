package tray

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"
)

// Launcher starts the window process (`idlenode window --home DIR --tab
// TAB`) at most once at a time: a second click while a window is open
// starts nothing, as the open window is already there.
type Launcher struct {
	Exe  string // the idlenode binary; os.Executable() when empty
	Home string // the service's --home, passed on so several nodes work
	Log  *slog.Logger

	mu      sync.Mutex
	running *exec.Cmd
}

// Open starts the window on tab unless one runs. It does not wait for the
// window; the child is reaped when it exits.
func (l *Launcher) Open(tab string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running != nil {
		return nil
	}
	exe := l.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("find the idlenode binary: %w", err)
		}
	}
	args := []string{"window"}
	if tab != "" {
		args = append(args, "--tab", tab)
	}
	if l.Home != "" {
		args = append(args, "--home", l.Home)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the window: %w", err)
	}
	l.running = cmd
	go func() {
		err := cmd.Wait()
		if err != nil && l.Log != nil {
			l.Log.Warn("Window exited with an error", "err", err)
		}
		l.mu.Lock()
		l.running = nil
		l.mu.Unlock()
	}()
	return nil
}

// Running reports whether a window started by l is still open.
func (l *Launcher) Running() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.running != nil
}
