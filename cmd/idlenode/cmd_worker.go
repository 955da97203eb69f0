package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
	"github.com/idlenode/idlenode/app/walletsvc"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
	"github.com/idlenode/idlenode/wallet"
	"github.com/idlenode/idlenode/worker"
	"github.com/idlenode/idlenode/worker/sandbox"
)

func init() {
	register(command{name: "join", summary: "join a network from its descriptor: join FILE|URL", run: runJoin})
	nodeHooks = append(nodeHooks, workerHook)
}

// passphraseFileFlag is set by `idlenode run --passphrase-file`.
var passphraseFile string

// walletOptions are the wallet options of this process: the OS keyring,
// and the passphrase file when one was given (servers without a keyring).
func walletOptions(p *nodeParts) wallet.Options {
	opts := wallet.Options{Log: p.log.With("component", "wallet")}
	if passphraseFile != "" {
		opts.Prompt = func(context.Context, string) (string, error) { return readPassphraseFile(passphraseFile) }
	}
	return opts
}

func readPassphraseFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read passphrase file: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// walletSigner signs in to the coordinator with the wallet's key.
type walletSigner struct{ w *wallet.Wallet }

func (s walletSigner) Address() common.Address { return s.w.Address() }

func (s walletSigner) SignMessage(msg []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sig, err := s.w.SignMessage(ctx, msg)
	// Decrypting the key file takes scrypt's 256 MiB; hand it back to the
	// OS now rather than keep an always-on service that large.
	debug.FreeOSMemory()
	return sig, signerError(err)
}

// signerError marks the wallet failures that only the owner can fix, so
// that the node says what to do instead of "cannot reach the network".
func signerError(err error) error {
	switch {
	case errors.Is(err, wallet.ErrWrongPassphrase):
		// Each try decrypts the key (a second of CPU): not often.
		return &worker.OwnerActionError{Reason: "The wallet's passphrase is wrong: fix the passphrase file given to 'idlenode run' or the OS keyring entry", Err: err, Retry: time.Minute}
	case errors.Is(err, wallet.ErrPassphraseNeeded), errors.Is(err, wallet.ErrNoKeyring), errors.Is(err, wallet.ErrNotInKeyring):
		// Cheap to check again, and the owner may unlock any moment.
		return &worker.OwnerActionError{Reason: "The wallet is locked: unlock it in the window's Wallet tab, or start with 'idlenode run --passphrase-file FILE'", Err: err, Retry: 5 * time.Second}
	}
	return err
}

// workerHook adds the wallet service and the worker to the node service.
// A node that has not joined a network or has no wallet yet stays in setup,
// says what is missing, and starts working as soon as both exist (joined
// from the CLI, wallet created in the window), without a restart.
func workerHook(ctx context.Context, p *nodeParts, deps *app.Deps) (func(context.Context, *app.App, *localapi.Server) error, error) {
	rt := &nodeRuntime{p: p, setup: "Starting"}
	svc, err := walletsvc.New(walletsvc.Config{
		Dir:     p.paths.Wallet(),
		Options: walletOptions(p),
		Network: rt.currentNetwork,
		Voucher: rt.voucherSource,
		Log:     p.log.With("component", "wallet"),
	})
	if err != nil {
		return nil, err
	}
	rt.svc = svc
	deps.Worker = rt
	deps.Wallet = svc
	return func(ctx context.Context, _ *app.App, api *localapi.Server) error {
		api.ServeWallet(svc)
		api.ServeNetwork(&networkService{paths: p.paths, store: p.store, working: rt.workingNetwork})
		go svc.Run(ctx)
		return rt.Run(ctx)
	}, nil
}

// nodeRuntime is the worker as the core sees it, present before the real
// worker can start.
type nodeRuntime struct {
	p   *nodeParts
	svc *walletsvc.Service

	mu      sync.Mutex
	wk      *worker.Worker
	client  *client.Client
	network protocol.Network
	joined  bool
	setup   string
	allowed bool
	reason  string
}

func (r *nodeRuntime) currentNetwork() (protocol.Network, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.network, r.joined
}

func (r *nodeRuntime) voucherSource() wallet.VoucherSource {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client == nil {
		return nil
	}
	return r.client
}

// SetAllowed implements app.Worker.
func (r *nodeRuntime) SetAllowed(allowed bool, reason string) {
	r.mu.Lock()
	r.allowed, r.reason = allowed, reason
	wk := r.wk
	r.mu.Unlock()
	if wk != nil {
		wk.SetAllowed(allowed, reason)
	}
}

// Ours reports the job processes' ids.
func (r *nodeRuntime) Ours() []int {
	r.mu.Lock()
	wk := r.wk
	r.mu.Unlock()
	if wk == nil {
		return nil
	}
	return wk.Ours()
}

// Status implements app.Worker.
func (r *nodeRuntime) Status() app.WorkerStatus {
	r.mu.Lock()
	wk, setup, n := r.wk, r.setup, r.network
	r.mu.Unlock()
	if wk == nil {
		return app.WorkerStatus{SetupNeeded: setup, Network: app.NetworkState{Name: n.Name, CoordinatorURL: n.CoordinatorURL}}
	}
	return workerStatus(wk.Status())
}

// Run waits until the node has a network and a wallet, then runs the worker.
func (r *nodeRuntime) Run(ctx context.Context) error {
	for {
		wk, err := r.prepare(ctx)
		if err != nil {
			return err
		}
		if wk != nil {
			return wk.Run(ctx)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(2 * time.Second):
		}
	}
}

// workerDir is the worker's folder (worker.Config.Dir).
func workerDir(p app.Paths) string { return filepath.Join(p.Data, "worker") }

// What the node needs before it can work, in the words of the state.
const (
	setupNoNetwork  = "Not part of a network yet: join one in the window or with 'idlenode join FILE|URL'"
	setupBadNetwork = "The joined network's file is unreadable: "
	setupNoWallet   = "No wallet yet: create one in the window or with 'idlenode wallet create'"
)

// prepare builds the worker once everything it needs exists; nil means
// not yet (r.setup says why).
func (r *nodeRuntime) prepare(ctx context.Context) (*worker.Worker, error) {
	p := r.p
	n, err := protocol.LoadNetwork(ctx, p.paths.Network())
	if errors.Is(err, fs.ErrNotExist) {
		r.setSetup(setupNoNetwork)
		return nil, nil
	}
	if err != nil {
		r.setSetup(setupBadNetwork + err.Error())
		return nil, nil
	}
	r.mu.Lock()
	r.network, r.joined = n, true
	r.mu.Unlock()
	w := r.svc.Wallet()
	if w == nil {
		r.setSetup(setupNoWallet)
		return nil, nil
	}
	c, err := client.New(n.CoordinatorURL, walletSigner{w})
	if err != nil {
		return nil, err
	}
	store := p.store
	totalMem := uint64(0)
	if vm, err := mem.VirtualMemory(); err == nil {
		totalMem = vm.Total
	}
	limits := func() worker.Limits { return limitsFrom(store.Get(), runtime.NumCPU(), totalMem) }
	l := limits()
	wk, err := worker.New(worker.Config{
		Dir:         workerDir(p.paths),
		Coordinator: c,
		Sandbox:     worker.SandboxRunner{R: &sandbox.Runner{CacheDir: filepath.Join(p.paths.Data, "wasm"), Log: p.log.With("component", "sandbox")}},
		Limits:      limits,
		Capabilities: protocol.Capabilities{
			Cores: l.Slots, MemoryMB: l.MemoryBytes >> 20, Runtimes: []string{protocol.RuntimeWASI},
		},
		Benchmark: func() int64 { return int64(store.Get().BenchmarkMiBps) },
		Network:   n,
		Log:       p.log.With("component", "worker"),
	})
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.wk, r.client, r.setup = wk, c, ""
	allowed, reason := r.allowed, r.reason
	r.mu.Unlock()
	wk.SetAllowed(allowed, reason)
	p.log.Info("Worker ready", "network", n.Name, "coordinator", n.CoordinatorURL, "address", w.Address().Hex(), "slots", l.Slots)
	return wk, nil
}

func (r *nodeRuntime) setSetup(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.setup != why {
		r.p.log.Info("Waiting for setup", "missing", why)
	}
	r.setup = why
}

// limitsFrom turns the owner's settings into the worker's limits.
func limitsFrom(s settings.Settings, cores int, totalMem uint64) worker.Limits {
	slots := int(math.Floor(float64(cores) * float64(s.CoresPercent) / 100))
	return worker.Limits{
		Slots:          max(1, slots),
		DutyCycle:      s.DutyCyclePercent,
		MemoryBytes:    int64(float64(totalMem) * float64(s.MaxMemoryPercent) / 100),
		WattsPerCore:   s.WattsPerCore,
		GramsCO2PerKWh: s.GridGramsCO2PerKWh,
	}
}

// workerStatus presents the worker's status in the core's own types.
func workerStatus(s worker.Status) app.WorkerStatus {
	out := app.WorkerStatus{
		Network: app.NetworkState{
			Name: s.Network.Name, CoordinatorURL: s.Network.CoordinatorURL, ChainID: s.Network.ChainID,
			TokenSymbol: s.Network.TokenSymbol, TokenDecimals: s.Network.TokenDecimals, Connected: s.Connected,
			Accepted: s.Record.Valid, Rejected: s.Record.Invalid, Trusted: s.Record.Trusted, Flagged: s.Record.Flagged,
		},
		Offline:     s.Offline,
		Problem:     s.Problem,
		SetupNeeded: s.SetupNeeded,
		Totals: app.Totals{
			JobsDone: s.Totals.JobsDone, EarnedToday: s.Totals.EarnedToday, EarnedTotal: s.Totals.EarnedTotal,
			PendingTotal: s.Totals.Pending, EnergyTodayWh: s.Totals.EnergyTodayWh, EnergyTotalWh: s.Totals.EnergyTotalWh,
			CO2TodayGrams: s.Totals.CO2TodayG, CO2TotalGrams: s.Totals.CO2TotalG, EnergyMeasured: s.Totals.Measured,
		},
		Yield: app.YieldStats{
			Count:  s.Yields,
			LastMS: float64(s.YieldLast.Microseconds()) / 1000,
			P99MS:  float64(s.YieldP99.Microseconds()) / 1000,
		},
	}
	if s.Offline {
		out.Network.LastError = s.Problem
	}
	for _, j := range s.RecentJobs {
		out.Totals.RecentJobs = append(out.Totals.RecentJobs, app.JobEarning{JobID: j.JobID, Amount: j.Amount, At: j.At})
	}
	for _, d := range s.Totals.EarnedByDay {
		out.Totals.EarnedByDay = append(out.Totals.EarnedByDay, app.DayAmount{Day: d.Day, Amount: d.Amount})
	}
	for _, j := range s.Jobs {
		out.Jobs = append(out.Jobs, app.JobState{ID: j.ID, Status: j.Status, StartedAt: j.StartedAt, Progress: j.Progress, Reward: j.Reward})
	}
	return out
}

func runJoin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("join", stderr)
	home := homeFlag(fs)
	fs.Usage = func() { fmt.Fprintln(stderr, "Usage: idlenode join [--home DIR] FILE|URL") }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	paths, err := app.DefaultPaths(*home)
	if err != nil {
		return err
	}
	source := fs.Arg(0)
	if !strings.Contains(source, "://") {
		if abs, err := filepath.Abs(source); err == nil {
			source = abs // the service runs in another folder
		}
	}
	// Through the running service when there is one: it owns the settings
	// file and starts working for the network at once.
	n, err := localapi.NewClient(paths.Socket()).JoinNetwork(ctx, source)
	live := err == nil
	if errors.Is(err, localapi.ErrNotRunning) || errors.Is(err, localapi.ErrNoNetworkService) {
		// Read the descriptor before making anything: a bad one leaves
		// no half-made home behind.
		if n, err = protocol.LoadNetwork(ctx, source); err != nil {
			return err
		}
		if err := paths.Ensure(); err != nil {
			return err
		}
		store, err := settings.Open(paths.Settings())
		if err != nil {
			return err
		}
		n, err = saveJoined(paths, store, n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Joined %s: coordinator %s", orDefault(n.Name, "the network"), n.CoordinatorURL)
	if n.ChainID != 0 {
		fmt.Fprintf(stdout, ", chain %d (%s)", n.ChainID, n.TokenSymbol)
	}
	fmt.Fprintln(stdout)
	if live {
		fmt.Fprintln(stdout, "The node service is running: it starts working for this network within seconds.")
	}
	return nil
}
