package contracts

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"

	"github.com/idlenode/idlenode/contracts/bindings"
)

var knownErrors = func() []abi.Error {
	var all []abi.Error
	seen := map[string]bool{}
	for _, md := range []abi.ABI{
		bindings.NewRewardToken().GetABI(),
		bindings.NewStaking().GetABI(),
		bindings.NewRewardPool().GetABI(),
	} {
		for _, e := range md.Errors {
			if !seen[e.Sig] {
				seen[e.Sig] = true
				all = append(all, e)
			}
		}
	}
	return all
}()

// DecodeRevert turns revert data into a readable reason: a custom error of
// the idlenode contracts with its arguments ("CooldownNotOver(releaseAt=
// 1700000000)"), or a require message or panic code. ok is false for data
// it does not recognise.
func DecodeRevert(data []byte) (reason string, ok bool) {
	if len(data) < 4 {
		return "", false
	}
	for _, e := range knownErrors {
		if !bytes.Equal(data[:4], e.ID[:4]) {
			continue
		}
		vals, err := e.Inputs.Unpack(data[4:])
		if err != nil {
			return e.Name, true
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprintf("%s=%v", e.Inputs[i].Name, v)
		}
		return e.Name + "(" + strings.Join(parts, ", ") + ")", true
	}
	if msg, err := abi.UnpackRevert(data); err == nil {
		return msg, true
	}
	return "", false
}
