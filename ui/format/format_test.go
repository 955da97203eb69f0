package format

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app"
)

func bi(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return v
}

func TestTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    string
		dec  int
		want string
	}{
		{"0", 18, "0"},
		{"1000000000000000000", 18, "1"},
		{"1500000000000000000", 18, "1.5"},
		{"1234567890000000000000", 18, "1,234.5678"},
		{"1999999999999999999", 18, "1.9999"}, // truncated, never rounded up
		{"100000000000000", 18, "0.0001"},
		{"99999999999999", 18, "<0.0001"},
		{"1", 18, "<0.0001"},
		{"-2500000000000000000", 18, "-2.5"},
		{"-1", 18, "-0.0001"},
		{"12345", 0, "12,345"},
		{"123456789", 2, "1,234,567.89"},
		{"5", 1, "0.5"},
		{"1000000", 6, "1"},
		{"999", 3, "0.999"},
		{"123456789012345678901234567890", 18, "123,456,789,012.3456"},
	} {
		if got := Tokens(bi(tc.v), tc.dec); got != tc.want {
			t.Errorf("Tokens(%s, %d) = %q, want %q", tc.v, tc.dec, got, tc.want)
		}
	}
	if got := Tokens(nil, 18); got != "0" {
		t.Errorf("Tokens(nil) = %q", got)
	}
}

func TestAmount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, sym, want string }{
		{"", "IDLE", "0 IDLE"},
		{"2000000000000000000", "IDLE", "2 IDLE"},
		{"12x", "IDLE", "?"},
		{"1.5", "IDLE", "?"},
		{"3000000000000000000", "", "3"},
	} {
		if got := Amount(tc.base, 18, tc.sym); got != tc.want {
			t.Errorf("Amount(%q) = %q, want %q", tc.base, got, tc.want)
		}
	}
}

func TestParseTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		dec  int
		want string
		bad  bool
	}{
		{"1.5", 18, "1500000000000000000", false},
		{" 1,000 ", 18, "1000000000000000000000", false},
		{".25", 2, "25", false},
		{"7", 0, "7", false},
		{"0.001", 2, "", true},
		{"-1", 18, "", true},
		{"1e18", 18, "", true},
		{"", 18, "", true},
		{"1.2.3", 18, "", true},
		{"abc", 18, "", true},
	} {
		got, err := ParseTokens(tc.in, tc.dec)
		if tc.bad {
			if !errors.Is(err, ErrBadAmount) {
				t.Errorf("ParseTokens(%q) err = %v, want ErrBadAmount", tc.in, err)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("ParseTokens(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	// Round trip: what Tokens prints, ParseTokens reads back.
	v := bi("1234500000000000000000")
	back, err := ParseTokens(Tokens(v, 18), 18)
	if err != nil || back.Cmp(v) != 0 {
		t.Errorf("round trip %s: %v, %v", v, back, err)
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0 s"},
		{40 * time.Second, "40 s"},
		{3*time.Minute + 59*time.Second, "3 min"},
		{time.Hour, "1 h"},
		{65 * time.Minute, "1 h 5 min"},
		{50 * time.Hour, "2 d 2 h"},
		{48 * time.Hour, "2 d"},
	} {
		if got := Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestCountdown(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "ready"},
		{0, "ready"},
		{500 * time.Millisecond, "0:01"},
		{4*time.Minute + 7*time.Second, "4:07"},
		{2*time.Hour + 5*time.Minute + 9*time.Second, "2:05:09"},
	} {
		if got := Countdown(now.Add(tc.d), now); got != tc.want {
			t.Errorf("Countdown(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestEnergyCO2Bytes(t *testing.T) {
	t.Parallel()
	checks := []struct{ got, want string }{
		{Energy(0), "0 Wh"}, {Energy(0.85), "850 mWh"}, {Energy(12.34), "12.3 Wh"}, {Energy(1250), "1.25 kWh"},
		{CO2(0), "0 g"}, {CO2(0.007), "<1 g"}, {CO2(12.4), "12 g"}, {CO2(1400), "1.4 kg"},
		{Bytes(512 << 20), "512 MiB"}, {Bytes(16 << 30), "16.0 GiB"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	until := time.Date(2026, 1, 1, 14, 5, 0, 0, time.Local)
	for _, tc := range []struct {
		st   app.State
		want string
	}{
		{app.State{State: app.PhaseWorking}, "Working"},
		{app.State{State: app.PhasePaused}, "Paused"},
		{app.State{State: app.PhasePaused, PausedUntil: &until}, "Paused until 14:05"},
		{app.State{State: app.PhaseSuspended}, "Stopped for you"},
		{app.State{State: app.PhaseSetup}, "Not set up"},
		{app.State{State: app.PhaseStopped}, "Not running"},
		{app.State{State: app.Phase(42)}, "Unknown"},
	} {
		if got := Status(tc.st); got != tc.want {
			t.Errorf("Status(%v) = %q, want %q", tc.st.State, got, tc.want)
		}
	}
}

func TestEarnedToday(t *testing.T) {
	t.Parallel()
	st := app.State{Network: app.NetworkState{TokenSymbol: "IDLE", TokenDecimals: 6}}
	st.Totals.EarnedToday = "1250000"
	if got := EarnedToday(st); got != "1.25 IDLE" {
		t.Errorf("EarnedToday = %q", got)
	}
	if got := EarnedToday(app.State{}); got != "0 tokens" {
		t.Errorf("EarnedToday(no network) = %q", got)
	}
}
