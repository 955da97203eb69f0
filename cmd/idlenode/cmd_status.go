package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/big"
	"strings"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/idle"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/wallet"
	"github.com/idlenode/idlenode/worker"
)

func init() {
	register(command{name: "status", summary: "show what the node is doing and why", run: runStatus})
	register(command{name: "pause", summary: "pause work (--for 1h to snooze)", run: runPause})
	register(command{name: "resume", summary: "resume work after a pause", run: runResume})
	register(command{name: "settings", summary: "show or change settings: show | set KEY VALUE | preset NAME", run: runSettings})
}

// homeFlag adds --home to fs and returns the paths it selects.
func homeFlag(fs interface {
	StringVar(*string, string, string, string)
}) *string {
	var home string
	fs.StringVar(&home, "home", "", "keep every file of this node in `DIR` (default: the OS folders; also $"+app.HomeEnv+")")
	return &home
}

// parsePaths parses a verb's flags and resolves the node's folders from
// its --home.
func parsePaths(fs *flag.FlagSet, args []string, home *string) (app.Paths, error) {
	if err := parseFlags(fs, args); err != nil {
		return app.Paths{}, err
	}
	return app.DefaultPaths(*home)
}

func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("status", stderr)
	home := homeFlag(fs)
	asJSON := fs.Bool("json", false, "print one snapshot as JSON")
	paths, err := parsePaths(fs, args, home)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	st, live, err := currentState(ctx, paths)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := st.JSON()
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	printStatus(stdout, st, live)
	return nil
}

// currentState asks the running service, or reads the signals itself when
// none runs (live is then false).
func currentState(ctx context.Context, paths app.Paths) (st app.State, live bool, err error) {
	c := localapi.NewClient(paths.Socket())
	st, err = c.State(ctx)
	if err == nil {
		return st, true, nil
	}
	if !errors.Is(err, localapi.ErrNotRunning) {
		return st, false, err
	}
	store, err := settings.Open(paths.Settings())
	if err != nil {
		return st, false, err
	}
	log := slog.New(slog.DiscardHandler)
	a := app.New(app.Deps{Paths: paths, Settings: store, Sampler: idle.NewSampler(nil, log), Log: log})
	a.SampleOnce(ctx)
	return stoppedState(ctx, paths, a.State(), time.Now()), false, nil
}

// stoppedState completes st, computed without a service, from what is on
// disk: the network joined, the wallet, the work done. A node that could
// work is "stopped", not "setup": only the service is missing.
func stoppedState(ctx context.Context, paths app.Paths, st app.State, now time.Time) app.State {
	n, err := protocol.LoadNetwork(ctx, paths.Network())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		st.State, st.Reason = app.PhaseSetup, setupNoNetwork
		return st
	case err != nil:
		st.State, st.Reason = app.PhaseSetup, setupBadNetwork+err.Error()
		return st
	}
	st.Network = app.NetworkState{Name: n.Name, CoordinatorURL: n.CoordinatorURL, ChainID: n.ChainID,
		TokenSymbol: n.TokenSymbol, TokenDecimals: n.TokenDecimals}
	if t, err := worker.LedgerTotals(workerDir(paths), now); err == nil {
		st.Totals = app.Totals{JobsDone: t.JobsDone, PendingTotal: t.Pending,
			EnergyTodayWh: t.EnergyTodayWh, EnergyTotalWh: t.EnergyTotalWh,
			CO2TodayGrams: t.CO2TodayG, CO2TotalGrams: t.CO2TotalG, EnergyMeasured: t.Measured}
	}
	if _, err := wallet.Open(paths.Wallet(), wallet.Options{}); errors.Is(err, wallet.ErrNoWallet) {
		st.State, st.Reason = app.PhaseSetup, setupNoWallet
		return st
	}
	st.State, st.Reason = app.PhaseStopped, "The idlenode service is not running: start it with 'idlenode run'"
	return st
}

func printStatus(w io.Writer, st app.State, live bool) {
	note := ""
	if !live {
		note = " (service not running: read just now)"
	}
	fmt.Fprintf(w, "State:     %s%s\n", st.State, note)
	fmt.Fprintf(w, "Why:       %s\n", st.Reason)
	fmt.Fprintf(w, "CPU:       other programs %.1f%%, idlenode jobs %.1f%%\n", st.CPUOtherPercent, st.CPUOursPercent)
	if st.InputIdleSeconds != nil {
		fmt.Fprintf(w, "Input:     idle %s (%s)\n", (time.Duration(*st.InputIdleSeconds) * time.Second).String(), st.InputMethod)
	} else {
		fmt.Fprintf(w, "Input:     unknown (%s): watching CPU only\n", st.InputMethod)
	}
	switch {
	case st.BatteryPercent == nil:
		fmt.Fprintf(w, "Power:     AC (no battery)\n")
	case st.OnBattery:
		fmt.Fprintf(w, "Power:     battery, %.0f%%\n", *st.BatteryPercent)
	default:
		fmt.Fprintf(w, "Power:     AC, battery %.0f%%\n", *st.BatteryPercent)
	}
	if st.TemperatureC != nil {
		fmt.Fprintf(w, "Heat:      %.0f °C\n", *st.TemperatureC)
	}
	if len(st.GPUs) == 0 {
		fmt.Fprintf(w, "GPU:       %s\n", orDefault(st.GPUNote, "none"))
	}
	for _, g := range st.GPUs {
		fmt.Fprintf(w, "GPU %d:     %s, %.0f%% busy (%.0f%% other programs), %d/%d MiB, %.0f °C, %.0f W\n",
			g.Index, g.Name, g.UtilPercent, g.OtherUtilPercent, g.MemoryUsedBytes>>20, g.MemoryTotalBytes>>20, g.TemperatureC, g.PowerWatts)
	}
	if st.Network.CoordinatorURL != "" {
		fmt.Fprintf(w, "Network:   %s at %s\n", orDefault(st.Network.Name, "unnamed"), st.Network.CoordinatorURL)
	}
	if len(st.Jobs) > 0 || st.Totals.JobsDone > 0 {
		fmt.Fprintf(w, "Jobs:      %d running, %d done\n", len(st.Jobs), st.Totals.JobsDone)
	}
	switch {
	case st.Network.CoordinatorURL != "" && !live:
		// Earnings are the coordinator's; the service asks it.
		fmt.Fprintf(w, "Energy:    %.2f Wh, %.1f g CO2e (earnings are shown while the service runs)\n",
			st.Totals.EnergyTotalWh, st.Totals.CO2TotalGrams)
	case st.Network.CoordinatorURL != "":
		sym, dec := orDefault(st.Network.TokenSymbol, "base units"), st.Network.TokenDecimals
		fmt.Fprintf(w, "Earned:    %s %s (today %s, awaiting validation %s); energy %.2f Wh, %.1f g CO2e\n",
			tokens(st.Totals.EarnedTotal, dec), sym, tokens(st.Totals.EarnedToday, dec), tokens(st.Totals.PendingTotal, dec),
			st.Totals.EnergyTotalWh, st.Totals.CO2TotalGrams)
	}
	if n := st.Network; n.Accepted+n.Rejected > 0 || n.Flagged {
		standing := "in good standing"
		switch {
		case n.Flagged:
			standing = "FLAGGED for a wrong result"
		case n.Trusted:
			standing = "trusted (single-replica jobs)"
		}
		fmt.Fprintf(w, "Record:    %d results accepted, %d rejected; %s\n", n.Accepted, n.Rejected, standing)
	}
	if st.Yield.Count > 0 {
		fmt.Fprintf(w, "Yield:     %d suspends, last %.1f ms, p99 %.1f ms\n", st.Yield.Count, st.Yield.LastMS, st.Yield.P99MS)
	}
	fmt.Fprintf(w, "Settings:  %s (%s)\n", st.SettingsFile, st.Settings.Preset)
	if st.SettingsProblem != "" {
		fmt.Fprintf(w, "Problem:   %s\n", st.SettingsProblem)
	}
}

// tokens formats a base-unit amount with the token's decimals.
func tokens(baseUnits string, decimals int) string {
	v, ok := new(big.Int).SetString(baseUnits, 10)
	if !ok {
		v = new(big.Int)
	}
	return wallet.FormatAmount(v, decimals)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func runPause(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("pause", stderr)
	home := homeFlag(fs)
	dur := fs.Duration("for", 0, "snooze for this long, 1m to 168h, e.g. 1h (default: until 'idlenode resume')")
	paths, err := parsePaths(fs, args, home)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *dur != 0 && (*dur < time.Minute || *dur > maxSnooze) {
		return exitError{Code: 2, Msg: fmt.Sprintf("--for %s: give 1m to 168h (7 days), or leave it out to pause until 'idlenode resume'", *dur)}
	}
	st, err := localapi.NewClient(paths.Socket()).Pause(ctx, *dur)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, st.Reason)
	return nil
}

// parseInterleaved parses flags wherever they stand among the arguments
// and returns the others in order.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// maxSnooze is the longest 'pause --for' the service takes (a week).
const maxSnooze = 7 * 24 * time.Hour

// noArgs refuses arguments after the flags of a verb that takes none.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return exitError{Code: 2, Msg: fmt.Sprintf("unexpected argument %q (see '%s -h')", fs.Arg(0), fs.Name())}
	}
	return nil
}

func runResume(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("resume", stderr)
	home := homeFlag(fs)
	paths, err := parsePaths(fs, args, home)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	st, err := localapi.NewClient(paths.Socket()).Resume(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s\n", st.State, st.Reason)
	return nil
}

func runSettings(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("settings", stderr)
	home := homeFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: idlenode settings [--home DIR] show | set KEY VALUE | preset gentle|balanced|max")
		fmt.Fprintln(stderr, "Keys: "+strings.Join(settings.Keys(), ", "))
	}
	// Flags may come after the subcommand too: `settings show --home DIR`.
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	paths, err := app.DefaultPaths(*home)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		rest = []string{"show"}
	}
	var change func(*settings.Settings) error
	switch {
	case rest[0] == "show" && len(rest) == 1:
	case rest[0] == "set" && len(rest) == 3:
		change = func(s *settings.Settings) error { return s.Set(rest[1], rest[2]) }
	case rest[0] == "preset" && len(rest) == 2:
		change = func(s *settings.Settings) error { return settings.ApplyPreset(s, rest[1]) }
	default:
		fs.Usage()
		return errUsage
	}
	// Through the running service when there is one, so it applies at once;
	// else straight to the file.
	c := localapi.NewClient(paths.Socket())
	var cur settings.Settings
	var problem string
	if change == nil {
		cur, err = c.Settings(ctx)
	} else if rest[0] == "set" {
		cur, err = c.Set(ctx, rest[1], rest[2])
	} else {
		cur, err = c.Preset(ctx, rest[1])
	}
	if errors.Is(err, localapi.ErrNotRunning) {
		if err := paths.Ensure(); err != nil {
			return err
		}
		store, oerr := settings.Open(paths.Settings())
		if oerr != nil {
			return oerr
		}
		problem = store.Problem().Message
		cur = store.Get()
		err = nil
		if change != nil {
			cur, err = store.Update(change)
		}
	}
	if err != nil {
		return err
	}
	if problem != "" {
		fmt.Fprintln(stderr, "warning: "+problem)
	}
	printSettings(stdout, cur, paths.Settings())
	return nil
}

func printSettings(w io.Writer, s settings.Settings, path string) {
	fmt.Fprintf(w, "# %s\n", path)
	fmt.Fprintf(w, "preset                  %s\n", s.Preset)
	fmt.Fprintf(w, "idle_minutes            %d\n", s.IdleMinutes)
	fmt.Fprintf(w, "max_cpu_other_percent   %d\n", s.MaxCPUOtherPercent)
	fmt.Fprintf(w, "max_gpu_other_percent   %d\n", s.MaxGPUOtherPercent)
	fmt.Fprintf(w, "cores_percent           %d\n", s.CoresPercent)
	fmt.Fprintf(w, "duty_cycle_percent      %d\n", s.DutyCyclePercent)
	fmt.Fprintf(w, "max_memory_percent      %d\n", s.MaxMemoryPercent)
	fmt.Fprintf(w, "gpu_enabled             %v\n", onOff(s.GPUEnabled))
	fmt.Fprintf(w, "gpu_while_in_use        %v\n", onOff(s.GPUWhileInUse))
	fmt.Fprintf(w, "run_on_battery          %v\n", onOff(s.RunOnBattery))
	fmt.Fprintf(w, "min_battery_percent     %d\n", s.MinBatteryPercent)
	fmt.Fprintf(w, "max_temperature_c       %d\n", s.MaxTemperatureC)
	fmt.Fprintf(w, "schedule                %s\n", s.ScheduleString())
	fmt.Fprintf(w, "autostart               %v\n", onOff(s.Autostart))
	fmt.Fprintf(w, "coordinator_url         %s\n", orDefault(s.CoordinatorURL, "-"))
	fmt.Fprintf(w, "rpc_url                 %s\n", orDefault(s.RPCURL, "-"))
	fmt.Fprintf(w, "payout_address          %s\n", orDefault(s.PayoutAddress, "-"))
	fmt.Fprintf(w, "benchmark_mib_per_s     %d\n", s.BenchmarkMiBps)
	fmt.Fprintf(w, "watts_per_core          %g\n", s.WattsPerCore)
	fmt.Fprintf(w, "grid_grams_co2_per_kwh  %g\n", s.GridGramsCO2PerKWh)
	fmt.Fprintf(w, "electricity_price       %g %s\n", s.ElectricityPrice, s.Currency)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func init() {
	register(command{name: "quit", summary: "stop the running node service (as Quit in the tray)", run: runQuit})
}

func runQuit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("quit", stderr)
	home := homeFlag(fs)
	paths, err := parsePaths(fs, args, home)
	if err != nil {
		return err
	}
	if err := localapi.NewClient(paths.Socket()).Quit(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "The node service is stopping.")
	return nil
}
