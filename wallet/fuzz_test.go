package wallet

import (
	"testing"
)

// FuzzParseAmount: amounts typed by people never panic, never go negative,
// and survive a round trip through FormatAmount.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1", "1.5", ".5", "0.000000000000000001", "-1", "1e5", "", "99999999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseAmount(s, 18)
		if err != nil {
			return
		}
		if v.Sign() < 0 || v.BitLen() > 256 {
			t.Fatalf("ParseAmount(%q) = %s", s, v)
		}
		back, err := ParseAmount(FormatAmount(v, 18), 18)
		if err != nil || back.Cmp(v) != 0 {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
	})
}
