package wallet

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// ErrBadAmount means an amount does not parse.
var ErrBadAmount = errors.New("invalid amount")

// ParseAmount turns a decimal token amount ("1.5") into base units for a
// token with the given decimals. It refuses negative numbers, exponents
// and more fractional digits than decimals.
func ParseAmount(s string, decimals int) (*big.Int, error) {
	s = strings.TrimSpace(s)
	whole, frac, hasDot := strings.Cut(s, ".")
	switch {
	case s == "":
		return nil, fmt.Errorf("%w: empty: give a number of tokens like 1.5", ErrBadAmount)
	case whole == "" && frac == "":
		return nil, fmt.Errorf("%w: %q: digits expected", ErrBadAmount, s)
	case hasDot && frac == "":
		return nil, fmt.Errorf("%w: %q: digits expected after the decimal point", ErrBadAmount, s)
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return nil, fmt.Errorf("%w: %q: digits and one dot only", ErrBadAmount, s)
			}
		}
	}
	if len(frac) > decimals {
		return nil, fmt.Errorf("%w: %q: at most %d decimals", ErrBadAmount, s, decimals)
	}
	digits := whole + frac + strings.Repeat("0", decimals-len(frac))
	v, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrBadAmount, s)
	}
	if v.BitLen() > 256 {
		return nil, fmt.Errorf("%w: %q: too large", ErrBadAmount, s)
	}
	return v, nil
}

// FormatAmount writes base units as a decimal token amount without
// trailing zeros ("1.5", "0", "0.000001").
func FormatAmount(v *big.Int, decimals int) string {
	if v == nil {
		return "0"
	}
	neg := v.Sign() < 0
	s := new(big.Int).Abs(v).String()
	if decimals > 0 {
		if len(s) <= decimals {
			s = strings.Repeat("0", decimals-len(s)+1) + s
		}
		whole, frac := s[:len(s)-decimals], strings.TrimRight(s[len(s)-decimals:], "0")
		s = whole
		if frac != "" {
			s += "." + frac
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}
