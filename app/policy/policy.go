// Package policy decides, tick by tick, whether this machine may work for
// the network, and says why not in words a person understands.
//
// It is pure: signals, settings and the clock come in, a Decision goes out,
// so every rule, the hysteresis and the schedule are table-tested without
// sleeping. The owner's input stops work at once; noisy reasons (CPU load,
// heat) must persist for Hold before they stop work and must stay clear for
// ResumeAfter before work resumes, so the node never flaps.
package policy

import (
	"fmt"
	"math"
	"time"

	"github.com/idlenode/idlenode/app/settings"
)

// Signals are the readings the policy uses. Unknown readings never block
// work, except that unknown input falls back to CPU only.
type Signals struct {
	Now time.Time

	InputIdle  time.Duration
	InputKnown bool

	CPUOtherPercent float64

	GPUOtherPercent float64 // the busiest GPU, other programs only
	GPUKnown        bool    // at least one GPU was read

	HasBattery     bool
	OnBattery      bool
	BatteryPercent float64

	TemperatureC     float64
	TemperatureKnown bool
}

// Pause is the owner's pause: Paused with a zero Until pauses until
// resumed; a non-zero Until is a snooze that ends by itself.
type Pause struct {
	Paused bool
	Until  time.Time
}

// Active reports whether the pause holds at now.
func (p Pause) Active(now time.Time) bool {
	return p.Paused && (p.Until.IsZero() || now.Before(p.Until))
}

// Cause names what keeps the node from working.
type Cause int

const (
	CauseNone Cause = iota
	CausePaused
	CauseSchedule
	CauseBattery
	CauseInput
	CauseCPU
	CauseTemperature
	CauseSettling // all clear, but not yet for long enough after a noisy stop
)

var causeNames = [...]string{"none", "paused", "schedule", "battery", "input", "cpu", "temperature", "settling"}

func (c Cause) String() string {
	if int(c) < len(causeNames) {
		return causeNames[c]
	}
	return fmt.Sprintf("cause(%d)", int(c))
}

// noisy causes need to persist before they stop work.
func (c Cause) noisy() bool { return c == CauseCPU || c == CauseTemperature }

// Decision is the policy's verdict for one tick.
type Decision struct {
	Work   bool   // CPU jobs may run
	Cause  Cause  // why not, CauseNone when Work
	Reason string // a sentence for the owner; while working, what allows it

	GPU       bool   // GPU jobs may run
	GPUReason string // why GPU jobs may not run, "" when they may

	// Pending is a noisy cause seen but not yet held long enough to stop
	// work; it is shown, and stops work if it lasts. PendingReason says
	// it for the owner.
	Pending       Cause
	PendingReason string
}

// Policy holds the little state the rules need between ticks. It is not
// safe for concurrent use: the node core owns it.
type Policy struct {
	Hold        time.Duration // a noisy cause must last this long to stop work
	ResumeAfter time.Duration // after a noisy stop, all clear this long before resuming

	working    bool
	noisySince time.Time // when the current noisy cause started, zero if none
	noisyCause Cause
	lastStop   Cause
	clearSince time.Time // when everything became clear, zero if not clear
}

// New returns a policy with the default hysteresis.
func New() *Policy {
	return &Policy{Hold: 5 * time.Second, ResumeAfter: 15 * time.Second}
}

// Decide applies the rules to one set of readings.
func (p *Policy) Decide(sig Signals, s settings.Settings, pause Pause) Decision {
	d := p.decide(sig, s, pause)
	d.GPU, d.GPUReason = p.gpu(sig, s, d)
	p.working = d.Work
	if !d.Work && d.Cause != CauseSettling {
		p.lastStop = d.Cause
		p.clearSince = time.Time{}
	}
	return d
}

func (p *Policy) decide(sig Signals, s settings.Settings, pause Pause) Decision {
	now := sig.Now
	// Hard causes: decided by the owner or by facts that do not flicker.
	if pause.Active(now) {
		r := "Paused by you"
		if !pause.Until.IsZero() {
			r = "Paused by you until " + pause.Until.Format("15:04")
		}
		p.resetNoisy()
		return Decision{Cause: CausePaused, Reason: r}
	}
	if !s.InSchedule(now) {
		p.resetNoisy()
		return Decision{Cause: CauseSchedule, Reason: fmt.Sprintf("Outside your schedule (works %s)", s.ScheduleString())}
	}
	if sig.HasBattery && sig.OnBattery {
		if !s.RunOnBattery {
			p.resetNoisy()
			return Decision{Cause: CauseBattery, Reason: fmt.Sprintf("On battery (%.0f%%)", sig.BatteryPercent)}
		}
		if sig.BatteryPercent < float64(s.MinBatteryPercent) {
			p.resetNoisy()
			return Decision{Cause: CauseBattery, Reason: fmt.Sprintf("Battery at %.0f%% (works above %d%%)", sig.BatteryPercent, s.MinBatteryPercent)}
		}
	}
	// The owner is here: stop at once.
	need := time.Duration(s.IdleMinutes) * time.Minute
	if sig.InputKnown && sig.InputIdle < need {
		p.resetNoisy()
		return Decision{Cause: CauseInput, Reason: fmt.Sprintf("Keyboard or mouse used %s ago (works after %s)", Ago(sig.InputIdle), Ago(need))}
	}

	// Noisy causes.
	cause, reason := CauseNone, ""
	switch {
	case sig.CPUOtherPercent > float64(s.MaxCPUOtherPercent):
		cause = CauseCPU
		reason = fmt.Sprintf("Other programs use %.0f%% CPU (limit %d%%)", math.Round(sig.CPUOtherPercent), s.MaxCPUOtherPercent)
	case s.MaxTemperatureC > 0 && sig.TemperatureKnown && sig.TemperatureC > float64(s.MaxTemperatureC):
		cause = CauseTemperature
		reason = fmt.Sprintf("Too hot: %.0f °C (limit %d °C)", sig.TemperatureC, s.MaxTemperatureC)
	}
	if cause != CauseNone {
		p.clearSince = time.Time{}
		if p.noisyCause != cause || p.noisySince.IsZero() {
			p.noisyCause, p.noisySince = cause, now
		}
		if p.working && now.Sub(p.noisySince) < p.Hold {
			return Decision{Work: true, Reason: workingReason(sig), Pending: cause, PendingReason: reason}
		}
		return Decision{Cause: cause, Reason: reason}
	}
	p.resetNoisy()

	// All clear. After a noisy stop, insist that it stays clear a while.
	if !p.working && p.lastStop.noisy() {
		if p.clearSince.IsZero() {
			p.clearSince = now
		}
		if wait := p.ResumeAfter - now.Sub(p.clearSince); wait > 0 {
			return Decision{Cause: CauseSettling, Reason: fmt.Sprintf("Other programs are quiet now; starting in %s", Ago(wait))}
		}
	}
	p.lastStop = CauseNone
	return Decision{Work: true, Reason: workingReason(sig)}
}

func (p *Policy) resetNoisy() { p.noisySince, p.noisyCause = time.Time{}, CauseNone }

func workingReason(sig Signals) string {
	if !sig.InputKnown {
		return "Idle detection unavailable: watching the CPU only"
	}
	return fmt.Sprintf("You have been away %s", Ago(sig.InputIdle))
}

// gpu decides GPU work. GPU jobs follow CPU work, except that with "GPU
// while in use" they may also run while the owner types.
func (p *Policy) gpu(sig Signals, s settings.Settings, d Decision) (bool, string) {
	if !s.GPUEnabled {
		return false, "GPU work is off in settings"
	}
	if !sig.GPUKnown {
		return false, "No GPU available"
	}
	if !d.Work && !(d.Cause == CauseInput && s.GPUWhileInUse) {
		return false, d.Reason
	}
	if sig.GPUOtherPercent > float64(s.MaxGPUOtherPercent) {
		return false, fmt.Sprintf("GPU busy with other programs (%.0f%%, limit %d%%)", sig.GPUOtherPercent, s.MaxGPUOtherPercent)
	}
	return true, ""
}

// Ago renders a duration the way the reasons use it: "12 s", "4 min",
// "2 h 5 min".
func Ago(d time.Duration) string {
	switch {
	case d < 0:
		d = 0
		fallthrough
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	default:
		h := int(d / time.Hour)
		m := int((d % time.Hour) / time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
}
