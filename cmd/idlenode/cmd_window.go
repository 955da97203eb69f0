package main

import (
	"context"
	"errors"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/ui/window"
)

func init() {
	register(command{name: "window", summary: "open the window: dashboard, settings, wallet, activity", run: runWindow})
}

func runWindow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("window", stderr)
	home := homeFlag(fs)
	tab := fs.String("tab", "", "the tab to show: "+strings.Join(window.Tabs, ", ")+" (default: the dashboard, or the first run for a new node)")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := newLogger(stderr, *level)
	if err != nil {
		return err
	}
	paths, err := app.DefaultPaths(*home)
	if err != nil {
		return err
	}
	fa := fyneapp.NewWithID("org.idlenode.window")
	u, err := window.New(fa, localapi.NewClient(paths.Socket()), window.Options{Tab: *tab, Log: log.With("component", "window")})
	if errors.Is(err, window.ErrUnknownTab) {
		return exitError{Code: 2, Msg: "--tab " + *tab + ": " + err.Error()}
	}
	if err != nil {
		return err
	}
	signalled := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go u.Run(ctx)
	go func() { // a signal closes the window like its close button
		<-ctx.Done()
		if signalled.Err() != nil {
			fyne.Do(fa.Quit)
		}
	}()
	u.Window().ShowAndRun()
	return nil
}
