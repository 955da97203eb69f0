package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

func init() {
	register(command{name: "window", summary: "open the window: dashboard, settings, wallet, activity", run: runWindow})
}

// windowBinary is the fyne window program, installed beside this one.
const windowBinary = "idlenode-window"

// runWindow starts the window program with the same arguments (--home,
// --tab, --log-level) and waits for it: the window is a process of its own
// so that this binary, always running as the service, never links fyne.
func runWindow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	path, err := findWindow()
	if err != nil {
		return err
	}
	// Where the OS can, become the window program: one process, whose
	// id the tray started and watches.
	if err := execReplace(path, append([]string{path}, args...)); err != nil {
		return fmt.Errorf("start %s: %w", path, err)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitError{Code: ee.ExitCode()}
	}
	return err
}

// findWindow looks beside this executable first (bin/, /usr/bin), then on
// the PATH.
func findWindow() (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), windowBinary)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(windowBinary); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("the window program %s is not installed beside idlenode or on the PATH (make build puts it in bin/)", windowBinary)
}
