package window

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
)

var now = time.Date(2026, 11, 25, 14, 0, 0, 0, time.Local)

func f64(v float64) *float64 { return &v }

// fixture is a busy node: working, two jobs, a GPU, a month of earnings.
func fixture() app.State {
	st := app.State{
		Seq: 7, Time: now, State: app.PhaseWorking, Reason: "Idle for 12 min", Since: now.Add(-5 * time.Minute),
		CPUOtherPercent: 12, CPUOursPercent: 40, MemoryPercent: 35,
		InputIdleSeconds: f64(720), InputMethod: "x11",
		GPUs:         []app.GPUState{{Name: "RTX 3060", UtilPercent: 80, OtherUtilPercent: 5, MemoryUsedBytes: 2 << 30, MemoryTotalBytes: 12 << 30, TemperatureC: 61}},
		Settings:     settings.Default(),
		SettingsFile: "/home/me/.config/idlenode/settings.json",
		Network:      app.NetworkState{Name: "devnet", CoordinatorURL: "http://127.0.0.1:8080", TokenSymbol: "IDLE", TokenDecimals: 18, Connected: true},
		Jobs: []app.JobState{
			{ID: "job-0123456789abcdef", Status: "running", StartedAt: now.Add(-4 * time.Minute), Progress: 0.4, CPUSeconds: 120, Reward: "500000000000000000"},
			{ID: "j2", Status: "downloading", Progress: 1.7, Reward: "x"},
		},
		Totals: app.Totals{JobsDone: 128, EarnedToday: "1250000000000000000", EarnedTotal: "42500000000000000000", PendingTotal: "500000000000000000",
			EnergyTodayWh: 12.34, EnergyTotalWh: 1250, CO2TodayGrams: 4.9, CO2TotalGrams: 500,
			EarnedByDay: []app.DayAmount{{Day: "2026-11-20", Amount: "2000000000000000000"}, {Day: "2026-11-25", Amount: "1250000000000000000"}, {Day: "2026-10-01", Amount: "9000000000000000000"}, {Day: "2026-11-21", Amount: "junk"}}},
		Yield: app.YieldStats{Count: 37, LastMS: 4.2, P99MS: 41},
	}
	return st
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	v := Dashboard(fixture(), now)
	want := DashboardView{
		Status: "Working", Reason: "Idle for 12 min", Since: "for 5 min", Network: "devnet · connected",
		CPU:         "Other programs 12% · idlenode 40% · memory 35%",
		GPU:         "RTX 3060: 80% (other programs 5%), 2.0 GiB of 12.0 GiB, 61 °C",
		Input:       "Keyboard and mouse idle for 12 min",
		Power:       "On mains power",
		JobsDone:    "128 jobs done",
		EarnedToday: "1.25 IDLE", EarnedTotal: "42.5 IDLE", Pending: "0.5 IDLE awaiting validation",
		EnergyToday: "12.3 Wh · 5 g CO₂", EnergyTotal: "1.25 kWh · 500 g CO₂", EnergyNote: "estimated from CPU time",
		Yield: "Last 4.2 ms, p99 41 ms over 37 stops",
	}
	if v != want {
		t.Errorf("Dashboard:\n got %+v\nwant %+v", v, want)
	}

	// A new node: no network, no GPU, input unknown, on battery.
	empty := Dashboard(app.State{State: app.PhaseSetup, GPUNote: "no NVIDIA GPU found", InputMethod: "none: no X display", OnBattery: true, BatteryPercent: f64(42), TemperatureC: f64(71)}, now)
	for got, want := range map[string]string{
		empty.Network: "Not part of a network yet", empty.GPU: "No NVIDIA GPU found",
		empty.Input: "Keyboard and mouse: unknown (no X display)", empty.Power: "On battery, 42% · CPU 71 °C",
		empty.EarnedToday: "0 tokens", empty.Pending: "", empty.Yield: "No stops yet", empty.JobsDone: "0 jobs done",
		empty.Since: "",
	} {
		if got != want {
			t.Errorf("empty dashboard: got %q, want %q", got, want)
		}
	}
	snoozed := fixture()
	until := now.Add(time.Hour)
	snoozed.State, snoozed.PausedUntil = app.PhasePaused, &until
	if v := Dashboard(snoozed, now); v.Since != "" || !strings.HasPrefix(v.Status, "Paused until ") {
		t.Errorf("snoozed: status %q since %q, want no 'for …' after the time", v.Status, v.Since)
	}
	setup := fixture()
	setup.State = app.PhaseSetup
	if v := Dashboard(setup, now); v.Since != "" || v.Status != "Not set up" {
		t.Errorf("setup: status %q since %q", v.Status, v.Since)
	}
	off := fixture()
	off.Network.Connected, off.Network.LastError = false, "connection refused"
	if got := Dashboard(off, now).Network; got != "devnet · unreachable: connection refused" {
		t.Errorf("offline network: %q", got)
	}
}

func TestJobs(t *testing.T) {
	t.Parallel()
	rows := Jobs(fixture(), now)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0] != (JobRow{ID: "job-01234567…", Status: "running", Progress: 0.4, Detail: "running 4 min · CPU 2 min · 0.5 IDLE"}) {
		t.Errorf("row 0: %+v", rows[0])
	}
	if rows[1].Progress != 1 || rows[1].Detail != "downloading · CPU 0 s · ?" {
		t.Errorf("row 1: %+v", rows[1])
	}
}

func TestEarningsBars(t *testing.T) {
	t.Parallel()
	bars := EarningsBars(fixture(), now)
	if len(bars) != EarningsDays {
		t.Fatalf("%d bars", len(bars))
	}
	if bars[0].Label != "27 Oct" || bars[29].Label != "25 Nov" {
		t.Errorf("range %s..%s, want 27 Oct..25 Nov", bars[0].Label, bars[29].Label)
	}
	if bars[24].Label != "20 Nov" || bars[24].Value != 1 || bars[24].Text != "2 IDLE" {
		t.Errorf("tallest bar: %+v", bars[24])
	}
	if bars[29].Value != 0.625 || bars[29].Text != "1.25 IDLE" {
		t.Errorf("today: %+v", bars[29])
	}
	if bars[25].Value != 0 || bars[25].Text != "0 IDLE" { // junk amount counts as zero
		t.Errorf("junk day: %+v", bars[25])
	}
	for _, b := range EarningsBars(app.State{}, now) {
		if b.Value != 0 {
			t.Fatalf("no earnings, bar %+v", b)
		}
	}
}

func TestWallet(t *testing.T) {
	t.Parallel()
	ready := now.Add(2*time.Hour + 5*time.Minute + 9*time.Second)
	info := localapi.WalletInfo{Exists: true, Address: "0x52908400098527886E0F7030069857D2E4169EE7", Keyring: "OS keyring", Symbol: "IDLE", Decimals: 18,
		Native: "1000000000000000000", Token: "12000000000000000000", Staked: "100000000000000000000", Unstaking: "5000000000000000000",
		UnstakeReadyAt: &ready, Claimable: "0"}
	v := Wallet(info, now)
	want := WalletView{Exists: true, Address: info.Address, Keyring: "Passphrase kept in the OS keyring", Native: "1 ETH", Token: "12 IDLE",
		Staked: "100 IDLE", Unstaking: "5 IDLE", Cooldown: "Withdraw in 2 h 5 min", Claimable: "0 IDLE"}
	if v != want {
		t.Errorf("Wallet:\n got %+v\nwant %+v", v, want)
	}
	if v := Wallet(info, ready); v.Cooldown != "Ready to withdraw" || !v.CanWithdraw {
		t.Errorf("after the cooldown: %+v", v)
	}
	info.Claimable, info.Unstaking, info.Keyring, info.ChainError = "1", "", "none: no Secret Service", "dial tcp: refused"
	v = Wallet(info, now)
	if !v.CanClaim || v.Claimable != "<0.0001 IDLE" || v.Unstaking != "" || v.Cooldown != "" || v.Keyring != "No OS keyring: no Secret Service" || v.Problem != "dial tcp: refused" {
		t.Errorf("claimable dust, no keyring: %+v", v)
	}
	info.Keyring = "none: no usable OS keyring: failed to unlock the default collection"
	if v := Wallet(info, now); v.Keyring != "No OS keyring: failed to unlock the default collection" {
		t.Errorf("keyring reason said twice: %q", v.Keyring)
	}
}

func TestHistory(t *testing.T) {
	t.Parallel()
	rows := History([]localapi.TxRecord{
		{Hash: "0xabcdef0123456789abcdef", Kind: "send", Amount: "1500000000000000000", To: "0x52908400098527886E0F7030069857D2E4169EE7", Status: "confirmed", Time: now},
		{Hash: "0x01", Kind: "claim", Status: "failed", Error: "reverted", Time: now},
		{Hash: "0x02", Kind: "stake", Amount: "10000000000000000000", To: "0x0Aa3000000000000000000000000000000853D", Status: "pending", Time: now},
		{Hash: "0x03", Kind: "send-token", Amount: "1", To: "0x52908400098527886E0F7030069857D2E4169EE7", Status: "confirmed", Time: now},
	}, 18, "IDLE")
	want := []HistoryRow{
		{When: "2026-11-25 14:00", What: "Send 1.5 IDLE to 0x5290…9EE7", Status: "Confirmed", Hash: "0xabcd…cdef"},
		{When: "2026-11-25 14:00", What: "Claim", Status: "Failed: reverted", Hash: "0x01"},
		{When: "2026-11-25 14:00", What: "Stake 10 IDLE", Status: "Pending", Hash: "0x02"},
		{When: "2026-11-25 14:00", What: "Send <0.0001 IDLE to 0x5290…9EE7", Status: "Confirmed", Hash: "0x03"},
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, rows[i], want[i])
		}
	}
}

func TestActivityEntry(t *testing.T) {
	t.Parallel()
	st := fixture()
	line, ok := ActivityEntry(nil, st)
	if !ok || line != "14:00:00  Working — Idle for 12 min" {
		t.Errorf("first: %q %v", line, ok)
	}
	same := st
	same.Reason = "Idle for 13 min"
	if line, ok := ActivityEntry(&st, same); ok {
		t.Errorf("reason tick logged: %q", line)
	}
	next := st
	next.State, next.Reason, next.Network.Connected, next.Totals.JobsDone = app.PhaseSuspended, "Keyboard used 0 s ago", false, 130
	line, ok = ActivityEntry(&st, next)
	if !ok || line != "14:00:00  Stopped for you — Keyboard used 0 s ago; lost the network" || JobsFinished(&st, next) != 2 {
		t.Errorf("change: %q", line)
	}
}

func TestWhatRunsAndVerdict(t *testing.T) {
	t.Parallel()
	s := settings.Default()
	got := WhatRuns(s)
	for _, want := range []string{"after 3 min without keyboard or mouse", "50% of the cores and 50% of the memory", "GPU while you are away", "never works on battery", "no network"} {
		if !strings.Contains(got, want) {
			t.Errorf("WhatRuns lacks %q:\n%s", want, got)
		}
	}
	s.Schedule, s.RunOnBattery, s.GPUEnabled = []settings.Window{{Start: "22:00", End: "07:00"}}, true, false
	got = WhatRuns(s)
	if !strings.Contains(got, "only 22:00–07:00") || !strings.Contains(got, "down to 50% charge") || strings.Contains(got, "GPU") {
		t.Errorf("WhatRuns with schedule:\n%s", got)
	}

	for _, tc := range []struct {
		h    Hardware
		ok   bool
		want string
	}{
		{Hardware{Cores: 8, MemoryBytes: 16 << 30, Score: 2000}, true, "This machine meets what the network needs."},
		{Hardware{Cores: 8, MemoryBytes: 16 << 30}, true, "Run the benchmark to see how fast this machine is."},
		{Hardware{Cores: 1, MemoryBytes: 1 << 30, Score: 100}, false, "Below what the network needs: 1 core (the network needs 2), 1.0 GiB of memory (needs 2.0 GiB), a benchmark score of 100 (needs 300). idlenode can still run, but will get few jobs."},
	} {
		msg, ok := Verdict(tc.h)
		if msg != tc.want || ok != tc.ok {
			t.Errorf("Verdict(%+v) = %q, %v", tc.h, msg, ok)
		}
	}
	lines := HardwareLines(Hardware{Cores: 4, MemoryBytes: 8 << 30, GPUNote: "no NVIDIA GPU found", Score: 512.4})
	if strings.Join(lines, "|") != "CPU: 4 cores|Memory: 8.0 GiB|GPU: no NVIDIA GPU found|Benchmark: 512 points" {
		t.Errorf("HardwareLines: %q", lines)
	}
}

func TestApplyForm(t *testing.T) {
	t.Parallel()
	base := settings.Default()
	// Unchanged values change nothing, not even the preset.
	s, es := ApplyForm(base, FormValues(base))
	if len(es) != 0 || s.Preset != "balanced" || !sameSettings(s, base) {
		t.Fatalf("round trip: %v %+v", es, s)
	}
	vals := FormValues(base)
	vals["idle_minutes"] = "7"
	vals["schedule"] = "22:00-07:00"
	vals["gpu_enabled"] = "off"
	vals["electricity_price"] = "0.25"
	s, es = ApplyForm(base, vals)
	if len(es) != 0 || s.IdleMinutes != 7 || len(s.Schedule) != 1 || s.GPUEnabled || s.ElectricityPrice != 0.25 || s.Preset != "custom" {
		t.Fatalf("edit: %v %+v", es, s)
	}
	if len(base.Schedule) != 0 {
		t.Fatal("ApplyForm changed its base")
	}

	vals = FormValues(base)
	vals["idle_minutes"] = "soon"
	vals["cores_percent"] = "250"
	vals["schedule"] = "25:00-07:00"
	vals["coordinator_url"] = "ftp://x"
	_, es = ApplyForm(base, vals)
	for key, want := range map[string]string{
		"idle_minutes":    "must be a whole number (is \"soon\")",
		"cores_percent":   "must be between 1 and 100 (is 250)",
		"schedule":        "not a time of day",
		"coordinator_url": "must be an http(s) URL",
	} {
		if got := es.Field(key); !strings.Contains(got, want) {
			t.Errorf("%s error %q, want %q", key, got, want)
		}
	}
	if len(es) != 4 {
		t.Errorf("errors %v, want 4", es)
	}
}

func TestErrorsOf(t *testing.T) {
	t.Parallel()
	fe := settings.Errors{{Field: "idle_minutes", Rule: "must be between 0 and 1440"}}
	if es := errorsOf(errors.New("wrapped"), func(error) settings.Errors { return fe }); es.Field("idle_minutes") == "" {
		t.Errorf("field errors lost: %v", es)
	}
	if es := errorsOf(errors.New("service down"), func(error) settings.Errors { return nil }); len(es) != 1 || es[0].Rule != "service down" {
		t.Errorf("plain error: %v", es)
	}
	if errorsOf(nil, nil) != nil {
		t.Error("nil error gave errors")
	}
}

func TestPlainError(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`send: "0x123" is not an address`:                           `"0x123" is not an address`,
		"backup: give an absolute path":                             "Give an absolute path",
		"import key: not a valid private key: want 64 hex digits":   "Not a valid private key: want 64 hex digits",
		"create wallet: no usable OS keyring: choose a passphrase":  "No usable OS keyring: choose a passphrase",
		"stake: not enough tokens: only 0.64 IDLE in the wallet":    "Not enough tokens: only 0.64 IDLE in the wallet",
		"load network: open /tmp/x.json: no such file or directory": "Open /tmp/x.json: no such file or directory",
		"unlock: wrong passphrase for the key file":                 "Wrong passphrase for the key file",
		"connection refused":                                        "Connection refused",
	} {
		if got := PlainError(errors.New(in)); got != want {
			t.Errorf("PlainError(%q) = %q, want %q", in, got, want)
		}
	}
}
