package voucher_test

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/contracts/voucher"
)

func Example() {
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example coordinator key")))
	d := voucher.Domain{ChainID: 1337, RewardPool: common.HexToAddress("0x00000000000000000000000000000000000000aa")}
	s := voucher.NewSigner(key, d)

	node := common.HexToAddress("0x00000000000000000000000000000000000000bb")
	v, _ := s.SignVoucher(context.Background(), node, big.NewInt(1_500_000_000_000_000_000))
	fmt.Println(v.Account, v.CumulativeAmount, v.ChainID)

	_, err := voucher.Verify(v, d, s.Address())
	fmt.Println("valid:", err == nil)
	v.ChainID = 1
	_, err = voucher.Verify(v, d, s.Address())
	fmt.Println(err != nil)
	// Output:
	// 0x00000000000000000000000000000000000000bb 1500000000000000000 1337
	// valid: true
	// true
}
