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

	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

type command struct {
	summary string
	run     func(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"submit":     {"submit one job (--module FILE) or a manifest of many (--manifest FILE); prints job ids", cmdSubmit},
	"status":     {"print the state of jobs: status ID... (a job whose module failed shows as failed: MESSAGE)", cmdStatus},
	"wait":       {"wait until jobs are settled: wait ID... (exit 1 if any failed)", cmdWait},
	"result":     {"save a job's accepted output: result ID -o FILE (exit 1, after writing it, if it is a failure line)", cmdResult},
	"earnings":   {"print an address's credits: earnings ADDRESS", cmdEarnings},
	"mandelbrot": {"render the demo on the network: mandelbrot --size N --tiles T -o out.png", cmdMandelbrot},
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
	fmt.Fprintf(w, "usage: idlectl [--network FILE | --coordinator URL] [--key-file FILE] COMMAND [flags]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nglobal flags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func realMain(args []string, stdout, stderr io.Writer) int {
	g := &globals{stderr: stderr}
	fs := flag.NewFlagSet("idlectl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&g.network, "network", "", "network descriptor file or URL (network.json)")
	fs.StringVar(&g.coordinator, "coordinator", "", "coordinator URL (instead of --network)")
	fs.StringVar(&g.keyFile, "key-file", "", "file holding a hex private key to sign in with (default: a new ephemeral key)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return 0
		}
		fmt.Fprintf(stderr, "idlectl: %v\n\n", err)
		usage(stderr, fs)
		return 2
	}
	if fs.NArg() == 0 || fs.Arg(0) == "help" {
		usage(stdout, fs)
		return 0
	}
	c, ok := commands[fs.Arg(0)]
	if !ok {
		fmt.Fprintf(stderr, "idlectl: unknown command %q\n\n", fs.Arg(0))
		usage(stderr, fs)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := c.run(ctx, g, fs.Args()[1:], stdout, stderr)
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

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
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
