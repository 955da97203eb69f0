package main

import (
	"context"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/contracts/bindings"
	"github.com/idlenode/idlenode/contracts/voucher"
	"github.com/idlenode/idlenode/coordinator/sim"
	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// serveDev runs `serve --dev` with extra flags in-process and returns its
// descriptor once written, and its log.
func serveDev(t *testing.T, dir string, extra ...string) (protocol.Network, *syncBuffer) {
	t.Helper()
	n, logs, stop := serveDevStop(t, dir, extra...)
	t.Cleanup(stop)
	return n, logs
}

// serveDevStop is serveDev with a stop function for the test to call.
func serveDevStop(t *testing.T, dir string, extra ...string) (protocol.Network, *syncBuffer, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, append([]string{"--dev", "--listen", addr, "--data", dir, "--log-level", "warn"}, extra...), logs)
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v\n%s", err, logs.String())
			}
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := protocol.LoadNetwork(context.Background(), filepath.Join(dir, "network.json"))
		if err == nil && n.RPCURL != "" && n.CoordinatorURL == "http://"+addr {
			if c, err := net.Dial("tcp", addr); err == nil {
				c.Close()
				return n, logs, stop
			}
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("no dev network: %v %+v\n%s", err, n, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tokenUnits(n int64, exp int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(exp), nil))
}

// TestServeDevPoolAdmission: on the dev chain (a pool of 1e26 base units),
// a job whose worst case the pool cannot pay is refused with what it can
// still cover; a node's credit for a job that fitted is claimable, and
// after the claim the pool reader counts it (balance down, claimed up) so
// the room left is unchanged.
func TestServeDevPoolAdmission(t *testing.T) {
	n, _ := serveDev(t, t.TempDir(), "--max-reward", "0")
	ctx := context.Background()
	req, err := client.New(n.CoordinatorURL, mustSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	refused := func(reward string, wantRoom string) {
		t.Helper()
		_, err := sim.SubmitMany(ctx, req, 1, reward, 1)
		var ae *client.APIError
		if !errors.As(err, &ae) || ae.Status != http.StatusConflict || ae.Code != "pool_insufficient" ||
			!strings.Contains(ae.Message, "can cover "+wantRoom+" more base units") {
			t.Fatalf("reward %s: %v, want 409 pool_insufficient with room %s", reward, err, wantRoom)
		}
	}
	if devnet.PoolFunding.String() != "100000000000000000000000000" {
		t.Fatalf("dev pool funding %s changed: adjust the test", devnet.PoolFunding)
	}
	refused("99999999999999999999999999999999999999999", devnet.PoolFunding.String())
	// 1 replica, at most 3, × 1.25: 2e25 reserves 7.5e25 of the 1e26.
	ids, err := sim.SubmitMany(ctx, req, 1, tokenUnits(2, 25).String(), 1)
	if err != nil {
		t.Fatalf("a job the pool covers: %v", err)
	}
	refused(tokenUnits(1, 25).String(), tokenUnits(25, 24).String())

	// A node runs it and claims its 2e25.
	key, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	nodeAddr := crypto.PubkeyToAddress(key.PublicKey)
	node, err := client.New(n.CoordinatorURL, client.NewKeySigner(key))
	if err != nil {
		t.Fatal(err)
	}
	as, err := node.Lease(ctx, protocol.LeaseRequest{Capabilities: protocol.Capabilities{Runtimes: []string{"wasi"}}, Max: 1, WaitSeconds: 5})
	if err != nil || len(as) != 1 || as[0].JobID != ids[0] {
		t.Fatalf("lease: %+v %v", as, err)
	}
	h, err := node.PutBlob(ctx, sim.Output(as[0].Spec))
	if err != nil {
		t.Fatal(err)
	}
	if ack, err := node.Report(ctx, as[0].LeaseID, protocol.ResultReport{OutputHash: h}); err != nil || ack.Verdict != protocol.VerdictAccepted {
		t.Fatalf("report: %+v %v", ack, err)
	}
	// Settled: 2e25 credited, the reserve released: 8e25 free.
	refused(tokenUnits(3, 25).String(), tokenUnits(8, 25).String())

	v, err := node.Voucher(ctx, nodeAddr)
	if err != nil {
		t.Fatal(err)
	}
	p, err := voucher.Parse(v)
	if err != nil || p.Cumulative.Cmp(tokenUnits(2, 25)) != 0 {
		t.Fatalf("voucher %+v: %v", p, err)
	}
	if err := devnet.FundOverRPC(ctx, n.RPCURL, nodeAddr); err != nil {
		t.Fatal(err)
	}
	ec, err := ethclient.Dial(n.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ec.Close()
	pool, token := common.HexToAddress(n.RewardPool), common.HexToAddress(n.Token)
	sender := contracts.NewSender(ec, nodeAddr, contracts.KeySigner(key))
	sender.Poll = 20 * time.Millisecond
	if _, err := sender.SendAndWait(ctx, &pool, nil, bindings.NewRewardPool().PackClaim(p.Cumulative, p.Signature)); err != nil {
		t.Fatalf("claim: %v", err)
	}
	balance, claimed, err := contracts.NewPoolReader(ec, token, pool).PoolFunds(ctx)
	if err != nil || balance.Cmp(tokenUnits(8, 25)) != 0 || claimed.Cmp(tokenUnits(2, 25)) != 0 {
		t.Fatalf("pool after the claim: balance %v claimed %v, %v; want 8e25 and 2e25", balance, claimed, err)
	}
	// 2e25 fits (7.5e25), then 5e24 is left.
	if _, err := sim.SubmitMany(ctx, req, 1, tokenUnits(2, 25).String(), 1); err != nil {
		t.Fatalf("after the claim: %v", err)
	}
	refused(tokenUnits(2, 24).String(), tokenUnits(5, 24).String())
}

func mustSigner(t *testing.T) *client.KeySigner {
	t.Helper()
	sg, err := client.GenerateKeySigner()
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

// TestDevChainLoggedOnce: starting the dev chain says so once.
func TestDevChainLoggedOnce(t *testing.T) {
	_, logs := serveDev(t, t.TempDir(), "--log-level", "info")
	if n := strings.Count(logs.String(), "Dev chain started"); n != 1 {
		t.Fatalf("%q logged %d times:\n%s", "Dev chain started", n, logs.String())
	}
}

// TestDevChainKeepsPort: a coordinator restarted on the same data folder
// serves its dev chain on the same JSON-RPC port, so the rpc_url nodes
// joined with still works; when that port is taken it takes another.
func TestDevChainKeepsPort(t *testing.T) {
	dir := t.TempDir()
	n1, _, stop := serveDevStop(t, dir)
	stop()
	n2, _, stop := serveDevStop(t, dir)
	if n2.RPCURL != n1.RPCURL {
		t.Fatalf("rpc_url after a restart: %s, was %s", n2.RPCURL, n1.RPCURL)
	}
	ec, err := ethclient.Dial(n1.RPCURL)
	if err != nil {
		t.Fatal(err)
	}
	id, err := ec.ChainID(context.Background())
	ec.Close()
	if err != nil || id.Uint64() != n2.ChainID {
		t.Fatalf("the old rpc_url after a restart: chain %v, %v", id, err)
	}
	stop()
	u, _ := url.Parse(n1.RPCURL)
	ln, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	n3, _ := serveDev(t, dir)
	if n3.RPCURL == n1.RPCURL || n3.RPCURL == "" {
		t.Fatalf("rpc_url with the old port taken: %s", n3.RPCURL)
	}
}
