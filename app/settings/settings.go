// Package settings holds the owner's choices: when the node may work, how
// much of the machine it may use, and which network it belongs to. Settings
// are plain data with defaults, validation that names the field and the
// rule, presets, and one versioned JSON file saved atomically.
//
// Secrets never live here: the wallet key and its passphrase are elsewhere.
package settings

import (
	"fmt"
	"strings"
	"time"
)

// Version is the settings file format written by this build.
const Version = 1

// Settings are the owner's choices. The JSON names are the keys of
// `idlenode settings set KEY VALUE`.
type Settings struct {
	Version int    `json:"version"`
	Preset  string `json:"preset"` // "gentle", "balanced", "max" or "custom"

	// When to work.
	IdleMinutes        int      `json:"idle_minutes"`          // keyboard and mouse untouched this long before work starts
	MaxCPUOtherPercent int      `json:"max_cpu_other_percent"` // stop when other programs use more CPU than this
	MaxGPUOtherPercent int      `json:"max_gpu_other_percent"` // no GPU work when other programs use more GPU than this
	RunOnBattery       bool     `json:"run_on_battery"`
	MinBatteryPercent  int      `json:"min_battery_percent"` // with run_on_battery: stop below this charge
	MaxTemperatureC    int      `json:"max_temperature_c"`   // 0 means no limit
	Schedule           []Window `json:"schedule"`            // empty means any time

	// How much to use.
	CoresPercent     int  `json:"cores_percent"`      // share of the cores jobs may use
	DutyCyclePercent int  `json:"duty_cycle_percent"` // share of CPU time within those cores
	MaxMemoryPercent int  `json:"max_memory_percent"` // of this machine's memory, for all jobs together
	GPUEnabled       bool `json:"gpu_enabled"`
	GPUWhileInUse    bool `json:"gpu_while_in_use"` // let GPU jobs run while the owner uses the machine

	// Where.
	NetworkFile    string `json:"network_file,omitempty"` // the joined network's descriptor, copied into the config dir
	CoordinatorURL string `json:"coordinator_url,omitempty"`
	RPCURL         string `json:"rpc_url,omitempty"`
	// PayoutAddress is the receive-only address claims pay to; empty: the
	// wallet's own. It lives in the wallet (wallet.json, which claims read)
	// and Store shows and sets it there; the settings file keeps it only
	// from older versions, until it is moved to the wallet.
	PayoutAddress string `json:"payout_address,omitempty"`

	// Desktop.
	Autostart bool `json:"autostart"`

	// BenchmarkMiBps is the first run's hardware benchmark (MiB/s of
	// hashing on every core); it goes with the node's capabilities. 0 means
	// not measured.
	BenchmarkMiBps int `json:"benchmark_mib_per_s"`

	// Energy accounting.
	WattsPerCore       float64 `json:"watts_per_core"`         // CPU energy estimate where RAPL is unreadable
	GridGramsCO2PerKWh float64 `json:"grid_grams_co2_per_kwh"` // grid carbon intensity
	ElectricityPrice   float64 `json:"electricity_price"`      // per kWh, in Currency (money, not tokens)
	Currency           string  `json:"currency"`
}

// Window is a daily span of clock time, "HH:MM" to "HH:MM" in local time.
// An End before Start runs across midnight; equal Start and End mean all day.
type Window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Default returns the balanced settings.
func Default() Settings {
	s := Settings{
		Version:            Version,
		MaxGPUOtherPercent: 10,
		RunOnBattery:       false,
		MinBatteryPercent:  50,
		MaxTemperatureC:    0,
		MaxMemoryPercent:   50,
		GPUEnabled:         true,
		Autostart:          true,
		WattsPerCore:       10,
		GridGramsCO2PerKWh: 400,
		ElectricityPrice:   0.30,
		Currency:           "EUR",
	}
	mustApply(&s, "balanced")
	return s
}

// Presets lists the preset names in display order.
var Presets = []string{"gentle", "balanced", "max"}

// PresetDescription says in a sentence what a preset does.
func PresetDescription(name string) string {
	switch name {
	case "gentle":
		return "Works only after 10 minutes away, on a quarter of the cores at half speed, never on battery or hot."
	case "balanced":
		return "Works after 3 minutes away, on half the cores, stops when other programs need the CPU."
	case "max":
		return "Works after 1 minute away on every core, and uses the GPU even while you work."
	}
	return ""
}

// ApplyPreset sets the policy fields of s to the named preset, leaving the
// network, energy and desktop fields alone.
func ApplyPreset(s *Settings, name string) error {
	if !isPreset(name) {
		return fmt.Errorf("unknown preset %q (choose %s)", name, strings.Join(Presets, ", "))
	}
	mustApply(s, name)
	return nil
}

func isPreset(name string) bool {
	for _, p := range Presets {
		if p == name {
			return true
		}
	}
	return false
}

func mustApply(s *Settings, name string) {
	s.Preset = name
	s.Schedule = nil
	s.RunOnBattery = false
	switch name {
	case "gentle":
		s.IdleMinutes, s.MaxCPUOtherPercent, s.MaxGPUOtherPercent = 10, 15, 5
		s.CoresPercent, s.DutyCyclePercent, s.MaxMemoryPercent = 25, 50, 25
		s.GPUEnabled, s.GPUWhileInUse = false, false
		s.MaxTemperatureC = 75
	case "balanced":
		s.IdleMinutes, s.MaxCPUOtherPercent, s.MaxGPUOtherPercent = 3, 25, 10
		s.CoresPercent, s.DutyCyclePercent, s.MaxMemoryPercent = 50, 100, 50
		s.GPUEnabled, s.GPUWhileInUse = true, false
		s.MaxTemperatureC = 0
	case "max":
		s.IdleMinutes, s.MaxCPUOtherPercent, s.MaxGPUOtherPercent = 1, 50, 30
		s.CoresPercent, s.DutyCyclePercent, s.MaxMemoryPercent = 100, 100, 75
		s.GPUEnabled, s.GPUWhileInUse = true, true
		s.MaxTemperatureC = 0
	default:
		panic("settings: unknown preset " + name)
	}
}

// ParseClock parses "HH:MM" into minutes after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("%q is not a time of day like 07:30", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Contains reports whether the clock time of t falls inside w. Start is
// inclusive, End exclusive.
func (w Window) Contains(t time.Time) bool {
	start, err1 := ParseClock(w.Start)
	end, err2 := ParseClock(w.End)
	if err1 != nil || err2 != nil {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	switch {
	case start == end:
		return true
	case start < end:
		return m >= start && m < end
	default: // across midnight
		return m >= start || m < end
	}
}

// String renders the window as "22:00–07:00".
func (w Window) String() string { return w.Start + "–" + w.End }

// InSchedule reports whether work is allowed at t by the schedule. An empty
// schedule allows any time.
func (s Settings) InSchedule(t time.Time) bool {
	if len(s.Schedule) == 0 {
		return true
	}
	for _, w := range s.Schedule {
		if w.Contains(t) {
			return true
		}
	}
	return false
}

// ScheduleString renders the schedule for people: "22:00–07:00, 12:00–13:00".
func (s Settings) ScheduleString() string {
	if len(s.Schedule) == 0 {
		return "any time"
	}
	parts := make([]string, len(s.Schedule))
	for i, w := range s.Schedule {
		parts[i] = w.String()
	}
	return strings.Join(parts, ", ")
}

// ParseSchedule parses "22:00-07:00,12:00-13:00" (an en dash works too);
// "", "always", "any time", "any", "off" or "none" (no schedule) gives an
// empty schedule: any time.
func ParseSchedule(v string) ([]Window, error) {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "", "always", "any time", "anytime", "any", "off", "none":
		return nil, nil
	}
	var out []Window
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(strings.ReplaceAll(part, "–", "-"))
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			return nil, fmt.Errorf("schedule window %q: want START-END like 22:00-07:00, or \"always\" for any time", part)
		}
		w := Window{Start: strings.TrimSpace(a), End: strings.TrimSpace(b)}
		if _, err := ParseClock(w.Start); err != nil {
			return nil, fmt.Errorf("schedule window %q: %w", part, err)
		}
		if _, err := ParseClock(w.End); err != nil {
			return nil, fmt.Errorf("schedule window %q: %w", part, err)
		}
		out = append(out, w)
	}
	return out, nil
}
