package settings

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// FieldError says which field broke which rule.
type FieldError struct {
	Field string `json:"field"` // the JSON key
	Rule  string `json:"rule"`  // for people: "must be between 1 and 100"
}

func (e FieldError) Error() string { return e.Field + " " + e.Rule }

// Errors is every rule a Settings value breaks.
type Errors []FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid settings: " + strings.Join(parts, "; ")
}

// Field returns the error for one field, or "".
func (es Errors) Field(name string) string {
	for _, e := range es {
		if e.Field == name {
			return e.Rule
		}
	}
	return ""
}

// rule is one check and how to repair a value that fails it.
type rule struct {
	field string
	check func(s *Settings) string // "" when fine, else the rule broken
	reset func(s *Settings, d Settings)
}

func intRange(field string, get func(*Settings) *int, lo, hi int) rule {
	return rule{
		field: field,
		check: func(s *Settings) string {
			if v := *get(s); v < lo || v > hi {
				return fmt.Sprintf("must be between %d and %d (is %d)", lo, hi, v)
			}
			return ""
		},
		reset: func(s *Settings, d Settings) { *get(s) = *get(&d) },
	}
}

func floatRange(field string, get func(*Settings) *float64, lo, hi float64) rule {
	return rule{
		field: field,
		check: func(s *Settings) string {
			if v := *get(s); !(v >= lo && v <= hi) {
				return fmt.Sprintf("must be between %g and %g (is %g)", lo, hi, v)
			}
			return ""
		},
		reset: func(s *Settings, d Settings) { *get(s) = *get(&d) },
	}
}

func urlRule(field string, get func(*Settings) *string) rule {
	return rule{
		field: field,
		check: func(s *Settings) string {
			v := *get(s)
			if v == "" {
				return ""
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
				return fmt.Sprintf("must be an http(s) URL like http://127.0.0.1:8080 (is %q)", v)
			}
			return ""
		},
		reset: func(s *Settings, d Settings) { *get(s) = *get(&d) },
	}
}

var rules = []rule{
	{
		field: "version",
		check: func(s *Settings) string {
			if s.Version != Version {
				return fmt.Sprintf("must be %d (is %d)", Version, s.Version)
			}
			return ""
		},
		reset: func(s *Settings, d Settings) { s.Version = Version },
	},
	{
		field: "preset",
		check: func(s *Settings) string {
			if s.Preset != "custom" && !isPreset(s.Preset) {
				return fmt.Sprintf("must be one of %s or custom (is %q)", strings.Join(Presets, ", "), s.Preset)
			}
			return ""
		},
		reset: func(s *Settings, d Settings) { s.Preset = "custom" },
	},
	intRange("idle_minutes", func(s *Settings) *int { return &s.IdleMinutes }, 0, 1440),
	intRange("max_cpu_other_percent", func(s *Settings) *int { return &s.MaxCPUOtherPercent }, 1, 100),
	intRange("max_gpu_other_percent", func(s *Settings) *int { return &s.MaxGPUOtherPercent }, 0, 100),
	intRange("min_battery_percent", func(s *Settings) *int { return &s.MinBatteryPercent }, 0, 100),
	intRange("max_temperature_c", func(s *Settings) *int { return &s.MaxTemperatureC }, 0, 120),
	intRange("cores_percent", func(s *Settings) *int { return &s.CoresPercent }, 1, 100),
	intRange("duty_cycle_percent", func(s *Settings) *int { return &s.DutyCyclePercent }, 10, 100),
	intRange("max_memory_percent", func(s *Settings) *int { return &s.MaxMemoryPercent }, 5, 90),
	{
		field: "schedule",
		check: func(s *Settings) string {
			for _, w := range s.Schedule {
				if _, err := ParseClock(w.Start); err != nil {
					return "start " + err.Error()
				}
				if _, err := ParseClock(w.End); err != nil {
					return "end " + err.Error()
				}
			}
			return ""
		},
		reset: func(s *Settings, d Settings) { s.Schedule = d.Schedule },
	},
	urlRule("coordinator_url", func(s *Settings) *string { return &s.CoordinatorURL }),
	urlRule("rpc_url", func(s *Settings) *string { return &s.RPCURL }),
	{
		field: "payout_address",
		check: func(s *Settings) string {
			if s.PayoutAddress != "" && !common.IsHexAddress(s.PayoutAddress) {
				return fmt.Sprintf("must be an address like 0x52908400098527886E0F7030069857D2E4169EE7 (is %q)", s.PayoutAddress)
			}
			return ""
		},
		reset: func(s *Settings, d Settings) { s.PayoutAddress = "" },
	},
	intRange("benchmark_mib_per_s", func(s *Settings) *int { return &s.BenchmarkMiBps }, 0, 1_000_000),
	floatRange("watts_per_core", func(s *Settings) *float64 { return &s.WattsPerCore }, 0.5, 500),
	floatRange("grid_grams_co2_per_kwh", func(s *Settings) *float64 { return &s.GridGramsCO2PerKWh }, 0, 2000),
	floatRange("electricity_price", func(s *Settings) *float64 { return &s.ElectricityPrice }, 0, 100),
	{
		field: "currency",
		check: func(s *Settings) string {
			if len(s.Currency) < 1 || len(s.Currency) > 8 {
				return fmt.Sprintf("must be a short code like EUR (is %q)", s.Currency)
			}
			return ""
		},
		reset: func(s *Settings, d Settings) { s.Currency = d.Currency },
	},
}

// Validate returns nil or Errors listing every broken rule.
func (s Settings) Validate() error {
	var es Errors
	for _, r := range rules {
		if msg := r.check(&s); msg != "" {
			es = append(es, FieldError{Field: r.field, Rule: msg})
		}
	}
	if len(es) == 0 {
		return nil
	}
	return es
}

// Repair returns s with every invalid field replaced by its default, and
// the errors that were repaired.
func (s Settings) Repair() (Settings, Errors) {
	d := Default()
	var es Errors
	for _, r := range rules {
		if msg := r.check(&s); msg != "" {
			es = append(es, FieldError{Field: r.field, Rule: msg})
			r.reset(&s, d)
		}
	}
	return s, es
}

// AsErrors extracts field errors from err, if it carries any.
func AsErrors(err error) (Errors, bool) {
	var es Errors
	if errors.As(err, &es) {
		return es, true
	}
	return nil, false
}
