//go:build !linux

package idle

import (
	"context"
	"errors"
	"fmt"

	"github.com/distatus/battery"
)

// batteryPower asks github.com/distatus/battery, which reports batteries
// but not mains: no battery is on AC, and a discharging battery is on
// battery.
type batteryPower struct{}

var _ Power = batteryPower{}

// NewPower returns the power signal for this OS.
func NewPower() Power { return batteryPower{} }

func (batteryPower) Read(context.Context) (PowerState, error) {
	bs, err := battery.GetAll()
	var errs battery.Errors
	var fatal battery.ErrFatal
	switch {
	case err == nil:
	case errors.As(err, &errs):
		// Per battery: keep those read whole or in part.
		for i, e := range errs {
			if _, partial := e.(battery.ErrPartial); e != nil && !partial && i < len(bs) {
				bs[i] = nil
			}
		}
	case errors.As(err, &fatal) && errors.Is(fatal.Err, battery.ErrNotFound):
		return PowerState{}, nil // no battery: on AC
	default:
		return PowerState{}, fmt.Errorf("read batteries: %w", err)
	}
	var st PowerState
	var now, full float64
	for _, b := range bs {
		if b == nil || b.Full <= 0 {
			continue
		}
		st.HasBattery = true
		now += b.Current
		full += b.Full
		if b.State.Raw == battery.Discharging {
			st.OnBattery = true
		}
	}
	if full > 0 {
		st.BatteryPercent = clamp100(now / full * 100)
	}
	return st, nil
}
