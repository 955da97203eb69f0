// Package idletest holds hand-written fakes of the idle signals for tests
// of the policy and the node core. Every fake is safe for concurrent use;
// its zero value works and reports an idle, quiet machine on AC with no GPU.
package idletest

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/idlenode/idlenode/app/idle"
)

var (
	_ idle.CPU     = (*CPU)(nil)
	_ idle.Input   = (*Input)(nil)
	_ idle.GPU     = (*GPU)(nil)
	_ idle.Power   = (*Power)(nil)
	_ idle.Thermal = (*Thermal)(nil)
	_ idle.Memory  = (*Memory)(nil)
)

// CPU returns the sample last set.
type CPU struct {
	mu     sync.Mutex
	sample idle.CPUSample
	err    error
	calls  int
}

// Set sets what Sample returns.
func (f *CPU) Set(s idle.CPUSample, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sample, f.err = s, err
}

// Sample returns the values last set.
func (f *CPU) Sample(context.Context) (idle.CPUSample, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.sample, f.err
}

// Calls counts Sample calls.
func (f *CPU) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Input is idle for a set time plus whatever its clock advanced since.
type Input struct {
	// Now is the clock; nil means time.Now. Set it before first use.
	Now func() time.Time

	mu     sync.Mutex
	base   time.Duration
	at     time.Time
	err    error
	method string
	calls  int
}

func (f *Input) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// SetIdle makes the owner's last input d ago, by the fake's clock.
func (f *Input) SetIdle(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.base, f.at, f.err = d, f.now(), nil
}

// Touch is the owner pressing a key now.
func (f *Input) Touch() { f.SetIdle(0) }

// SetErr makes IdleFor fail with err (idle.ErrUnsupported, say); nil
// clears it.
func (f *Input) SetErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// SetMethod sets what Method returns; the default is "fake".
func (f *Input) SetMethod(m string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.method = m
}

// IdleFor returns the idle time set plus the time since it was set.
func (f *Input) IdleFor(context.Context) (time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return 0, f.err
	}
	if f.at.IsZero() {
		return f.base, nil
	}
	return f.base + f.now().Sub(f.at), nil
}

// Method returns the method set, "fake" by default.
func (f *Input) Method() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.method == "" {
		return "fake"
	}
	return f.method
}

// Calls counts IdleFor calls.
func (f *Input) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// GPU returns the devices last set; with none set it returns
// idle.ErrNoGPU.
type GPU struct {
	mu   sync.Mutex
	gpus []idle.GPUInfo
	err  error
}

// Set sets what Devices returns.
func (f *GPU) Set(gpus []idle.GPUInfo, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gpus, f.err = slices.Clone(gpus), err
}

// Devices returns a copy of the devices last set.
func (f *GPU) Devices(context.Context) ([]idle.GPUInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	if len(f.gpus) == 0 {
		return nil, idle.ErrNoGPU
	}
	return slices.Clone(f.gpus), nil
}

// Power returns the state last set; the zero value is on AC.
type Power struct {
	mu    sync.Mutex
	state idle.PowerState
	err   error
}

// Set sets what Read returns.
func (f *Power) Set(s idle.PowerState, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state, f.err = s, err
}

// Read returns the values last set.
func (f *Power) Read(context.Context) (idle.PowerState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state, f.err
}

// Thermal returns the temperature last set; unset, it is unsupported.
type Thermal struct {
	mu      sync.Mutex
	celsius float64
	set     bool
	err     error
}

// Set sets what MaxCelsius returns.
func (f *Thermal) Set(celsius float64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.celsius, f.err, f.set = celsius, err, true
}

// MaxCelsius returns the values last set, or idle.ErrUnsupported.
func (f *Thermal) MaxCelsius(context.Context) (float64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.set {
		return 0, idle.ErrUnsupported
	}
	return f.celsius, f.err
}

// Memory returns the percentage last set.
type Memory struct {
	mu      sync.Mutex
	percent float64
	err     error
}

// Set sets what UsedPercent returns.
func (f *Memory) Set(percent float64, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.percent, f.err = percent, err
}

// UsedPercent returns the values last set.
func (f *Memory) UsedPercent(context.Context) (float64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.percent, f.err
}

// Signals bundles one fake of each signal.
type Signals struct {
	CPU     *CPU
	Input   *Input
	GPU     *GPU
	Power   *Power
	Thermal *Thermal
	Memory  *Memory
	Now     func() time.Time
}

// New returns fakes sharing the clock now (nil means time.Now).
func New(now func() time.Time) *Signals {
	if now == nil {
		now = time.Now
	}
	return &Signals{
		CPU: &CPU{}, Input: &Input{Now: now}, GPU: &GPU{},
		Power: &Power{}, Thermal: &Thermal{}, Memory: &Memory{}, Now: now,
	}
}

// Sampler returns an idle.Sampler over these fakes.
func (s *Signals) Sampler() *idle.Sampler {
	return &idle.Sampler{
		CPU: s.CPU, Input: s.Input, GPU: s.GPU, Power: s.Power,
		Thermal: s.Thermal, Memory: s.Memory, Now: s.Now,
	}
}
