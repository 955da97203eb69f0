package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
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
	return s.w.SignMessage(ctx, msg)
}

// workerHook starts the worker when this node has joined a network and has
// a wallet; otherwise the node stays in setup and says what is missing.
func workerHook(ctx context.Context, p *nodeParts, deps *app.Deps) (func(context.Context, *app.App, *localapi.Server) error, error) {
	n, err := protocol.LoadNetwork(ctx, p.paths.Network())
	if errors.Is(err, fs.ErrNotExist) {
		p.log.Info("Not part of a network yet", "hint", "idlenode join FILE")
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the joined network %s: %w", p.paths.Network(), err)
	}
	w, err := wallet.Open(p.paths.Wallet(), walletOptions(p))
	if errors.Is(err, wallet.ErrNoWallet) {
		p.log.Info("No wallet yet", "hint", "idlenode wallet create")
		return nil, nil
	}
	if err != nil {
		return nil, err
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
		Dir:         filepath.Join(p.paths.Data, "worker"),
		Coordinator: c,
		Sandbox:     worker.SandboxRunner{R: &sandbox.Runner{CacheDir: filepath.Join(p.paths.Data, "wasm"), Log: p.log.With("component", "sandbox")}},
		Limits:      limits,
		Capabilities: protocol.Capabilities{
			Cores: l.Slots, MemoryMB: l.MemoryBytes >> 20, Runtimes: []string{protocol.RuntimeWASI},
		},
		Network: n,
		Log:     p.log.With("component", "worker"),
	})
	if err != nil {
		return nil, err
	}
	deps.Worker = workerAdapter{wk}
	p.log.Info("Worker ready", "network", n.Name, "coordinator", n.CoordinatorURL, "address", w.Address().Hex(), "slots", l.Slots)
	return func(ctx context.Context, _ *app.App, _ *localapi.Server) error { return wk.Run(ctx) }, nil
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

// workerAdapter presents the worker to the core in the core's own types.
type workerAdapter struct{ w *worker.Worker }

func (a workerAdapter) SetAllowed(allowed bool, reason string) { a.w.SetAllowed(allowed, reason) }
func (a workerAdapter) Ours() []int                            { return a.w.Ours() }

func (a workerAdapter) Status() app.WorkerStatus {
	s := a.w.Status()
	out := app.WorkerStatus{
		Network: app.NetworkState{
			Name: s.Network.Name, CoordinatorURL: s.Network.CoordinatorURL, ChainID: s.Network.ChainID,
			TokenSymbol: s.Network.TokenSymbol, TokenDecimals: s.Network.TokenDecimals, Connected: s.Connected,
		},
		Offline: s.Offline,
		Problem: s.Problem,
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
	if err := paths.Ensure(); err != nil {
		return err
	}
	n, err := protocol.LoadNetwork(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	store, err := settings.Open(paths.Settings())
	if err != nil {
		return err
	}
	if _, err := store.Update(func(s *settings.Settings) error {
		s.CoordinatorURL, s.RPCURL, s.NetworkFile = n.CoordinatorURL, n.RPCURL, paths.Network()
		return nil
	}); err != nil {
		return err
	}
	data, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return err
	}
	if err := settings.WriteFileAtomic(paths.Network(), data, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Joined %s: coordinator %s", orDefault(n.Name, "the network"), n.CoordinatorURL)
	if n.ChainID != 0 {
		fmt.Fprintf(stdout, ", chain %d (%s)", n.ChainID, n.TokenSymbol)
	}
	fmt.Fprintln(stdout)
	if _, err := localapi.NewClient(paths.Socket()).State(ctx); err == nil {
		fmt.Fprintln(stdout, "The node service is running: restart it ('idlenode run') to work for this network.")
	}
	return nil
}
