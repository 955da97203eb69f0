package idle

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestSysfsPower(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		dir     string
		want    PowerState
		wantErr string // substring of the error; empty means no error
	}{
		{name: "AC only", dir: "ac-only", want: PowerState{}},
		{name: "battery discharging at 42%, mouse battery ignored", dir: "discharging-42",
			want: PowerState{OnBattery: true, HasBattery: true, BatteryPercent: 42}},
		{name: "two batteries charging, weighed by energy", dir: "charging-two",
			want: PowerState{OnBattery: false, HasBattery: true, BatteryPercent: 70}},
		{name: "battery without a mains entry follows its status", dir: "battery-no-mains",
			want: PowerState{OnBattery: true, HasBattery: true, BatteryPercent: 97}},
		{name: "no entries is a desktop on AC", dir: "does-not-exist", want: PowerState{}},
		{name: "garbage capacity", dir: "garbage", wantErr: "BAT0/capacity: not an integer"},
		{name: "garbage online", dir: "garbage-online", wantErr: "AC/online: not an integer"},
		{name: "capacity out of range", dir: "out-of-range", wantErr: "capacity 180 is not 0..100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NewSysfsPower(filepath.Join("testdata", "power_supply", tt.dir)).Read(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Read() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read() error = %v", err)
			}
			if got != tt.want {
				t.Fatalf("Read() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSysfsPowerEmptyDir(t *testing.T) {
	t.Parallel()
	got, err := NewSysfsPower(t.TempDir()).Read(context.Background())
	if err != nil || got != (PowerState{}) {
		t.Fatalf("Read() = %+v, %v; want a desktop on AC", got, err)
	}
}

func TestPowerReal(t *testing.T) {
	t.Parallel()
	got, err := NewPower().Read(context.Background())
	if err != nil {
		t.Fatalf("Read() error = %v", err)
	}
	if !got.HasBattery && (got.OnBattery || got.BatteryPercent != 0) {
		t.Fatalf("Read() = %+v: no battery must mean on AC", got)
	}
	t.Logf("power on this machine: %+v", got)
}

func TestSysfsThermal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		dir             string
		want            float64
		wantUnsupported bool
		wantErr         string
	}{
		{name: "zones and hwmon, implausible sensor skipped", dir: "laptop", want: 71.5},
		{name: "hwmon only", dir: "hwmon-only", want: 52.25},
		{name: "one garbage zone is skipped", dir: "one-bad", want: 40},
		{name: "only garbage is an error", dir: "garbage", wantErr: "thermal_zone0/temp: not an integer"},
		{name: "no sensors", dir: "empty", wantUnsupported: true},
		{name: "missing root", dir: "does-not-exist", wantUnsupported: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NewSysfsThermal(filepath.Join("testdata", "sys", tt.dir)).MaxCelsius(context.Background())
			switch {
			case tt.wantUnsupported:
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("MaxCelsius() = %v, %v; want ErrUnsupported", got, err)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, ErrUnsupported) {
					t.Fatalf("MaxCelsius() error = %v, want one containing %q", err, tt.wantErr)
				}
			default:
				if err != nil || got != tt.want {
					t.Fatalf("MaxCelsius() = %v, %v; want %v", got, err, tt.want)
				}
			}
		})
	}
}

func TestThermalReal(t *testing.T) {
	t.Parallel()
	c, err := NewThermal().MaxCelsius(context.Background())
	switch {
	case errors.Is(err, ErrUnsupported):
		t.Logf("no readable temperature sensor here: %v", err)
	case err != nil:
		t.Fatalf("MaxCelsius() error = %v", err)
	case c < minPlausibleC || c > maxPlausibleC:
		t.Fatalf("MaxCelsius() = %v, outside the plausible range", c)
	default:
		t.Logf("hottest sensor: %.1f °C", c)
	}
}

func TestMemoryReal(t *testing.T) {
	t.Parallel()
	p, err := NewMemory().UsedPercent(context.Background())
	if err != nil {
		t.Fatalf("UsedPercent() error = %v", err)
	}
	if p <= 0 || p > 100 {
		t.Fatalf("UsedPercent() = %v, want 0 < p <= 100", p)
	}
}
