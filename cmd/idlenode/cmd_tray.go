package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/ui/tray"
)

// The tray icon and menu live in the node service, unless --headless.
func init() {
	nodeHooks = append(nodeHooks, func(_ context.Context, p *nodeParts, _ *app.Deps) (func(ctx context.Context, a *app.App, api *localapi.Server) error, error) {
		if p.headless {
			return nil, nil
		}
		home := homeOf(p.paths)
		log := p.log.With("component", "tray")
		return func(ctx context.Context, a *app.App, api *localapi.Server) error {
			if exe, err := os.Executable(); err == nil {
				go tray.KeepAutostart(ctx, a, tray.NewAutostart(exe, home), log)
			}
			if n, err := tray.NewNotifier(); err == nil {
				defer n.Close()
				go tray.Notify(ctx, a, n, log)
			}
			l := &tray.Launcher{Home: home, Log: log}
			api.ServeWindow(l.Open) // `run --open-window` clicked again
			if p.openWindow {
				// Without a tray host (stock GNOME) the window is all the
				// owner sees; with one, it is what they clicked for.
				if err := l.Open(""); err != nil {
					log.Warn("Could not open the window", "err", err)
				}
			}
			return tray.Run(ctx, &tray.Menu{Core: a, Open: l.Open, Log: log})
		}, nil
	})
}

// homeOf gives back the --home folder the paths were made from, or "" for
// the OS folders, so the window finds this very service.
func homeOf(p app.Paths) string {
	if p.Runtime == p.Config && p.Data == filepath.Join(p.Config, "data") {
		return p.Config
	}
	return ""
}
