package idle

import (
	"context"
	"errors"
	"time"
)

var (
	// ErrUnsupported means this machine or desktop offers no way to read
	// the signal. It is a normal state: the policy falls back to the
	// signals it has.
	ErrUnsupported = errors.New("idle: not supported on this machine")
	// ErrNoGPU means NVML found no library, no driver or no device.
	ErrNoGPU = errors.New("no NVIDIA GPU found")
)

// CPU measures how much of the machine's CPU other programs use.
// Implementations are safe for concurrent use.
type CPU interface {
	// Sample returns the CPU use since the previous call. The first call
	// measures over a short interval (200 ms) before it returns.
	Sample(ctx context.Context) (CPUSample, error)
}

// CPUSample is CPU use over one interval, in percent of the whole machine
// (all logical cores together), each 0 to 100.
type CPUSample struct {
	// OtherPercent is everything busy except our own job processes.
	OtherPercent float64
	// OursPercent is what our job processes and their children used.
	OursPercent float64
	// Cores is the number of logical cores.
	Cores int
}

// Input reports the time since the owner last used a keyboard or mouse.
// Implementations are safe for concurrent use.
type Input interface {
	// IdleFor returns the time since the last input event. It is cheap
	// enough to call every 100 ms. It returns an error wrapping
	// ErrUnsupported when no method works on this desktop.
	IdleFor(ctx context.Context) (time.Duration, error)
	// Method names the way idle time is read ("x11-screensaver",
	// "gnome-mutter", ...), or "none: <why>" when there is none.
	Method() string
}

// GPU reports the state of the machine's NVIDIA GPUs.
// Implementations are safe for concurrent use.
type GPU interface {
	// Devices reads every device once. It returns ErrNoGPU when there is
	// no NVIDIA library, driver or device.
	Devices(ctx context.Context) ([]GPUInfo, error)
}

// GPUInfo is one reading of one GPU. A value the device does not report
// is zero.
type GPUInfo struct {
	Index int
	Name  string
	// UtilPercent is the device's total utilization, 0 to 100.
	UtilPercent float64
	// OtherUtilPercent is the utilization of processes that are not ours,
	// from NVML's per-process samples. Where the device reports none it is
	// UtilPercent when none of our processes runs on the device, and 0
	// when one does (jobs never count as the owner being busy; input idle
	// still catches an owner at work).
	OtherUtilPercent float64
	MemoryUsedBytes  uint64
	MemoryTotalBytes uint64
	TemperatureC     float64
	PowerWatts       float64
	// EnergyMillijoules is the device's energy counter since the driver
	// was loaded.
	EnergyMillijoules uint64
	// OtherProcesses counts the compute and graphics processes on the
	// device that are not ours.
	OtherProcesses int
}

// Power reports the power source. Implementations are safe for concurrent
// use.
type Power interface {
	Read(ctx context.Context) (PowerState, error)
}

// PowerState says whether the machine runs on battery. A machine with no
// battery is on AC.
type PowerState struct {
	OnBattery  bool
	HasBattery bool
	// BatteryPercent is the charge of all system batteries together,
	// 0 to 100; 0 when HasBattery is false.
	BatteryPercent float64
}

// Thermal reports the hottest temperature sensor. Implementations are safe
// for concurrent use.
type Thermal interface {
	// MaxCelsius returns an error wrapping ErrUnsupported when no sensor
	// is readable.
	MaxCelsius(ctx context.Context) (float64, error)
}

// Memory reports memory pressure. Implementations are safe for concurrent
// use.
type Memory interface {
	// UsedPercent is the share of physical memory in use, 0 to 100.
	UsedPercent(ctx context.Context) (float64, error)
}

// clamp100 keeps a percentage in 0..100.
func clamp100(v float64) float64 {
	switch {
	case v < 0 || v != v:
		return 0
	case v > 100:
		return 100
	}
	return v
}
