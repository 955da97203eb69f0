package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/idlenode/idlenode/contracts/voucher"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// TestServeDev runs `serve --dev` in-process: the descriptor names the dev
// chain, vouchers come signed for its RewardPool, and `fund` gives a new
// wallet gas money over the chain's JSON-RPC.
func TestServeDev(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--dev", "--listen", addr, "--data", dir, "--log-level", "warn"}, &logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, logs.String())
		}
	}()

	var n protocol.Network
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err = protocol.LoadNetwork(context.Background(), filepath.Join(dir, "network.json"))
		if err == nil && n.RPCURL != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dev network.json: %v %+v\n%s", err, n, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n.ChainID == 0 || !common.IsHexAddress(n.RewardPool) || n.TokenSymbol == "" || n.TokenDecimals != 18 || n.CoordinatorURL != "http://"+addr {
		t.Fatalf("descriptor: %+v", n)
	}

	sg, err := client.GenerateKeySigner()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(n.CoordinatorURL, sg)
	if err != nil {
		t.Fatal(err)
	}
	var v protocol.Voucher
	for {
		v, err = c.Voucher(context.Background(), sg.Address())
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("voucher: %v", err)
	}
	if _, err := voucher.Parse(v); err != nil || v.ChainID != n.ChainID || !strings.EqualFold(v.RewardPool, n.RewardPool) {
		t.Fatalf("voucher %+v for network %+v: %v", v, n, err)
	}

	var out, errOut bytes.Buffer
	if err := fund(context.Background(), []string{"--network", filepath.Join(dir, "network.json"), sg.Address().Hex()}, &out, &errOut); err != nil {
		t.Fatalf("fund: %v %s", err, errOut.String())
	}
	ec, err := ethclient.Dial(n.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	bal, err := ec.BalanceAt(context.Background(), sg.Address(), nil)
	if err != nil || bal.Sign() <= 0 {
		t.Fatalf("not funded: %v %v", bal, err)
	}
	if err := fund(context.Background(), []string{"--network", filepath.Join(dir, "network.json"), "not-an-address"}, &out, &errOut); err == nil {
		t.Fatal("funded a bad address")
	}
}
