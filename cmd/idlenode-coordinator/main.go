// Command idlenode-coordinator runs an idlenode network's coordinator
// (`serve`) and measures it (`bench`).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/coordinator/demo"
	"github.com/idlenode/idlenode/coordinator/sim"
	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/coordinator/store/postgres"
	"github.com/idlenode/idlenode/coordinator/store/sqlite"
	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/examples/mandelbrot"
	"github.com/idlenode/idlenode/internal/buildinfo"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

const usage = `usage: idlenode-coordinator COMMAND [flags]

commands:
  serve   run the coordinator: serve --listen ADDR --data DIR [--dev] [--demo]
  bench   measure round trips, lease latency and replication on loopback
  fund    give a dev wallet gas money: fund --network FILE ADDRESS
  version print the version (also --version)

Run a command with -h for its flags.
`

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if args[0] == "version" || args[0] == "--version" || args[0] == "-version" {
		fmt.Fprintln(stdout, buildinfo.String("idlenode-coordinator"))
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stderr)
	case "bench":
		err = bench(ctx, args[1:], stdout, stderr)
	case "fund":
		err = fund(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "idlenode-coordinator: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "idlenode-coordinator %s: %v\n", args[0], err)
		return 1
	}
}

var errUsage = errors.New("usage")

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "listen address HOST:PORT (port 0: any free one); on every interface (no host, 0.0.0.0 or [::]) --public-url is required")
	data := fs.String("data", "", "data directory: database, blobs, network.json (required)")
	public := fs.String("public-url", "", "URL nodes and clients reach the coordinator at: network.json's coordinator_url and the sign-in domain (default http://LISTEN; required when LISTEN is every interface)")
	name := fs.String("name", "dev", "network name written to network.json")
	chainID := fs.Uint64("chain-id", 0, "chain id nodes sign in for (0: no chain yet)")
	sync := fs.String("sync", "FULL", "durability: FULL (every acknowledged write survives power loss) or NORMAL (survives process crashes; no fsync per write)")
	leaseTTL := fs.Duration("lease-ttl", 60*time.Second, "how long a lease lasts unless a heartbeat extends it by as much again (at least 1s)")
	withDemo := fs.Bool("demo", false, "keep a stream of demo mandelbrot jobs queued")
	demoReplicas := fs.Int("demo-replicas", 2, fmt.Sprintf("with --demo: replicas per demo job, 1 to %d (1 for a network of one node)", protocol.MaxReplicas))
	demoReward := fs.String("demo-reward", "1000000000000000", "with --demo: reward per replica in base units")
	withDev := fs.Bool("dev", false, "start an in-memory dev chain with the reward contracts, and sign vouchers on it")
	chainListen := fs.String("chain-listen", "127.0.0.1:0", "with --dev: the dev chain's JSON-RPC address (port 0: the port of the last run on this --data folder when free, else any)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	rateLimit := fs.Float64("rate-limit", 50, "requests per second per client (address, or IP before sign-in), bursts of twice as many; 0: no limit")
	maxReward := fs.String("max-reward", "1000000000000000000", "largest reward per replica a job may offer, in base units (0: no maximum; the reward pool still bounds every submission)")
	pgDSN := fs.String("postgres", "", "PostgreSQL DSN: keep the state there instead of DIR/coordinator.db (several coordinators may share it; blobs over 256 KiB stay in DIR)")
	if err := parse(fs, args); err != nil {
		return err
	}
	// Values that cannot work are refused here, in one line, before
	// anything is bound or written.
	bad := func(format string, a ...any) error {
		fmt.Fprintf(stderr, "idlenode-coordinator serve: "+format+"\n", a...)
		return errUsage
	}
	if *data == "" {
		fmt.Fprintln(stderr, "serve: --data DIR is required")
		fs.Usage()
		return errUsage
	}
	maxRewardV, ok := new(big.Int).SetString(*maxReward, 10)
	if !ok || maxRewardV.Sign() < 0 {
		return bad("--max-reward %q: want a non-negative integer in base units", *maxReward)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*logLevel)); err != nil {
		return bad("--log-level %q: want debug, info, warn or error", *logLevel)
	}
	if r := *rateLimit; math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
		return bad("--rate-limit %v: want requests per second per client, 0 or more (0: no limit)", r)
	}
	if *leaseTTL < time.Second {
		return bad("--lease-ttl %s: want at least 1s (nodes heartbeat within it)", *leaseTTL)
	}
	*sync = strings.ToUpper(*sync)
	if *sync != "FULL" && *sync != "NORMAL" {
		return bad("--sync %q: want FULL or NORMAL", *sync)
	}
	if *demoReplicas < 1 || *demoReplicas > protocol.MaxReplicas {
		return bad("--demo-replicas %d: want 1 to %d", *demoReplicas, protocol.MaxReplicas)
	}
	if v, ok := new(big.Int).SetString(*demoReward, 10); !ok || v.Sign() < 0 {
		return bad("--demo-reward %q: want a non-negative integer in base units", *demoReward)
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return bad("--listen %q: want HOST:PORT", *listen)
	}
	if *public != "" {
		if u, err := url.Parse(*public); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return bad("--public-url %q: want an http:// or https:// URL", *public)
		}
	} else if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		// http://0.0.0.0:PORT would go into network.json and be the
		// sign-in domain: no remote node can use it.
		return bad("--listen %s is every interface: give --public-url, the URL nodes and clients reach this coordinator at (e.g. http://HOST:PORT)", *listen)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl}))
	// The order makes a failed start leave nothing behind: bind first (a
	// taken port fails before the data folder is touched), then the
	// folder, its lock and the database, then everything else that can
	// fail (the dev chain, the demo module), and the descriptors last.
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", *listen, err)
	}
	defer ln.Close()
	started := false
	created, err := coordinator.PrepareDataDir(*data, log)
	if created != "" {
		defer func() {
			if !started {
				_ = os.RemoveAll(created) // a folder this start made: all of it is ours
			}
		}()
	}
	if err != nil {
		return err
	}
	before := dirNames(*data)
	// One coordinator per data folder: a second would share the database
	// and overwrite the live network.json.
	unlock, err := coordinator.LockDataDir(*data)
	if err != nil {
		return err
	}
	defer unlock()
	defer func() {
		// Runs after the store and the chain are closed, still holding
		// the lock: whatever this start added to the folder goes.
		if !started && created == "" {
			removeNew(*data, before)
		}
	}()
	var st store.Store
	if *pgDSN != "" {
		st, err = postgres.Open(ctx, *pgDSN)
	} else {
		st, err = sqlite.Open(ctx, filepath.Join(*data, "coordinator.db"), sqlite.Options{Synchronous: *sync})
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if *public == "" {
		*public = "http://" + *listen
		if _, port, _ := net.SplitHostPort(*listen); port == "0" {
			*public = "http://" + ln.Addr().String() // the port picked
		}
	}
	cfg := coordinator.Config{Store: st, DataDir: *data, Logger: log, Listener: ln,
		PublicURL: *public, ChainID: *chainID, LeaseTTL: *leaseTTL, RelaxedSync: *sync == "NORMAL",
		RateLimit: rate.Limit(*rateLimit), RateBurst: max(int(2**rateLimit), 1), MaxReward: maxRewardV}
	if *rateLimit == 0 {
		cfg.RateLimit = rate.Inf // --rate-limit 0: no limit
	}
	network := protocol.Network{Name: *name, CoordinatorURL: *public, ChainID: *chainID}
	var chain *devnet.Chain
	if *withDev {
		chain, err = startDev(ctx, *data, *chainListen, &cfg, log)
		if err != nil {
			return err
		}
		defer chain.Close()
		network = devNetwork(chain, *name, *public)
	}
	srv, err := coordinator.New(cfg)
	if err != nil {
		return err
	}
	var module []byte
	if *withDemo {
		cache := filepath.Join(*data, "cache")
		log.Info("Building the demo module", "cacheDir", cache)
		if module, err = mandelbrot.Build(ctx, cache); err != nil {
			return fmt.Errorf("--demo: %w", err)
		}
	}
	if err := coordinator.WriteNetwork(*data, network); err != nil {
		return err
	}
	started = true
	log.Info("Network descriptor written", "path", filepath.Join(*data, "network.json"))
	if chain != nil {
		rememberDevChain(*data, chain, log)
	}
	if *withDemo {
		sg, err := client.GenerateKeySigner()
		if err != nil {
			return err
		}
		c, err := client.New(*public, sg)
		if err != nil {
			return err
		}
		log.Info("Demo requester started", "requester", sg.Address().Hex())
		go func() { _ = demo.Run(ctx, c, module, log, demo.Options{Replicas: *demoReplicas, Reward: *demoReward}) }()
	}
	return srv.Run(ctx)
}

// dirNames is the set of names in dir (empty when it cannot be read).
func dirNames(dir string) map[string]bool {
	names := map[string]bool{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names[e.Name()] = true
	}
	return names
}

// removeNew removes what is in dir and not in before: what a failed
// start added to an existing data folder.
func removeNew(dir string, before map[string]bool) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !before[e.Name()] {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o sim.BenchOptions
	fs.IntVar(&o.Nodes, "nodes", 32, "simulated nodes")
	fs.IntVar(&o.Jobs, "jobs", 5000, "jobs submitted up front")
	fs.IntVar(&o.Max, "max", 8, "assignments per lease call")
	fs.StringVar(&o.Synchronous, "sync", "FULL", "SQLite synchronous: FULL or NORMAL")
	fs.Int64Var(&o.TrustAfter, "trust-after", 20, "accepted replicas before single-replica jobs (-1: off)")
	fs.Float64Var(&o.SpotCheck, "spot-check", 0.1, "share of a trusted node's jobs still replicated")
	fs.BoolVar(&o.Parallel, "parallel", false, "nodes run a lease's assignments at once, like multi-core nodes")
	if err := parse(fs, args); err != nil {
		return err
	}
	r, err := sim.Bench(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "nodes %d, jobs %d, max %d, sync %s: %s\n", o.Nodes, o.Jobs, o.Max, o.Synchronous, r)
	return nil
}
