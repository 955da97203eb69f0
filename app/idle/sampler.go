package idle

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"
)

// Sampler reads every signal at once. Any field may be replaced (by a fake
// from package idletest, say) before the first Sample; a nil field reads
// as unknown. Sample and InputIdle are safe to call from several
// goroutines when the signals are, as all in this package are.
type Sampler struct {
	CPU     CPU
	Input   Input
	GPU     GPU
	Power   Power
	Thermal Thermal
	Memory  Memory
	// Now is the clock that stamps Signals.Time.
	Now func() time.Time
}

// Signals is one reading of every signal. A signal that could not be read
// is marked unknown (its Known flag false, or its error or note set);
// reading never fails as a whole.
type Signals struct {
	Time time.Time

	CPU    CPUSample
	CPUErr error

	MemoryPercent float64
	MemoryKnown   bool

	InputIdle   time.Duration
	InputKnown  bool
	InputMethod string

	Power      PowerState
	PowerKnown bool

	TemperatureC     float64
	TemperatureKnown bool

	GPUs []GPUInfo
	// GPUNote says why GPUs is empty ("no NVIDIA GPU found", or the
	// error); empty when GPUs were read.
	GPUNote string
}

// NewSampler returns a Sampler over the real signals of this machine. ours
// returns the PIDs of our job processes; log may be nil. Close it to
// release the X11, D-Bus and NVML handles.
func NewSampler(ours func() []int, log *slog.Logger) *Sampler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sampler{
		CPU:     NewCPU(ours),
		Input:   NewInput(log.With("signal", "input")),
		GPU:     NewGPU(ours, log.With("signal", "gpu")),
		Power:   NewPower(),
		Thermal: NewThermal(),
		Memory:  NewMemory(),
		Now:     time.Now,
	}
}

// Sample reads every signal once. The first call takes at least 200 ms
// (the CPU needs an interval to measure); later calls measure since the
// previous one.
func (s *Sampler) Sample(ctx context.Context) Signals {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sig := Signals{Time: now()}
	if s.CPU != nil {
		sig.CPU, sig.CPUErr = s.CPU.Sample(ctx)
	} else {
		sig.CPUErr = ErrUnsupported
	}
	sig.InputIdle, sig.InputKnown, sig.InputMethod = s.InputIdle(ctx)
	if s.Memory != nil {
		if v, err := s.Memory.UsedPercent(ctx); err == nil {
			sig.MemoryPercent, sig.MemoryKnown = v, true
		}
	}
	if s.Power != nil {
		if p, err := s.Power.Read(ctx); err == nil {
			sig.Power, sig.PowerKnown = p, true
		}
	}
	if s.Thermal != nil {
		if c, err := s.Thermal.MaxCelsius(ctx); err == nil {
			sig.TemperatureC, sig.TemperatureKnown = c, true
		}
	}
	switch {
	case s.GPU == nil:
		sig.GPUNote = ErrNoGPU.Error()
	default:
		gpus, err := s.GPU.Devices(ctx)
		switch {
		case err != nil:
			sig.GPUNote = err.Error()
		case len(gpus) == 0:
			sig.GPUNote = ErrNoGPU.Error()
		default:
			sig.GPUs = gpus
		}
	}
	return sig
}

// InputIdle reads only the input signal: what the core polls every 100 to
// 200 ms while jobs run. known is false when the idle time cannot be read;
// method is Input.Method().
func (s *Sampler) InputIdle(ctx context.Context) (idle time.Duration, known bool, method string) {
	if s.Input == nil {
		return 0, false, "none: no input signal"
	}
	d, err := s.Input.IdleFor(ctx)
	return d, err == nil, s.Input.Method()
}

// Close releases the signals that hold connections or libraries open.
func (s *Sampler) Close() error {
	var errs []error
	for _, v := range []any{s.CPU, s.Input, s.GPU, s.Power, s.Thermal, s.Memory} {
		if c, ok := v.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}
