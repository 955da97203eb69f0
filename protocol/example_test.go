package protocol_test

import (
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/protocol"
)

// The text a node signs to sign in (EIP-4361).
func ExampleSIWEMessage_String() {
	m := protocol.SIWEMessage{
		Domain:    "coordinator.example:8080",
		Address:   common.HexToAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
		Statement: "Sign in to the idlenode coordinator.",
		URI:       "http://coordinator.example:8080",
		ChainID:   1337,
		Nonce:     "a1b2c3d4e5f60718",
		IssuedAt:  time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC),
	}
	fmt.Println(m.String())
	// Output:
	// coordinator.example:8080 wants you to sign in with your Ethereum account:
	// 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
	//
	// Sign in to the idlenode coordinator.
	//
	// URI: http://coordinator.example:8080
	// Version: 1
	// Chain ID: 1337
	// Nonce: a1b2c3d4e5f60718
	// Issued At: 2026-11-25T04:00:00Z
}

func ExampleParseAmount() {
	v, err := protocol.ParseAmount("1500000000000000000")
	fmt.Println(v, err)
	_, err = protocol.ParseAmount("1.5")
	fmt.Println(err)
	// Output:
	// 1500000000000000000 <nil>
	// invalid: amount "1.5" is not a non-negative decimal integer
}
