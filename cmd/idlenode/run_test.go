package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/app/idle/idletest"
	"github.com/idlenode/idlenode/app/localapi"
)

// A second start while the service runs: plain `run` says it already
// runs; `run --open-window` (the desktop menu entry) goes to the window.
func TestRunAgainWhileRunning(t *testing.T) {
	if _, err := exec.LookPath(windowBinary); err == nil {
		t.Skip("a window program on the PATH would open here")
	}
	home := t.TempDir()
	paths, err := app.DefaultPaths(home)
	if err != nil {
		t.Fatal(err)
	}
	if err := paths.Ensure(); err != nil {
		t.Fatal(err)
	}
	ln, err := localapi.Listen(paths.Socket()) // the service already running
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	var out, errb bytes.Buffer
	err = runNode(context.Background(), []string{"--home", home, "--headless"}, &out, &errb)
	var ee exitError
	if !errors.As(err, &ee) || ee.Code != 1 || !strings.Contains(ee.Msg, "already running") {
		t.Fatalf("run again: %v", err)
	}
	err = runNode(context.Background(), []string{"--home", home, "--open-window"}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "window program") {
		t.Fatalf("run --open-window again: %v, want it to look for the window program", err)
	}
}

// With a tray-running service, the second click asks it to show its one
// window through the local API instead of opening another.
func TestRunOpenWindowAsksTheService(t *testing.T) {
	paths, store := apptest.Home(t, t.TempDir())
	a := app.New(app.Deps{Paths: paths, Settings: store, Sampler: idletest.New(nil).Sampler()})
	srv := localapi.NewServer(a, nil)
	shown := make(chan string, 1)
	srv.ServeWindow(func(tab string) error { shown <- tab; return nil })
	ln, err := localapi.Listen(paths.Socket())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })

	var out, errb bytes.Buffer
	if err := runNode(context.Background(), []string{"--home", paths.Config, "--open-window"}, &out, &errb); err != nil {
		t.Fatalf("run --open-window with a service running: %v", err)
	}
	select {
	case tab := <-shown:
		if tab != "" {
			t.Errorf("tab %q", tab)
		}
	default:
		t.Fatal("the service was not asked to show its window")
	}
}

func TestVersionAndNoCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := realMain([]string{"--version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "idlenode ") {
		t.Errorf("--version: %d %q", code, out.String())
	}
	out.Reset()
	if code := realMain(nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "Usage: idlenode COMMAND") {
		t.Errorf("no command: %d %q", code, errb.String())
	}
}
