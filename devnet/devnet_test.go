package devnet_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/protocol"
)

func TestStartServeFund(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := devnet.Start(ctx, devnet.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	// network.json describes the chain.
	var n protocol.Network
	b, err := os.ReadFile(filepath.Join(dir, "network.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &n); err != nil {
		t.Fatal(err)
	}
	if n.ChainID != 1337 || n.RPCURL != c.RPCURL() || n.RewardPool != c.Addresses().RewardPool.Hex() || n.TokenDecimals != 18 {
		t.Fatalf("network.json %+v", n)
	}
	if err := c.WriteNetwork(filepath.Join(dir, "network.json"), "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}

	// Over real JSON-RPC on loopback.
	cl, err := ethclient.DialContext(ctx, c.RPCURL())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	id, err := cl.ChainID(ctx)
	if err != nil || id.Uint64() != 1337 {
		t.Fatalf("chain id %v %v", id, err)
	}
	addr := common.HexToAddress("0x000000000000000000000000000000000000abcd")
	if err := c.Fund(ctx, addr); err != nil {
		t.Fatal(err)
	}
	if got, err := cl.BalanceAt(ctx, addr, nil); err != nil || got.Cmp(devnet.GasGift) != 0 {
		t.Fatalf("funded balance %v %v", got, err)
	}
	if err := c.FundTokens(ctx, addr, big.NewInt(77)); err != nil {
		t.Fatal(err)
	}
	op := contracts.NewOperator(cl, c.Addresses().Staking, nil)
	if st, err := op.StakeOf(ctx, addr); err != nil || st.Sign() != 0 {
		t.Fatalf("stake %v %v", st, err)
	}
	// Slashing someone with no stake is refused with the contract's reason.
	if err := c.Slash(ctx, addr, big.NewInt(1), []byte("evidence")); !errors.Is(err, contracts.ErrReverted) {
		t.Fatalf("slash without stake: %v", err)
	}
	// The pool is funded.
	out, err := cl.CallContract(ctx, callBalance(c.Addresses().Token, c.Addresses().RewardPool), nil)
	if err != nil || new(big.Int).SetBytes(out).Cmp(devnet.PoolFunding) != 0 {
		t.Fatalf("pool balance %x %v", out, err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.ChainID(ctx); err == nil {
		t.Fatal("RPC still answers after Close")
	}
}

func TestBadListen(t *testing.T) {
	for _, l := range []string{"nope", "127.0.0.1:99999", "127.0.0.1:x"} {
		if c, err := devnet.Start(context.Background(), devnet.Config{Listen: l}); err == nil {
			c.Close()
			t.Errorf("Start with Listen %q succeeded", l)
		}
	}
}
