// Package format turns the node's numbers into the words and figures people
// read in the tray and the window. Everything here is a pure function:
// token amounts are *big.Int in base units, never floats.
package format

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/idlenode/idlenode/app"
)

// ErrBadAmount means a typed amount is not a number of tokens.
var ErrBadAmount = errors.New("not an amount")

// maxFraction is how many fractional digits Tokens shows.
const maxFraction = 4

// ParseBase parses a decimal string of base units; "" is zero.
func ParseBase(s string) (*big.Int, error) {
	if s == "" {
		return new(big.Int), nil
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, fmt.Errorf("parse base units %q: %w", s, ErrBadAmount)
	}
	return v, nil
}

// Tokens renders v base units of a token with decimals decimals: at most
// four fractional digits (truncated, never rounded up), trailing zeros
// dropped, thousands grouped with a thin comma: "1,234.5", "0.0001",
// "<0.0001" for dust, "-2" for negatives.
func Tokens(v *big.Int, decimals int) string {
	if v == nil {
		return "0"
	}
	if decimals < 0 {
		decimals = 0
	}
	neg := v.Sign() < 0
	abs := new(big.Int).Abs(v)
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	whole, frac := new(big.Int).QuoRem(abs, unit, new(big.Int))
	fs := ""
	if decimals > 0 {
		fs = fmt.Sprintf("%0*s", decimals, frac.String())
		if len(fs) > maxFraction {
			fs = fs[:maxFraction]
		}
		fs = strings.TrimRight(fs, "0")
	}
	if whole.Sign() == 0 && fs == "" && frac.Sign() != 0 {
		s := "<0." + strings.Repeat("0", maxFraction-1) + "1"
		if neg {
			return "-" + s[1:] // "-0.0001" reads better than "<-0.0001"
		}
		return s
	}
	out := group(whole.String())
	if fs != "" {
		out += "." + fs
	}
	if neg && (whole.Sign() != 0 || fs != "") {
		out = "-" + out
	}
	return out
}

func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	lead := len(digits) % 3
	if lead > 0 {
		b.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Amount renders a base-unit string with its symbol: "12.5 IDLE". A string
// that is not a number shows as "?" rather than a wrong figure.
func Amount(base string, decimals int, symbol string) string {
	v, err := ParseBase(base)
	if err != nil {
		return "?"
	}
	s := Tokens(v, decimals)
	if symbol != "" {
		s += " " + symbol
	}
	return s
}

// ParseTokens parses what a person typed ("1.5", "1,000", "0.25") into base
// units of a token with decimals decimals.
func ParseTokens(s string, decimals int) (*big.Int, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return nil, fmt.Errorf("enter an amount: %w", ErrBadAmount)
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if !digitsOnly(whole) || !digitsOnly(frac) {
		return nil, fmt.Errorf("%q is not a number like 12.5: %w", s, ErrBadAmount)
	}
	if len(frac) > decimals {
		return nil, fmt.Errorf("%q has more than %d decimals: %w", s, decimals, ErrBadAmount)
	}
	v, _ := new(big.Int).SetString(whole+frac+strings.Repeat("0", decimals-len(frac)), 10)
	return v, nil
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Duration renders a span for people: "40 s", "3 min", "1 h 5 min",
// "2 d 3 h". Negative spans show as "0 s".
func Duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 24*time.Hour:
		h := int(d.Hours())
		m := int(d.Minutes()) - 60*h
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	default:
		days := int(d.Hours()) / 24
		h := int(d.Hours()) - 24*days
		if h == 0 {
			return fmt.Sprintf("%d d", days)
		}
		return fmt.Sprintf("%d d %d h", days, h)
	}
}

// Countdown renders the time left until t, to the second: "2:05:09",
// "4:07", or "ready" once t has passed.
func Countdown(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "ready"
	}
	s := int(math.Ceil(d.Seconds()))
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Energy renders watt-hours: "850 mWh", "12.3 Wh", "1.25 kWh".
func Energy(wh float64) string {
	switch {
	case wh <= 0:
		return "0 Wh"
	case wh < 1:
		return fmt.Sprintf("%.0f mWh", wh*1000)
	case wh < 1000:
		return fmt.Sprintf("%.1f Wh", wh)
	default:
		return fmt.Sprintf("%.2f kWh", wh/1000)
	}
}

// CO2 renders grams of CO2: "12 g", "1.4 kg".
func CO2(g float64) string {
	switch {
	case g <= 0:
		return "0 g"
	case g < 0.5: // some, but "0 g" would say none
		return "<1 g"
	case g < 1000:
		return fmt.Sprintf("%.0f g", g)
	default:
		return fmt.Sprintf("%.1f kg", g/1000)
	}
}

// Bytes renders a memory size: "512 MiB", "15.6 GiB".
func Bytes(b uint64) string {
	const gib = 1 << 30
	if b >= gib {
		return fmt.Sprintf("%.1f GiB", float64(b)/gib)
	}
	return fmt.Sprintf("%d MiB", b>>20)
}

// PhaseTitle is the capitalised name of a phase for people.
func PhaseTitle(p app.Phase) string {
	switch p {
	case app.PhaseSetup:
		return "Not set up"
	case app.PhasePaused:
		return "Paused"
	case app.PhaseWaiting:
		return "Waiting"
	case app.PhaseWorking:
		return "Working"
	case app.PhaseSuspended:
		return "Stopped for you"
	case app.PhaseOffline:
		return "Offline"
	case app.PhaseStopped:
		return "Not running"
	}
	return "Unknown"
}

// Status is the one-line status: "Paused until 14:05", "Working", with the
// reason given separately by the State.
func Status(st app.State) string {
	if st.State == app.PhasePaused && st.PausedUntil != nil {
		return "Paused until " + st.PausedUntil.Local().Format("15:04")
	}
	return PhaseTitle(st.State)
}

// Symbol is the token symbol of the joined network, or "tokens".
func Symbol(st app.State) string {
	if st.Network.TokenSymbol != "" {
		return st.Network.TokenSymbol
	}
	return "tokens"
}

// Decimals is the token's decimals of the joined network (18 when unknown,
// as for most ERC-20 tokens).
func Decimals(st app.State) int {
	if st.Network.TokenSymbol == "" && st.Network.TokenDecimals == 0 {
		return 18
	}
	return st.Network.TokenDecimals
}

// EarnedToday is "1.25 IDLE" for today's validated earnings.
func EarnedToday(st app.State) string {
	return Amount(st.Totals.EarnedToday, Decimals(st), Symbol(st))
}
