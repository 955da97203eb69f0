// Package app is the node core: it owns the node's state, samples the idle
// signals, asks the policy whether this machine may work, tells the worker,
// and publishes immutable State snapshots to the tray, the window and the
// CLI. It imports no GUI: the UI observes State and calls methods.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"sync"
	"time"

	"github.com/idlenode/idlenode/app/idle"
	"github.com/idlenode/idlenode/app/policy"
	"github.com/idlenode/idlenode/app/settings"
)

// Sampler reads the machine's signals. *idle.Sampler implements it.
type Sampler interface {
	Sample(ctx context.Context) idle.Signals
}

// Worker runs jobs. The core tells it when jobs may run and reads its part
// of the state. Implementations are safe for concurrent use.
type Worker interface {
	// SetAllowed says whether jobs may run, with the policy's reason. When
	// allowed is false it stops (suspends) every running job before it
	// returns; it must return fast either way.
	SetAllowed(allowed bool, reason string)
	// Status returns the worker's part of the state.
	Status() WorkerStatus
}

// WorkerStatus is the worker's part of a State.
type WorkerStatus struct {
	Network NetworkState
	Offline bool   // allowed to work but the network is unreachable
	Problem string // why offline, for people
	// SetupNeeded says what the node lacks before it can work (a network,
	// a wallet), for people; empty once it can.
	SetupNeeded string
	Jobs        []JobState
	Totals      Totals
	Yield       YieldStats
}

// WalletStatus reads the wallet's part of the state without unlocking keys.
type WalletStatus interface {
	Status() WalletState
}

// Deps are what the core needs. Settings and Sampler are required.
type Deps struct {
	Paths    Paths
	Settings *settings.Store
	Sampler  Sampler
	// Input, when set, is polled every FastTick while jobs may run, so the
	// owner's return stops them within a fraction of a second.
	Input    idle.Input
	Worker   Worker       // nil until the node has joined a network
	Wallet   WalletStatus // nil without a wallet
	Log      *slog.Logger
	Now      func() time.Time
	Tick     time.Duration // full sample period, default 1 s
	FastTick time.Duration // input poll while working, default 100 ms
}

// App is the node core. Create it with New, start it with Run.
type App struct {
	d      Deps
	policy *policy.Policy
	log    *slog.Logger
	kick   chan struct{}

	mu       sync.Mutex
	pause    policy.Pause
	sig      idle.Signals
	decision policy.Decision
	state    State
	subs     map[chan State]struct{}
	seq      uint64
	quit     func()
}

// New builds the core. It reads the persisted pause; a broken pause file is
// logged and ignored (the node then works, as the owner's settings allow).
func New(d Deps) *App {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Tick <= 0 {
		d.Tick = time.Second
	}
	if d.FastTick <= 0 {
		d.FastTick = 100 * time.Millisecond
	}
	a := &App{
		d:      d,
		policy: policy.New(),
		log:    d.Log,
		kick:   make(chan struct{}, 1),
		subs:   map[chan State]struct{}{},
	}
	a.pause = a.loadPause()
	now := d.Now()
	a.state = State{Time: now, Since: now, State: PhaseWaiting, Reason: "Starting", Settings: d.Settings.Get(), SettingsFile: d.Settings.Path()}
	return a
}

// Run samples and decides until ctx ends. It returns nil on a clean stop.
func (a *App) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.mu.Lock()
	a.quit = cancel
	a.mu.Unlock()

	a.full(ctx)
	slow := time.NewTicker(a.d.Tick)
	defer slow.Stop()
	// The input poll runs only while jobs may run: waiting, the node wakes
	// once a second and no more.
	fast := time.NewTicker(a.d.FastTick)
	defer fast.Stop()
	polling := true
	for {
		a.mu.Lock()
		want := a.decision.Work && a.d.Input != nil
		a.mu.Unlock()
		if want != polling {
			if want {
				fast.Reset(a.d.FastTick)
			} else {
				fast.Stop()
			}
			polling = want
		}
		select {
		case <-ctx.Done():
			if a.d.Worker != nil {
				a.d.Worker.SetAllowed(false, "Node stopping")
			}
			return nil
		case <-slow.C:
			a.reloadSettings()
			a.full(ctx)
		case <-a.kick:
			a.mu.Lock()
			a.decideLocked()
			a.mu.Unlock()
		case <-fast.C:
			a.fastInput(ctx)
		}
	}
}

// full takes every signal and decides.
func (a *App) full(ctx context.Context) {
	sig := a.d.Sampler.Sample(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sig = sig
	a.decideLocked()
}

// fastInput polls only the input idle time while jobs may run: the owner's
// return must stop jobs at once, not at the next full sample.
func (a *App) fastInput(ctx context.Context) {
	if a.d.Input == nil {
		return
	}
	a.mu.Lock()
	working := a.decision.Work
	need := time.Duration(a.state.Settings.IdleMinutes) * time.Minute
	a.mu.Unlock()
	if !working {
		return
	}
	idleFor, err := a.d.Input.IdleFor(ctx)
	if err != nil || idleFor >= need {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sig.InputIdle, a.sig.InputKnown, a.sig.Time = idleFor, true, a.d.Now()
	a.decideLocked()
}

// decideLocked runs the policy on the latest signals, tells the worker and
// publishes. Callers hold a.mu.
func (a *App) decideLocked() {
	now := a.d.Now()
	set := a.d.Settings.Get()
	if a.pause.Paused && !a.pause.Until.IsZero() && !now.Before(a.pause.Until) {
		a.pause = policy.Pause{} // snooze over
		a.savePause()
	}
	sig := a.sig
	d := a.policy.Decide(policySignals(sig, now), set, a.pause)
	a.decision = d

	var ws WorkerStatus
	if a.d.Worker != nil {
		a.d.Worker.SetAllowed(d.Work, d.Reason)
		ws = a.d.Worker.Status()
	}

	phase, reason := PhaseWaiting, d.Reason
	switch {
	case d.Cause == policy.CausePaused:
		phase = PhasePaused
	case a.d.Worker == nil:
		phase, reason = PhaseSetup, "Not part of a network yet: run 'idlenode join FILE' or open the window"
	case ws.SetupNeeded != "":
		phase, reason = PhaseSetup, ws.SetupNeeded
	case d.Work && ws.Offline:
		phase, reason = PhaseOffline, ws.Problem
	case d.Work:
		phase = PhaseWorking
	case hasActiveJobs(ws.Jobs):
		phase = PhaseSuspended
	}
	if d.Work && d.Pending != policy.CauseNone {
		reason += ". " + d.PendingReason + ": stops if this lasts"
	}

	prev := a.state
	st := State{
		Time:            now,
		State:           phase,
		Reason:          reason,
		Since:           prev.Since,
		CPUOtherPercent: round1(sig.CPU.OtherPercent),
		CPUOursPercent:  round1(sig.CPU.OursPercent),
		MemoryPercent:   round1(sig.MemoryPercent),
		InputMethod:     sig.InputMethod,
		OnBattery:       sig.Power.OnBattery,
		GPUNote:         sig.GPUNote,
		Settings:        set,
		SettingsFile:    a.d.Settings.Path(),
		SettingsProblem: a.d.Settings.Problem().Message,
		Network:         ws.Network,
		Jobs:            ws.Jobs,
		Totals:          ws.Totals,
		Yield:           ws.Yield,
	}
	if sig.InputKnown {
		v := math.Round(sig.InputIdle.Seconds()*10) / 10
		st.InputIdleSeconds = &v
	}
	if sig.Power.HasBattery {
		v := sig.Power.BatteryPercent
		st.BatteryPercent = &v
	}
	if sig.TemperatureKnown {
		v := sig.TemperatureC
		st.TemperatureC = &v
	}
	st.GPUs = make([]GPUState, 0, len(sig.GPUs)) // [] rather than null for JSON readers
	for _, g := range sig.GPUs {
		st.GPUs = append(st.GPUs, GPUState(g))
	}
	if st.Jobs == nil {
		st.Jobs = []JobState{}
	}
	if a.pause.Paused && !a.pause.Until.IsZero() {
		u := a.pause.Until
		st.PausedUntil = &u
	}
	if a.d.Wallet != nil {
		st.Wallet = a.d.Wallet.Status()
	}
	if phase != prev.State || st.Since.IsZero() {
		st.Since = now
		a.log.Info("State changed", "from", prev.State.String(), "to", phase.String(), "reason", reason)
	}
	a.seq++
	st.Seq = a.seq
	a.state = st
	for ch := range a.subs {
		offer(ch, st)
	}
}

func hasActiveJobs(js []JobState) bool {
	return len(js) > 0
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func policySignals(s idle.Signals, now time.Time) policy.Signals {
	p := policy.Signals{
		Now:              now,
		InputIdle:        s.InputIdle,
		InputKnown:       s.InputKnown,
		CPUOtherPercent:  s.CPU.OtherPercent,
		HasBattery:       s.Power.HasBattery,
		OnBattery:        s.Power.OnBattery,
		BatteryPercent:   s.Power.BatteryPercent,
		TemperatureC:     s.TemperatureC,
		TemperatureKnown: s.TemperatureKnown,
	}
	for _, g := range s.GPUs {
		p.GPUKnown = true
		p.GPUOtherPercent = math.Max(p.GPUOtherPercent, g.OtherUtilPercent)
	}
	return p
}

// offer replaces whatever snapshot waits in ch with st: the latest value
// wins and the core never blocks on a slow observer.
func offer(ch chan State, st State) {
	for {
		select {
		case ch <- st:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}

// State returns the latest snapshot.
func (a *App) State() State {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.state
}

// Subscribe returns a channel that always holds the latest snapshot (the
// current one first) and a function that ends the subscription.
func (a *App) Subscribe() (<-chan State, func()) {
	ch := make(chan State, 1)
	a.mu.Lock()
	a.subs[ch] = struct{}{}
	ch <- a.state
	a.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			a.mu.Lock()
			delete(a.subs, ch)
			a.mu.Unlock()
		})
	}
}

func (a *App) kickNow() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// Pause stops work until Resume, or for d when d > 0 (a snooze).
func (a *App) Pause(d time.Duration) {
	a.mu.Lock()
	a.pause = policy.Pause{Paused: true}
	if d > 0 {
		a.pause.Until = a.d.Now().Add(d)
	}
	a.savePause()
	a.log.Info("Paused by owner", "for", d.String())
	a.decideLocked()
	a.mu.Unlock()
}

// Resume ends a pause or snooze.
func (a *App) Resume() {
	a.mu.Lock()
	a.pause = policy.Pause{}
	a.savePause()
	a.log.Info("Resumed by owner")
	a.decideLocked()
	a.mu.Unlock()
}

// UpdateSettings changes the settings through fn, validates and saves them,
// and applies them at once. A field error comes back as settings.Errors.
func (a *App) UpdateSettings(fn func(*settings.Settings) error) (settings.Settings, error) {
	s, err := a.d.Settings.Update(fn)
	if err != nil {
		return s, err
	}
	a.log.Info("Settings changed", "preset", s.Preset)
	a.kickNow()
	return s, nil
}

// reloadSettings takes an edit of the settings file made by hand while
// the node runs; a bad edit is set aside and shown as the settings
// problem, as at start.
func (a *App) reloadSettings() {
	changed, err := a.d.Settings.Reload()
	switch {
	case err != nil:
		a.log.Warn("Settings file changed but could not be read", "err", err)
	case changed && a.d.Settings.Problem().Message != "":
		a.log.Warn("Settings file changed: " + a.d.Settings.Problem().Message)
	case changed:
		a.log.Info("Settings file changed: reloaded", "preset", a.d.Settings.Get().Preset)
	}
}

// Quit stops Run, as the tray's Quit does.
func (a *App) Quit() {
	a.mu.Lock()
	q := a.quit
	a.mu.Unlock()
	if q != nil {
		q()
	}
}

type pauseFile struct {
	Paused bool      `json:"paused"`
	Until  time.Time `json:"until,omitempty"`
}

func (a *App) loadPause() policy.Pause {
	if a.d.Paths.Data == "" {
		return policy.Pause{}
	}
	data, err := os.ReadFile(a.d.Paths.PauseFile())
	if errors.Is(err, fs.ErrNotExist) {
		return policy.Pause{}
	}
	var pf pauseFile
	if err == nil {
		err = json.Unmarshal(data, &pf)
	}
	if err != nil {
		a.log.Warn("Ignoring unreadable pause file", "path", a.d.Paths.PauseFile(), "err", err)
		return policy.Pause{}
	}
	return policy.Pause{Paused: pf.Paused, Until: pf.Until}
}

func (a *App) savePause() {
	if a.d.Paths.Data == "" {
		return
	}
	data, _ := json.Marshal(pauseFile{Paused: a.pause.Paused, Until: a.pause.Until})
	if err := settings.WriteFileAtomic(a.d.Paths.PauseFile(), data, 0o600); err != nil {
		a.log.Warn("Could not keep the pause across restarts", "err", err)
	}
}

// Describe is the one-line status for logs and the tray: "Working: ...".
func (s State) Describe() string {
	return fmt.Sprintf("%s: %s", s.State, s.Reason)
}

// SampleOnce takes every signal once and decides, without Run: for
// `idlenode status` when no service runs.
func (a *App) SampleOnce(ctx context.Context) { a.full(ctx) }
