package idle

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// sysfsThermal reads thermal zones and hwmon sensors, which report
// millidegrees Celsius. Plain Go so that fixture tests run everywhere.
type sysfsThermal struct {
	root string // normally /sys/class
}

var _ Thermal = (*sysfsThermal)(nil)

// NewSysfsThermal reads root/thermal/thermal_zone*/temp and
// root/hwmon/hwmon*/temp*_input; root is normally /sys/class.
func NewSysfsThermal(root string) Thermal { return &sysfsThermal{root: root} }

// Readings outside this range are sensors reporting nonsense (disconnected
// probes often read -273 or 255 °C), not heat.
const (
	minPlausibleC = -40
	maxPlausibleC = 150
)

func (t *sysfsThermal) MaxCelsius(ctx context.Context) (float64, error) {
	var files []string
	for _, pattern := range []string{"thermal/thermal_zone*/temp", "hwmon/hwmon*/temp*_input"} {
		m, err := filepath.Glob(filepath.Join(t.root, pattern))
		if err != nil {
			return 0, fmt.Errorf("read temperature: %w", err)
		}
		files = append(files, m...)
	}
	var (
		max      float64
		found    bool
		firstErr error
	)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("read temperature: %w", err)
		}
		milli, err := readSysInt(filepath.Dir(f), filepath.Base(f))
		if err != nil {
			// Some sensors refuse reads while their device sleeps
			// (ENODATA, EAGAIN): skip them, keep the rest.
			if firstErr == nil && !errors.Is(err, fs.ErrNotExist) {
				firstErr = err
			}
			continue
		}
		c := float64(milli) / 1000
		if c < minPlausibleC || c > maxPlausibleC {
			continue
		}
		if !found || c > max {
			max, found = c, true
		}
	}
	switch {
	case found:
		return max, nil
	case firstErr != nil:
		return 0, fmt.Errorf("read temperature: %w", firstErr)
	default:
		return 0, fmt.Errorf("read temperature: no sensor under %s: %w", t.root, ErrUnsupported)
	}
}
