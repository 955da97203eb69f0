package voucher

import (
	"encoding/json"
	"testing"

	"github.com/idlenode/idlenode/protocol"
)

// FuzzVerify feeds arbitrary voucher JSON (it comes from the network) to
// Parse and Recover: errors are fine, panics are not, and a voucher that
// parses keeps its amount within uint256.
func FuzzVerify(f *testing.F) {
	f.Add([]byte(`{"account":"0x00000000000000000000000000000000000000bb","cumulative_amount":"5","chain_id":1337,"reward_pool":"0x00000000000000000000000000000000000000aa","signature":"0x` +
		"11111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111" + `1b"}`))
	f.Add([]byte(`{"cumulative_amount":"-1"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var v protocol.Voucher
		if json.Unmarshal(b, &v) != nil {
			return
		}
		p, err := Parse(v)
		if err != nil {
			return
		}
		if p.Cumulative.Sign() < 0 || p.Cumulative.BitLen() > 256 || len(p.Signature) != 65 {
			t.Fatalf("Parse accepted %+v", p)
		}
		_, _ = Recover(v)
	})
}
