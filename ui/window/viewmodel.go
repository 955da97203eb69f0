package window

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/ui/format"
)

// DashboardView is the dashboard's text for one State.
type DashboardView struct {
	Status   string // "Working"
	Reason   string
	Since    string // "for 5 min"
	Network  string
	CPU      string
	GPU      string
	Input    string
	Power    string
	JobsDone string

	EarnedToday string
	EarnedTotal string
	Pending     string
	EnergyToday string
	EnergyTotal string
	EnergyNote  string
	Yield       string
	Problem     string // a settings problem to show, or ""
}

// Dashboard computes the dashboard's text.
func Dashboard(st app.State, now time.Time) DashboardView {
	dec, sym := format.Decimals(st), format.Symbol(st)
	v := DashboardView{
		Status:      format.Status(st),
		Reason:      st.Reason,
		CPU:         fmt.Sprintf("Other programs %.0f%% · idlenode %.0f%% · memory %.0f%%", st.CPUOtherPercent, st.CPUOursPercent, st.MemoryPercent),
		JobsDone:    plural(st.Totals.JobsDone, "job", "jobs") + " done",
		EarnedToday: format.Amount(st.Totals.EarnedToday, dec, sym),
		EarnedTotal: format.Amount(st.Totals.EarnedTotal, dec, sym),
		EnergyToday: format.Energy(st.Totals.EnergyTodayWh) + " · " + format.CO2(st.Totals.CO2TodayGrams) + " CO₂",
		EnergyTotal: format.Energy(st.Totals.EnergyTotalWh) + " · " + format.CO2(st.Totals.CO2TotalGrams) + " CO₂",
		EnergyNote:  "estimated from CPU time",
		Problem:     st.SettingsProblem,
	}
	// "Paused until 14:05" already says when; "for 3 s" would muddle it,
	// and how long a node has not been set up or running is no news.
	quiet := st.State == app.PhaseSetup || st.State == app.PhaseStopped || (st.State == app.PhasePaused && st.PausedUntil != nil)
	if !st.Since.IsZero() && !quiet {
		v.Since = "for " + format.Duration(now.Sub(st.Since))
	}
	if st.Totals.EnergyMeasured {
		v.EnergyNote = "measured (RAPL, NVML)"
	}
	if p, err := format.ParseBase(st.Totals.PendingTotal); err == nil && p.Sign() > 0 {
		v.Pending = format.Tokens(p, dec) + " " + sym + " awaiting validation"
	}
	switch {
	case st.Network.Name == "" && st.Network.CoordinatorURL == "":
		v.Network = "Not part of a network yet"
	case st.Network.Connected:
		v.Network = networkName(st.Network) + " · connected"
	case st.Network.LastError != "":
		v.Network = networkName(st.Network) + " · unreachable: " + st.Network.LastError
	default:
		v.Network = networkName(st.Network) + " · not connected"
	}
	switch {
	case len(st.GPUs) == 0 && st.GPUNote != "":
		v.GPU = capitalise(st.GPUNote)
	case len(st.GPUs) == 0:
		v.GPU = "No GPU found"
	default:
		parts := make([]string, len(st.GPUs))
		for i, g := range st.GPUs {
			parts[i] = fmt.Sprintf("%s: %.0f%% (other programs %.0f%%), %s of %s, %.0f °C",
				g.Name, g.UtilPercent, g.OtherUtilPercent, format.Bytes(g.MemoryUsedBytes), format.Bytes(g.MemoryTotalBytes), g.TemperatureC)
		}
		v.GPU = strings.Join(parts, "\n")
	}
	switch {
	case st.InputIdleSeconds == nil:
		v.Input = "Keyboard and mouse: unknown (" + strings.TrimPrefix(st.InputMethod, "none: ") + ")"
	default:
		v.Input = "Keyboard and mouse idle for " + format.Duration(time.Duration(*st.InputIdleSeconds*float64(time.Second)))
	}
	switch {
	case st.OnBattery && st.BatteryPercent != nil:
		v.Power = fmt.Sprintf("On battery, %.0f%%", *st.BatteryPercent)
	case st.OnBattery:
		v.Power = "On battery"
	case st.BatteryPercent != nil:
		v.Power = fmt.Sprintf("On mains power, battery %.0f%%", *st.BatteryPercent)
	default:
		v.Power = "On mains power"
	}
	if st.TemperatureC != nil {
		v.Power += fmt.Sprintf(" · CPU %.0f °C", *st.TemperatureC)
	}
	if st.Yield.Count == 0 {
		v.Yield = "No stops yet"
	} else {
		v.Yield = fmt.Sprintf("Last %s, p99 %s over %s", ms(st.Yield.LastMS), ms(st.Yield.P99MS), plural(int64(st.Yield.Count), "stop", "stops"))
	}
	return v
}

func networkName(n app.NetworkState) string {
	if n.Name != "" {
		return n.Name
	}
	return n.CoordinatorURL
}

func ms(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// JobRow is one current job.
type JobRow struct {
	ID       string
	Status   string
	Progress float64 // 0..1
	Detail   string  // "running 4 min · CPU 2 min · 0.5 IDLE"
}

// Jobs lists the current jobs.
func Jobs(st app.State, now time.Time) []JobRow {
	dec, sym := format.Decimals(st), format.Symbol(st)
	rows := make([]JobRow, 0, len(st.Jobs))
	for _, j := range st.Jobs {
		p := j.Progress
		if p < 0 || p != p {
			p = 0
		}
		if p > 1 {
			p = 1
		}
		id := j.ID
		if len(id) > 12 {
			id = id[:12] + "…"
		}
		d := j.Status
		if !j.StartedAt.IsZero() {
			d += " " + format.Duration(now.Sub(j.StartedAt))
		}
		d += fmt.Sprintf(" · CPU %s · %s", format.Duration(time.Duration(j.CPUSeconds*float64(time.Second))), format.Amount(j.Reward, dec, sym))
		rows = append(rows, JobRow{ID: id, Status: j.Status, Progress: p, Detail: d})
	}
	return rows
}

// Bar is one bar of a chart: Value is its height as a share of the
// tallest (0..1), for drawing only; Label and Text are for people.
type Bar struct {
	Label string // "11-24"
	Text  string // "1.5 IDLE"
	Value float64
}

// EarningsDays is how many days the earnings chart shows.
const EarningsDays = 30

// EarningsBars gives the last EarningsDays days ending today, oldest
// first, with days the node earned nothing as zero bars. Amounts that do
// not parse count as zero.
func EarningsBars(st app.State, now time.Time) []Bar {
	dec, sym := format.Decimals(st), format.Symbol(st)
	byDay := map[string]*big.Int{}
	for _, d := range st.Totals.EarnedByDay {
		if v, err := format.ParseBase(d.Amount); err == nil {
			byDay[d.Day] = v
		}
	}
	max := new(big.Int)
	days := make([]string, EarningsDays)
	labels := make([]string, EarningsDays)
	for i := range days {
		day := now.AddDate(0, 0, i-EarningsDays+1)
		days[i], labels[i] = day.Format("2006-01-02"), day.Format("2 Jan")
		if v := byDay[days[i]]; v != nil && v.Cmp(max) > 0 {
			max = v
		}
	}
	bars := make([]Bar, EarningsDays)
	for i, d := range days {
		v := byDay[d]
		if v == nil {
			v = new(big.Int)
		}
		b := Bar{Label: labels[i], Text: format.Tokens(v, dec) + " " + sym}
		if max.Sign() > 0 && v.Sign() > 0 {
			f, _ := new(big.Rat).SetFrac(v, max).Float64() // a bar height, not an amount
			b.Value = f
		}
		bars[i] = b
	}
	return bars
}

// WalletView is the wallet tab's text.
type WalletView struct {
	Exists      bool
	Address     string
	Keyring     string
	Native      string
	Token       string
	Staked      string
	Unstaking   string // "" when nothing waits
	Cooldown    string // "Withdraw in 2 h 5 min", "Ready to withdraw", ""
	CanWithdraw bool
	Claimable   string
	CanClaim    bool
	Problem     string
}

// Wallet computes the wallet tab's text.
func Wallet(w localapi.WalletInfo, now time.Time) WalletView {
	dec, sym := w.Decimals, w.Symbol
	if sym == "" {
		sym = "tokens"
	}
	v := WalletView{
		Exists:    w.Exists,
		Address:   w.Address,
		Keyring:   "Passphrase kept in the OS keyring",
		Native:    format.Amount(w.Native, 18, "ETH"),
		Token:     format.Amount(w.Token, dec, sym),
		Staked:    format.Amount(w.Staked, dec, sym),
		Claimable: format.Amount(w.Claimable, dec, sym),
		Problem:   w.ChainError,
	}
	if strings.HasPrefix(w.Keyring, "none") {
		why := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(w.Keyring, "none"), ":"))
		why = strings.TrimPrefix(why, "no usable OS keyring: ") // said already
		v.Keyring = "No OS keyring: " + why
	}
	if c, err := format.ParseBase(w.Claimable); err == nil && c.Sign() > 0 {
		v.CanClaim = true
	}
	if u, err := format.ParseBase(w.Unstaking); err == nil && u.Sign() > 0 {
		v.Unstaking = format.Tokens(u, dec) + " " + sym
		switch {
		case w.UnstakeReadyAt == nil || !now.Before(*w.UnstakeReadyAt):
			v.Cooldown, v.CanWithdraw = "Ready to withdraw", true
		default:
			// Whole seconds up, so the last second reads "1 s", not "0 s".
			left := w.UnstakeReadyAt.Sub(now) + time.Second - time.Nanosecond
			v.Cooldown = "Withdraw in " + format.Duration(left.Truncate(time.Second))
		}
	}
	return v
}

// HistoryRow is one transaction in people's words.
type HistoryRow struct {
	When   string
	What   string // "Stake 10 IDLE", "Send 1 IDLE to 0x1234…abcd"
	Status string // "confirmed", "failed: reverted"
	Hash   string // shortened
}

// History turns the wallet's transactions into rows.
func History(recs []localapi.TxRecord, decimals int, symbol string) []HistoryRow {
	rows := make([]HistoryRow, 0, len(recs))
	for _, r := range recs {
		what := capitalise(strings.ReplaceAll(r.Kind, "-token", ""))
		if r.Amount != "" {
			what += " " + format.Amount(r.Amount, decimals, symbol)
		}
		// Only a send goes to someone; the other kinds' "to" is one of
		// the network's contracts, and the owner is who they pay.
		if r.To != "" && strings.HasPrefix(r.Kind, "send") {
			what += " to " + ShortAddress(r.To)
		}
		status := capitalise(r.Status)
		if r.Error != "" {
			status += ": " + r.Error
		}
		rows = append(rows, HistoryRow{When: r.Time.Local().Format("2006-01-02 15:04"), What: what, Status: status, Hash: ShortAddress(r.Hash)})
	}
	return rows
}

// opPrefixes are the operation names the core puts before its errors
// ("send: …"); after "Send failed:" they only repeat themselves.
var opPrefixes = []string{"send", "backup", "stake", "unstake", "claim", "withdraw", "unlock",
	"import key", "import", "create wallet", "load network", "join"}

// PlainError is err for people: without the leading operation names and
// with a capital letter, e.g. "import key: not a valid private key" →
// "Not a valid private key".
func PlainError(err error) string {
	s := err.Error()
	for range 2 {
		stripped := false
		for _, p := range opPrefixes {
			if rest, ok := strings.CutPrefix(s, p+": "); ok {
				s, stripped = rest, true
				break
			}
		}
		if !stripped {
			break
		}
	}
	return capitalise(s)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ShortAddress shortens a hex address or hash: "0x1234…abcd".
func ShortAddress(s string) string {
	if len(s) <= 14 {
		return s
	}
	return s[:6] + "…" + s[len(s)-4:]
}

// ActivityEntry returns the log line for st when it differs from prev in a
// way worth a line (the phase, the network connection), and whether there
// is one. prev is nil for the first snapshot. Jobs finished are counted
// apart (JobsFinished): short jobs finish every second.
func ActivityEntry(prev *app.State, st app.State) (string, bool) {
	at := st.Time.Local().Format("15:04:05")
	var parts []string
	if prev == nil || prev.State != st.State {
		s := format.Status(st)
		if st.Reason != "" {
			s += " — " + st.Reason
		}
		parts = append(parts, s)
	}
	if prev != nil && prev.Network.Connected != st.Network.Connected {
		if st.Network.Connected {
			parts = append(parts, "connected to "+networkName(st.Network))
		} else {
			parts = append(parts, "lost the network")
		}
	}
	if len(parts) == 0 {
		return "", false
	}
	return at + "  " + strings.Join(parts, "; "), true
}

// JobsFinished is how many jobs finished between prev and st.
func JobsFinished(prev *app.State, st app.State) int64 {
	if prev == nil || st.Totals.JobsDone <= prev.Totals.JobsDone {
		return 0
	}
	return st.Totals.JobsDone - prev.Totals.JobsDone
}
