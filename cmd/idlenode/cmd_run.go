package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/idle"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
)

func init() {
	register(command{name: "run", summary: "run the node service (tray icon unless --headless)", run: runNode})
}

// services are the optional parts that other files of this command plug
// into the node service: the worker once a network is joined, the tray.
type nodeParts struct {
	paths    app.Paths
	log      *slog.Logger
	store    *settings.Store
	headless bool
	// openWindow: open the window once the service runs (run --open-window).
	openWindow bool
	input      idle.Input
}

// nodeHooks run in order while the service starts; each may add to deps
// and return a function run beside the core until ctx ends.
var nodeHooks []func(ctx context.Context, p *nodeParts, deps *app.Deps) (func(ctx context.Context, a *app.App, api *localapi.Server) error, error)

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func runNode(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	home := homeFlag(fs)
	headless := fs.Bool("headless", false, "no tray icon (servers, tests)")
	openWindow := fs.Bool("open-window", false, "also open the window; when the service already runs for this home, only open\nits window (the desktop menu entry: it works with or without a tray)")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	fs.StringVar(&passphraseFile, "passphrase-file", "", "read the wallet passphrase from `FILE` where no OS keyring runs (servers)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// An always-on service: trade a little CPU in the collector for a
	// smaller resident set (the heap is small and mostly short-lived).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	log, err := newLogger(stderr, *level)
	if err != nil {
		return err
	}
	paths, err := app.DefaultPaths(*home)
	if err != nil {
		return err
	}
	if err := paths.Ensure(); err != nil {
		return err
	}
	ln, err := localapi.Listen(paths.Socket())
	if errors.Is(err, localapi.ErrAlreadyRunning) && *openWindow {
		// Clicked again in the menu: the running service shows its window
		// (one window, brought to the front); a headless one has none, so
		// open one here.
		if err := localapi.NewClient(paths.Socket()).ShowWindow(ctx, ""); err == nil {
			return nil
		}
		var args []string
		if *home != "" {
			args = []string{"--home", *home}
		}
		return runWindow(ctx, args, stdout, stderr)
	}
	if errors.Is(err, localapi.ErrAlreadyRunning) {
		return exitError{Code: 1, Msg: err.Error() + " (socket " + paths.Socket() + ")"}
	}
	if err != nil {
		return err
	}
	defer ln.Close()
	defer os.Remove(paths.Socket())

	store, err := settings.Open(paths.Settings())
	if err != nil {
		return err
	}
	if p := store.Problem(); p.Message != "" {
		log.Warn("Settings file had problems", "problem", p.Message)
	}

	parts := &nodeParts{paths: paths, log: log, store: store, headless: *headless, openWindow: *openWindow}
	parts.input = idle.NewInput(log.With("component", "idle"))
	deps := app.Deps{Paths: paths, Settings: store, Input: parts.input, Log: log.With("component", "core")}
	var ours func() []int
	var runners []func(ctx context.Context, a *app.App, api *localapi.Server) error
	for _, h := range nodeHooks {
		r, err := h(ctx, parts, &deps)
		if err != nil {
			return err
		}
		if r != nil {
			runners = append(runners, r)
		}
	}
	if o, ok := deps.Worker.(interface{ Ours() []int }); ok {
		ours = o.Ours
	}
	sampler := idle.NewSampler(ours, log.With("component", "idle"))
	if c, ok := sampler.Input.(io.Closer); ok {
		_ = c.Close() // one input reader for the whole service: the one the core polls
	}
	sampler.Input = parts.input
	defer sampler.Close()
	deps.Sampler = sampler

	a := app.New(deps)
	api := localapi.NewServer(a, log.With("component", "localapi"))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2+len(runners))
	go func() { errc <- api.Serve(ctx, ln) }()
	for _, r := range runners {
		go func() { errc <- r(ctx, a, api) }()
	}
	log.Info("Node service started", "socket", paths.Socket(), "settings", store.Path(), "input", parts.input.Method())
	runErr := a.Run(ctx)
	cancel()
	for i := 0; i < 1+len(runners); i++ {
		if err := <-errc; err != nil && runErr == nil && !strings.Contains(err.Error(), "context canceled") {
			runErr = err
		}
	}
	log.Info("Node service stopped")
	return runErr
}
