// Command idlectl is the requester's CLI: submit jobs to an idlenode
// network, follow them, fetch results, read earnings, and render the
// mandelbrot demo.
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
	"strings"
	"syscall"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/internal/buildinfo"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

type command func(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error

var commands = map[string]command{
	"submit":     cmdSubmit,
	"status":     cmdStatus,
	"wait":       cmdWait,
	"result":     cmdResult,
	"earnings":   cmdEarnings,
	"mandelbrot": cmdMandelbrot,
	"version":    cmdVersion,
}

// verbs say what each command takes and does, for the usage texts (apart
// from commands, which newFlags would otherwise reach in a cycle).
var verbs = map[string]struct{ args, summary string }{
	"submit": {"(--module FILE | --manifest FILE) [flags] [-- ARGS...]",
		"submit one job (--module, ARGS after -- are its arguments) or a manifest of many (--manifest); prints job ids"},
	"status": {"ID...",
		"print each job's state, replicas (results/wanted) and output; a failed module shows as failed: MESSAGE"},
	"wait": {"[flags] ID...",
		"wait until the jobs are settled and print their state as status does; exit 1 if any failed"},
	"result": {"ID -o FILE",
		"save a job's accepted output to FILE (- for stdout); a failed module's line is saved too, with exit 1"},
	"earnings": {"[flags] ADDRESS",
		"print the credits of a 0x address: total, by day, and its recent jobs"},
	"mandelbrot": {"[flags]",
		"render the Mandelbrot demo on the network: one job per tile, assembled into a PNG"},
	"version": {"",
		"print idlectl's version"},
}

var errUsage = errors.New("usage")

// globals are the flags before the command.
type globals struct {
	network, coordinator, keyFile string
	stderr                        io.Writer
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: idlectl [--network FILE | --coordinator URL] [--key-file FILE] COMMAND [flags]\n       idlectl --version\n\ncommands:\n")
	names := make([]string, 0, len(verbs))
	for n := range verbs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %s\n        %s\n", strings.TrimSpace(n+" "+verbs[n].args), verbs[n].summary)
	}
	fmt.Fprintf(w, "\nglobal flags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintf(w, "\nidlectl COMMAND -h describes a command's flags.\n")
}

func realMain(args []string, stdout, stderr io.Writer) int {
	g := &globals{stderr: stderr}
	fs := flag.NewFlagSet("idlectl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&g.network, "network", "", "network descriptor file or URL (network.json)")
	fs.StringVar(&g.coordinator, "coordinator", "", "coordinator URL (instead of --network)")
	fs.StringVar(&g.keyFile, "key-file", "", "file holding a hex private key to sign in with (default: a new ephemeral key)")
	version := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return 0
		}
		fmt.Fprintf(stderr, "idlectl: %v\n\n", err)
		usage(stderr, fs)
		return 2
	}
	if *version {
		fmt.Fprintln(stdout, buildinfo.String("idlectl"))
		return 0
	}
	switch {
	case fs.NArg() == 0:
		usage(stderr, fs)
		return 2
	case fs.Arg(0) == "help":
		usage(stdout, fs)
		return 0
	}
	run, ok := commands[fs.Arg(0)]
	if !ok {
		fmt.Fprintf(stderr, "idlectl: unknown command %q\n\n", fs.Arg(0))
		usage(stderr, fs)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, g, fs.Args()[1:], stdout, stderr)
	var ee exitError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintf(stderr, "idlectl %s: %s\n", fs.Arg(0), ee.msg)
		}
		return ee.code
	default:
		fmt.Fprintf(stderr, "idlectl %s: %v\n", fs.Arg(0), err)
		return 1
	}
}

type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// client builds the API client; signed is whether the command signs in.
func (g *globals) client(ctx context.Context, signed bool) (*client.Client, error) {
	url := g.coordinator
	if url == "" && g.network != "" {
		n, err := protocol.LoadNetwork(ctx, g.network)
		if err != nil {
			return nil, err
		}
		url = n.CoordinatorURL
	}
	if url == "" {
		if _, err := os.Stat("network.json"); err == nil {
			n, err := protocol.LoadNetwork(ctx, "network.json")
			if err != nil {
				return nil, err
			}
			url = n.CoordinatorURL
		} else {
			return nil, fmt.Errorf("no coordinator: pass --network FILE or --coordinator URL")
		}
	}
	if !signed {
		return client.New(url, nil)
	}
	var sg *client.KeySigner
	if g.keyFile != "" {
		data, err := os.ReadFile(g.keyFile)
		if err != nil {
			return nil, fmt.Errorf("read key file: %w", err)
		}
		key, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimSpace(string(data)), "0x"))
		if err != nil {
			// The error text could echo key material: keep it out.
			return nil, fmt.Errorf("key file %s does not hold a hex secp256k1 private key", g.keyFile)
		}
		sg = client.NewKeySigner(key)
	} else {
		var err error
		if sg, err = client.GenerateKeySigner(); err != nil {
			return nil, err
		}
		fmt.Fprintf(g.stderr, "idlectl: signing in with a new ephemeral key %s (pass --key-file to keep an identity)\n", sg.Address().Hex())
	}
	return client.New(url, sg)
}

// newFlags returns the flag set of command name, whose usage names its
// arguments and says what it does.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		v := verbs[name]
		fmt.Fprintf(w, "usage: idlectl [global flags] %s\n\n%s\n", strings.TrimSpace(name+" "+v.args), v.summary)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(w, "\nflags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

func cmdVersion(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	fmt.Fprintln(stdout, buildinfo.String("idlectl"))
	return nil
}

// parseFlags parses flags anywhere among the arguments (result ID -o F);
// everything after "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	// Re-parse nothing: leave the positionals where fs.Args finds them.
	_ = fs.Parse(append([]string{"--"}, pos...))
	return nil
}
