package wallet

import (
	"errors"
	"math/big"
	"strings"
	"testing"
)

func TestAmounts(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // base units
	}{
		{"1", "1000000000000000000"}, {"1.5", "1500000000000000000"}, {"0.000000000000000001", "1"},
		{"0", "0"}, {".5", "500000000000000000"}, {"12.", ""}, {"-1", ""}, {"1e18", ""},
		{"0.0000000000000000001", ""}, {"", ""}, {"1.2.3", ""}, {" 2 ", "2000000000000000000"},
	} {
		got, err := ParseAmount(c.in, 18)
		if c.want == "" {
			if !errors.Is(err, ErrBadAmount) {
				t.Errorf("ParseAmount(%q) = %v, %v; want ErrBadAmount", c.in, got, err)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %s", c.in, got, err, c.want)
			continue
		}
		back, _ := ParseAmount(FormatAmount(got, 18), 18)
		if back.Cmp(got) != 0 {
			t.Errorf("round trip of %q lost value", c.in)
		}
	}
	for _, c := range []struct {
		v    *big.Int
		want string
	}{{big.NewInt(0), "0"}, {big.NewInt(1), "0.000000000000000001"}, {big.NewInt(-15e17), "-1.5"}, {nil, "0"}} {
		if got := FormatAmount(c.v, 18); got != c.want {
			t.Errorf("FormatAmount(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// A refused amount says why, not just that it is invalid.
func TestAmountErrorsSayWhy(t *testing.T) {
	for in, want := range map[string]string{
		"5.":                    "digits expected after the decimal point",
		".":                     "digits expected",
		"":                      "empty",
		"1.2.3":                 "digits and one dot only",
		"1e18":                  "digits and one dot only",
		"0.0000000000000000001": "at most 18 decimals",
	} {
		_, err := ParseAmount(in, 18)
		if !errors.Is(err, ErrBadAmount) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAmount(%q) = %v, want it to say %q", in, err, want)
		}
	}
}
