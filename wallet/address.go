package wallet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// ErrBadAddress means an address the owner gave cannot be used.
var ErrBadAddress = errors.New("invalid address")

// ParseAddress checks an address the owner typed or pasted (a recipient,
// a payout address) before anything is sent to it: 40 hex digits after an
// optional 0x; in mixed case the EIP-55 checksum must match (a typo in a
// checksummed address is caught; all lower or all upper case carries no
// checksum and is taken as written); never the zero address, which burns
// whatever is sent to it.
func ParseAddress(s string) (common.Address, error) {
	s = strings.TrimSpace(s)
	if !common.IsHexAddress(s) {
		return common.Address{}, fmt.Errorf("%w: %q is not a 0x address of 40 hex digits", ErrBadAddress, s)
	}
	digits := s
	if len(digits) == 42 {
		digits = digits[2:]
	}
	a := common.HexToAddress(s)
	if strings.ToLower(digits) != digits && strings.ToUpper(digits) != digits && a.Hex()[2:] != digits {
		return common.Address{}, fmt.Errorf("%w: %s has a wrong EIP-55 checksum (the upper and lower case letters do not match the address): check it for a typo, or write it all in lower case to skip the check", ErrBadAddress, s)
	}
	if a == (common.Address{}) {
		return common.Address{}, fmt.Errorf("%w: the zero address %s burns whatever is sent to it", ErrBadAddress, s)
	}
	return a, nil
}
