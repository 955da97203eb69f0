//go:build !linux

package idle

import (
	"context"
	"fmt"

	"github.com/shirou/gopsutil/v4/sensors"
)

// gopsutilThermal asks gopsutil's sensors, which are partial on macOS and
// Windows (WMI, often empty without admin rights).
type gopsutilThermal struct{}

var _ Thermal = gopsutilThermal{}

// NewThermal returns the temperature signal for this OS.
func NewThermal() Thermal { return gopsutilThermal{} }

func (gopsutilThermal) MaxCelsius(ctx context.Context) (float64, error) {
	ts, err := sensors.TemperaturesWithContext(ctx)
	var max float64
	found := false
	for _, t := range ts {
		if t.Temperature < minPlausibleC || t.Temperature > maxPlausibleC || t.Temperature == 0 {
			continue
		}
		if !found || t.Temperature > max {
			max, found = t.Temperature, true
		}
	}
	if found {
		return max, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read temperature: %v: %w", err, ErrUnsupported)
	}
	return 0, fmt.Errorf("read temperature: no sensor: %w", ErrUnsupported)
}
