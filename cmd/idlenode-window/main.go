// Command idlenode-window is the idlenode window: dashboard, settings,
// wallet and activity, over the node service's local API. It holds no node
// logic and exits when closed; the service keeps working.
//
// It is a binary of its own so that the always-on service, the CLI verbs
// and every job's sandbox child do not link fyne: fyne's package
// initialisation costs each of them memory and start-up time, and prints
// locale warnings under LANG=C. `idlenode window` starts it.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/ui/window"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("idlenode window", flag.ContinueOnError)
	fs.SetOutput(stderr)
	home := fs.String("home", "", "the node's home folder, as for 'idlenode run --home' (default: the OS folders; also $"+app.HomeEnv+")")
	tab := fs.String("tab", "", "the tab to show: "+strings.Join(window.Tabs, ", ")+" (default: the dashboard, or the first run for a new node)")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	// The tray's Launcher passes this (tray.WindowCommandsFlag).
	commands := fs.Bool("commands-on-stdin", false, "read commands from stdin: 'show' or 'show TAB' brings the window to the front (the tray uses this)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(stderr, "idlenode window: log level %q: use debug, info, warn or error\n", *level)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl}))
	paths, err := app.DefaultPaths(*home)
	if err != nil {
		fmt.Fprintf(stderr, "idlenode window: %v\n", err)
		return 1
	}
	if p := displayProblem(os.Getenv); p != "" {
		fmt.Fprintf(stderr, "idlenode window: %s\n", p)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fa := fyneapp.NewWithID("org.idlenode.window")
	u, err := window.New(fa, localapi.NewClient(paths.Socket()), window.Options{Tab: *tab, Log: log.With("component", "window")})
	if errors.Is(err, window.ErrUnknownTab) {
		fmt.Fprintf(stderr, "idlenode window: --tab %s: %v\n", *tab, err)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "idlenode window: %v\n", err)
		return 1
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go u.Run(runCtx)
	if *commands {
		go readCommands(os.Stdin, func(tab string) { fyne.Do(func() { u.Raise(tab) }) }, log)
	}
	go func() { // a signal closes the window like its close button
		<-runCtx.Done()
		if ctx.Err() != nil {
			fyne.Do(fa.Quit)
			// A window is nothing to save: should the toolkit not get
			// round to quitting (seen once under load in the e2e run),
			// a signal must still end the process.
			time.Sleep(quitGrace)
			log.Warn("The window did not close after a signal; exiting")
			os.Exit(0)
		}
	}()
	u.Window().ShowAndRun()
	return 0
}

// quitGrace is how long the window may take to close after a signal.
const quitGrace = 5 * time.Second

// readCommands reads the tray's commands, one per line, until r ends: "show"
// or "show TAB" calls raise with TAB ("" for none).
func readCommands(r io.Reader, raise func(tab string), log *slog.Logger) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 1 && f[0] == "show":
			raise("")
		case len(f) == 2 && f[0] == "show":
			raise(f[1])
		case len(f) > 0:
			log.Warn("Unknown command on stdin", "command", f[0])
		}
	}
}
