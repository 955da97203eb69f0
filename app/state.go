package app

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/idlenode/idlenode/app/settings"
)

// Phase is what the node is doing. It is persisted and reported: never
// renumber.
type Phase int

const (
	PhaseSetup     Phase = 0 // no wallet or network yet
	PhasePaused    Phase = 1 // paused or snoozed by the owner
	PhaseWaiting   Phase = 2 // allowed soon; waiting for idle (Reason says why)
	PhaseWorking   Phase = 3 // jobs may run
	PhaseSuspended Phase = 4 // jobs were running and are stopped (Reason says why)
	PhaseOffline   Phase = 5 // allowed to work, but the network is unreachable
	// PhaseStopped: no service runs. Only a command that reads the node
	// from disk reports it (idlenode status); the service never does.
	PhaseStopped Phase = 6
)

var phaseNames = map[Phase]string{
	PhaseSetup:     "setup",
	PhasePaused:    "paused",
	PhaseWaiting:   "waiting",
	PhaseWorking:   "working",
	PhaseSuspended: "suspended",
	PhaseOffline:   "offline",
	PhaseStopped:   "stopped",
}

// String returns the stable lower-case name used in JSON and logs.
func (p Phase) String() string {
	if s, ok := phaseNames[p]; ok {
		return s
	}
	return fmt.Sprintf("phase(%d)", int(p))
}

// MarshalText encodes the phase by name.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText decodes a phase name.
func (p *Phase) UnmarshalText(b []byte) error {
	for k, v := range phaseNames {
		if v == string(b) {
			*p = k
			return nil
		}
	}
	return fmt.Errorf("unknown phase %q", b)
}

// State is one immutable snapshot of the node, published by the core to
// every observer (tray, window, CLI). Observers must not modify it; slices
// are fresh copies per snapshot.
//
// Amounts of tokens are decimal strings of integers in the token's base unit.
type State struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	State  Phase     `json:"state"`
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"` // when State last changed

	// PausedUntil is set while snoozed; nil while paused without end.
	PausedUntil *time.Time `json:"paused_until,omitempty"`

	CPUOtherPercent  float64    `json:"cpu_other_percent"`
	CPUOursPercent   float64    `json:"cpu_ours_percent"`
	MemoryPercent    float64    `json:"memory_percent"`
	InputIdleSeconds *float64   `json:"input_idle_seconds"` // null when unknown
	InputMethod      string     `json:"input_method"`       // "x11", "mutter", ..., or "none: <why>"
	OnBattery        bool       `json:"on_battery"`
	BatteryPercent   *float64   `json:"battery_percent"` // null without battery
	TemperatureC     *float64   `json:"temperature_c"`   // null when unreadable
	GPUs             []GPUState `json:"gpus"`
	GPUNote          string     `json:"gpu_note,omitempty"` // e.g. "no NVIDIA GPU found"

	Settings        settings.Settings `json:"settings"`
	SettingsFile    string            `json:"settings_file"`
	SettingsProblem string            `json:"settings_problem,omitempty"` // load-time problem shown to the owner

	Network NetworkState `json:"network"`
	Jobs    []JobState   `json:"jobs"`
	Totals  Totals       `json:"totals"`
	Yield   YieldStats   `json:"yield"`
	Wallet  WalletState  `json:"wallet"`
}

// GPUState is one GPU as the node sees it.
type GPUState struct {
	Index             int     `json:"index"`
	Name              string  `json:"name"`
	UtilPercent       float64 `json:"util_percent"`
	OtherUtilPercent  float64 `json:"other_util_percent"` // by processes that are not ours, where NVML tells
	MemoryUsedBytes   uint64  `json:"memory_used_bytes"`
	MemoryTotalBytes  uint64  `json:"memory_total_bytes"`
	TemperatureC      float64 `json:"temperature_c"`
	PowerWatts        float64 `json:"power_watts"`
	EnergyMillijoules uint64  `json:"energy_millijoules"`
	OtherProcesses    int     `json:"other_processes"`
}

// NetworkState describes the joined network.
type NetworkState struct {
	Name           string `json:"name,omitempty"`
	CoordinatorURL string `json:"coordinator_url,omitempty"`
	ChainID        uint64 `json:"chain_id,omitempty"`
	TokenSymbol    string `json:"token_symbol,omitempty"`
	TokenDecimals  int    `json:"token_decimals,omitempty"`
	Connected      bool   `json:"connected"`
	LastError      string `json:"last_error,omitempty"`
	// This node's record with the coordinator.
	Accepted int64 `json:"accepted"` // replicas accepted
	Rejected int64 `json:"rejected"` // replicas that disagreed with the quorum
	Trusted  bool  `json:"trusted"`  // gets single-replica jobs
	Flagged  bool  `json:"flagged"`  // returned a wrong result
}

// JobState is one job this node holds.
type JobState struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"` // "downloading", "running", "suspended", "reporting"
	StartedAt  time.Time `json:"started_at"`
	Progress   float64   `json:"progress"` // 0..1; by elapsed time over the job's limit when the job tells nothing
	CPUSeconds float64   `json:"cpu_seconds"`
	Reward     string    `json:"reward"` // base units
}

// Totals are the node's work and earnings.
type Totals struct {
	JobsDone       int64        `json:"jobs_done"`
	EarnedToday    string       `json:"earned_today"`  // base units, validated credit
	EarnedTotal    string       `json:"earned_total"`  // base units, validated credit
	PendingTotal   string       `json:"pending_total"` // base units, awaiting validation
	EnergyTodayWh  float64      `json:"energy_today_wh"`
	EnergyTotalWh  float64      `json:"energy_total_wh"`
	CO2TodayGrams  float64      `json:"co2_today_grams"`
	CO2TotalGrams  float64      `json:"co2_total_grams"`
	EnergyMeasured bool         `json:"energy_measured"`         // RAPL/NVML rather than an estimate
	EarnedByDay    []DayAmount  `json:"earned_by_day,omitempty"` // last 30 days, oldest first
	RecentJobs     []JobEarning `json:"recent_jobs,omitempty"`   // latest credited jobs, newest first
}

// JobEarning is what one job earned.
type JobEarning struct {
	JobID  string    `json:"job_id"`
	Amount string    `json:"amount"` // base units
	At     time.Time `json:"at"`
}

// DayAmount is one day's earnings.
type DayAmount struct {
	Day    string `json:"day"` // YYYY-MM-DD, local time
	Amount string `json:"amount"`
}

// YieldStats are suspend latencies: from the busy signal seen to all job
// processes stopped.
type YieldStats struct {
	Count  int     `json:"count"`
	LastMS float64 `json:"last_ms"`
	P99MS  float64 `json:"p99_ms"`
}

// WalletState is what the wallet shows without unlocking a key.
type WalletState struct {
	Address        string     `json:"address,omitempty"`
	PayoutAddress  string     `json:"payout_address,omitempty"`
	Native         string     `json:"native,omitempty"`    // wei
	Token          string     `json:"token,omitempty"`     // base units
	Staked         string     `json:"staked,omitempty"`    // base units
	Unstaking      string     `json:"unstaking,omitempty"` // base units waiting for the cooldown
	UnstakeReadyAt *time.Time `json:"unstake_ready_at,omitempty"`
	Claimable      string     `json:"claimable,omitempty"` // base units
	Error          string     `json:"error,omitempty"`
}

// JSON renders the state as indented JSON, for `idlenode status --json`.
func (s State) JSON() ([]byte, error) { return json.MarshalIndent(s, "", "  ") }
