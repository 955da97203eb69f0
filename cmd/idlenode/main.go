// Command idlenode is the node: the always-on service (`idlenode run`), its
// window (`idlenode window`), and the verbs that talk to them. Each verb
// lives in its own file and registers itself; main only dispatches.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/idlenode/idlenode/internal/buildinfo"
)

// command is one verb of the idlenode binary.
type command struct {
	name    string
	summary string
	// run gets the arguments after the verb. It returns errUsage for bad
	// arguments (the usage is printed), an exitError to choose the exit
	// status, or any other error to print it and exit 1.
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("idlenode: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

var errUsage = errors.New("usage")

// exitError ends the program with Code after printing Msg (if any).
type exitError struct {
	Code int
	Msg  string
}

func (e exitError) Error() string { return e.Msg }

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	case "version", "--version":
		fmt.Fprintln(stdout, buildinfo.String("idlenode"))
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "idlenode: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := c.run(ctx, args[1:], stdout, stderr)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, &ee):
		if ee.Msg != "" {
			fmt.Fprintf(stderr, "idlenode %s: %s\n", c.name, ee.Msg)
		}
		return ee.Code
	default:
		fmt.Fprintf(stderr, "idlenode %s: %v\n", c.name, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "idlenode lends this machine's idle time to a compute network.")
	fmt.Fprintln(w, "\nUsage: idlenode COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'idlenode COMMAND -h' for a command's flags.")
}

// newFlags returns a flag set that prints errors and usage to stderr and
// returns errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("idlenode "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, mapping a parse failure to errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}
