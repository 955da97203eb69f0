package idle

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// sysfsPower reads /sys/class/power_supply. It is plain Go, not Linux only,
// so that its fixture tests run everywhere.
type sysfsPower struct {
	root string
}

var _ Power = (*sysfsPower)(nil)

// NewSysfsPower reads power supplies under root, normally
// /sys/class/power_supply. A missing or empty root is a desktop on AC.
func NewSysfsPower(root string) Power { return &sysfsPower{root: root} }

func (p *sysfsPower) Read(ctx context.Context) (PowerState, error) {
	entries, err := os.ReadDir(p.root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return PowerState{}, nil
		}
		return PowerState{}, fmt.Errorf("read power supplies: %w", err)
	}
	var (
		mains, mainsOnline, discharging bool
		batteries                       int
		capSum                          float64
		energyNow, energyFull           float64
		energyOK                        = true
	)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return PowerState{}, fmt.Errorf("read power supplies: %w", err)
		}
		dir := filepath.Join(p.root, e.Name())
		typ, err := readSysString(dir, "type")
		if err != nil {
			continue // not a supply directory
		}
		switch typ {
		case "Mains", "USB", "USB_C", "USB_PD", "USB_PD_DRP", "Wireless":
			online, err := readSysInt(dir, "online")
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return PowerState{}, fmt.Errorf("read power supply: %w", err)
			}
			mains = true
			if online != 0 {
				mainsOnline = true
			}
		case "Battery":
			// Mice and keyboards report batteries too, scoped "Device".
			if scope, err := readSysString(dir, "scope"); err == nil && scope == "Device" {
				continue
			}
			if present, err := readSysInt(dir, "present"); err == nil && present == 0 {
				continue
			}
			capacity, err := readSysInt(dir, "capacity")
			if err != nil {
				return PowerState{}, fmt.Errorf("read battery: %w", err)
			}
			if capacity < 0 || capacity > 100 {
				return PowerState{}, fmt.Errorf("read battery: %s: capacity %d is not 0..100",
					filepath.Join(dir, "capacity"), capacity)
			}
			batteries++
			capSum += float64(capacity)
			now, errNow := readSysInt(dir, "energy_now")
			full, errFull := readSysInt(dir, "energy_full")
			if errNow != nil || errFull != nil || full <= 0 {
				energyOK = false
			} else {
				energyNow += float64(now)
				energyFull += float64(full)
			}
			status, err := readSysString(dir, "status")
			if err == nil && status == "Discharging" {
				discharging = true
			}
		}
	}
	var st PowerState
	if batteries == 0 {
		return st, nil
	}
	st.HasBattery = true
	st.BatteryPercent = capSum / float64(batteries)
	if energyOK && energyFull > 0 {
		// Two batteries of different size: weigh by energy.
		st.BatteryPercent = clamp100(energyNow / energyFull * 100)
	}
	switch {
	case mainsOnline:
		st.OnBattery = false
	case mains:
		st.OnBattery = true
	default:
		st.OnBattery = discharging
	}
	return st, nil
}

func readSysString(dir, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// readSysInt reads a file holding one integer; a file that holds anything
// else is an error naming it.
func readSysInt(dir, name string) (int64, error) {
	s, err := readSysString(dir, name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: not an integer: %q", filepath.Join(dir, name), truncate(s, 32))
	}
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
