package wallet

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	const good = "0x52908400098527886E0F7030069857D2E4169EE7"
	for _, in := range []string{
		good,
		strings.ToLower(good),
		"0x" + strings.ToUpper(good[2:]),
		good[2:], // without 0x, as before
		" " + good + "\n",
	} {
		a, err := ParseAddress(in)
		if err != nil || a.Hex() != good {
			t.Errorf("ParseAddress(%q) = %s, %v", in, a.Hex(), err)
		}
	}
	for in, want := range map[string]string{
		"0x0000000000000000000000000000000000000000": "zero address",
		"0x52908400098527886E0F7030069857D2E4169Ee7": "EIP-55 checksum", // one letter's case flipped
		"0x52908400098527886e0F7030069857D2E4169EE7": "EIP-55 checksum",
		"0x1234":         "40 hex digits",
		"not-an-address": "40 hex digits",
		"":               "40 hex digits",
	} {
		_, err := ParseAddress(in)
		if !errors.Is(err, ErrBadAddress) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAddress(%q) = %v, want ErrBadAddress saying %q", in, err, want)
		}
	}
}
