package window

import (
	"errors"
	"strconv"
	"strings"

	"github.com/idlenode/idlenode/app/settings"
)

// FieldKind says which widget edits a setting.
type FieldKind int

// Field kinds.
const (
	KindNumber FieldKind = iota
	KindBool
	KindText
)

// Field is one row of the settings form. Key is the settings JSON key.
type Field struct {
	Key   string
	Label string
	Help  string
	Kind  FieldKind
	Group string
}

// Fields is every setting the form edits, in display order.
var Fields = []Field{
	{"idle_minutes", "Start after idle for (min)", "Keyboard and mouse untouched this long", KindNumber, "When to work"},
	{"max_cpu_other_percent", "Stop when other programs use CPU over (%)", "", KindNumber, "When to work"},
	{"max_gpu_other_percent", "No GPU work when other programs use GPU over (%)", "", KindNumber, "When to work"},
	{"run_on_battery", "Work on battery", "", KindBool, "When to work"},
	{"min_battery_percent", "On battery, stop below charge (%)", "", KindNumber, "When to work"},
	{"max_temperature_c", "Stop above temperature (°C)", "0 means no limit", KindNumber, "When to work"},
	{"schedule", "Allowed hours", "Like 22:00-07:00, 12:00-13:00; empty for any time", KindText, "When to work"},
	{"cores_percent", "Cores to use (%)", "", KindNumber, "How much"},
	{"duty_cycle_percent", "CPU time on those cores (%)", "", KindNumber, "How much"},
	{"max_memory_percent", "Memory for all jobs (%)", "", KindNumber, "How much"},
	{"gpu_enabled", "Use the GPU", "", KindBool, "How much"},
	{"gpu_while_in_use", "Use the GPU while I work", "", KindBool, "How much"},
	{"coordinator_url", "Coordinator URL", "", KindText, "Network"},
	{"rpc_url", "Chain RPC URL", "", KindText, "Network"},
	{"payout_address", "Payout address", "Empty: the wallet's own address", KindText, "Network"},
	{"autostart", "Start at login", "", KindBool, "Desktop"},
	{"electricity_price", "Electricity price per kWh", "", KindNumber, "Energy"},
	{"currency", "Currency", "", KindText, "Energy"},
	{"grid_grams_co2_per_kwh", "Grid intensity (g CO₂/kWh)", "", KindNumber, "Energy"},
	{"watts_per_core", "Watts per core (estimate)", "Used where the CPU's energy counter is unreadable", KindNumber, "Energy"},
}

// FormValues renders s as the form's text values, by key.
func FormValues(s settings.Settings) map[string]string {
	b := func(v bool) string {
		if v {
			return "on"
		}
		return "off"
	}
	i := strconv.Itoa
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	sched := ""
	if len(s.Schedule) > 0 {
		sched = s.ScheduleString()
	}
	return map[string]string{
		"idle_minutes": i(s.IdleMinutes), "max_cpu_other_percent": i(s.MaxCPUOtherPercent),
		"max_gpu_other_percent": i(s.MaxGPUOtherPercent), "run_on_battery": b(s.RunOnBattery),
		"min_battery_percent": i(s.MinBatteryPercent), "max_temperature_c": i(s.MaxTemperatureC),
		"schedule": sched, "cores_percent": i(s.CoresPercent), "duty_cycle_percent": i(s.DutyCyclePercent),
		"max_memory_percent": i(s.MaxMemoryPercent), "gpu_enabled": b(s.GPUEnabled), "gpu_while_in_use": b(s.GPUWhileInUse),
		"coordinator_url": s.CoordinatorURL, "rpc_url": s.RPCURL, "payout_address": s.PayoutAddress,
		"autostart": b(s.Autostart), "electricity_price": f(s.ElectricityPrice), "currency": s.Currency,
		"grid_grams_co2_per_kwh": f(s.GridGramsCO2PerKWh), "watts_per_core": f(s.WattsPerCore),
	}
}

// ApplyForm sets the values that differ from base's onto a copy of base
// and validates the result. Every field that does not parse or breaks a
// rule comes back in the Errors, by key, so the form shows each beside
// its field; nothing typed is lost.
func ApplyForm(base settings.Settings, values map[string]string) (settings.Settings, settings.Errors) {
	out := base
	out.Schedule = append([]settings.Window(nil), base.Schedule...)
	old := FormValues(base)
	var es settings.Errors
	for _, f := range Fields {
		v, ok := values[f.Key]
		if !ok || v == old[f.Key] {
			continue
		}
		if err := out.Set(f.Key, v); err != nil {
			// Shown beside its field: the key adds nothing there.
			msg := err.Error()
			if m, ok := strings.CutPrefix(msg, f.Key+": "); ok {
				msg = m
			} else {
				msg = strings.TrimPrefix(msg, f.Key+" ")
			}
			es = append(es, settings.FieldError{Field: f.Key, Rule: msg})
		}
	}
	if err := out.Validate(); err != nil {
		ves, ok := settings.AsErrors(err)
		if !ok {
			es = append(es, settings.FieldError{Field: "", Rule: err.Error()})
		}
		for _, e := range ves {
			if es.Field(e.Field) == "" {
				es = append(es, e)
			}
		}
	}
	return out, es
}

// errorsOf extracts field errors from a service answer, or puts the whole
// error on the form.
func errorsOf(err error, fieldErrors func(error) settings.Errors) settings.Errors {
	if err == nil {
		return nil
	}
	if es := fieldErrors(err); len(es) > 0 {
		return es
	}
	var es settings.Errors
	if errors.As(err, &es) {
		return es
	}
	return settings.Errors{{Field: "", Rule: err.Error()}}
}
