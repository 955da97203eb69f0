package devnet

import (
	"context"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

func TestFundOverRPC(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := Start(ctx, Config{BlockPeriod: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	to := common.HexToAddress("0x00000000000000000000000000000000000f00d5")
	if err := FundOverRPC(ctx, c.RPCURL(), to); err != nil {
		t.Fatal(err)
	}
	bal, err := c.Client().BalanceAt(ctx, to, nil)
	if err != nil || bal.Cmp(GasGift) != 0 {
		t.Fatalf("balance %v, want %v (%v)", bal, GasGift, err)
	}
	if err := FundOverRPC(ctx, "http://127.0.0.1:1", to); err == nil {
		t.Fatal("funded through a dead RPC")
	}
}
