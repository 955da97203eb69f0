package devnet_test

import (
	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/contracts/bindings"
)

func callBalance(token, who common.Address) ethereum.CallMsg {
	return ethereum.CallMsg{To: &token, Data: bindings.NewRewardToken().PackBalanceOf(who)}
}
