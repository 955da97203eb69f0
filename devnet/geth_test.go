package devnet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/contracts/voucher"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/wallet"
)

// gethBinary builds geth from the go-ethereum module this project pins and
// caches it under the user cache dir (the first build takes minutes).
func gethBinary(t *testing.T) string {
	t.Helper()
	version := "v1.17.10"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/ethereum/go-ethereum" {
				version = d.Version
			}
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache dir to keep a geth binary in: %v", err)
	}
	bin := filepath.Join(cache, "idlenode-test", "geth-"+version)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("building geth %s into %s (slow the first time)", version, bin)
	// go install with a version builds outside this module, with geth's own
	// go.mod, so this project's go.mod needs none of geth's command deps.
	gobin := t.TempDir()
	cmd := exec.Command("go", "install", "github.com/ethereum/go-ethereum/cmd/geth@"+version)
	cmd.Dir = gobin
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build geth: %v\n%s", err, out)
	}
	// Copy, then rename within the cache dir: the temp dir may be on another file system.
	b, err := os.ReadFile(filepath.Join(gobin, "geth"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := bin + ".tmp" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestRealGethDev runs the contracts and the wallet against a real
// `geth --dev` process instead of the simulated backend.
func TestRealGethDev(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a real geth: skipped with -short")
	}
	bin := gethBinary(t)
	port := freePort(t)
	var logBuf bytes.Buffer
	cmd := exec.Command(bin, "--dev", "--dev.period", "0", "--datadir", t.TempDir(),
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(port), "--http.api", "eth,net,web3",
		"--ipcdisable", "--nodiscover", "--maxpeers", "0", "--port", "0", "--authrpc.port", strconv.Itoa(freePort(t)),
		"--verbosity", "2")
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("geth output:\n%s", logBuf.String())
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var rc *rpc.Client
	var accounts []common.Address
	for {
		var err error
		if rc, err = rpc.DialContext(ctx, url); err == nil {
			if err = rc.CallContext(ctx, &accounts, "eth_accounts"); err == nil && len(accounts) > 0 {
				break
			}
			rc.Close()
		}
		select {
		case <-ctx.Done():
			t.Fatalf("geth did not answer on %s: %v", url, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	client := ethclient.NewClient(rc)
	defer client.Close()

	// The dev account is unlocked: it funds our keys.
	deployer, _ := crypto.GenerateKey()
	signer, _ := crypto.GenerateKey()
	w, err := wallet.Create(ctx, t.TempDir(), "", wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []common.Address{crypto.PubkeyToAddress(deployer.PublicKey), w.Address()} {
		var h common.Hash
		err := rc.CallContext(ctx, &h, "eth_sendTransaction", map[string]any{
			"from": accounts[0], "to": to, "value": hexutil.Big(*new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18))),
		})
		if err != nil {
			t.Fatalf("fund from the dev account: %v", err)
		}
		for {
			if r, err := client.TransactionReceipt(ctx, h); err == nil && r.Status == 1 {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatal("funding not mined")
			case <-time.After(50 * time.Millisecond):
			}
		}
	}

	tok := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	addrs, err := contracts.Deploy(ctx, client, deployer, contracts.DeployParams{
		TokenName: "geth dev token", TokenSymbol: "IDLE", Supply: new(big.Int).Mul(big.NewInt(1000), tok),
		Cooldown: 60, Slasher: crypto.PubkeyToAddress(deployer.PublicKey),
		VoucherSigner: crypto.PubkeyToAddress(signer.PublicKey), PoolFunding: new(big.Int).Mul(big.NewInt(500), tok),
	})
	if err != nil {
		t.Fatal(err)
	}
	id, err := client.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := protocol.Network{Name: "geth dev", ChainID: id.Uint64(), RPCURL: url, Token: addrs.Token.Hex(),
		Staking: addrs.Staking.Hex(), RewardPool: addrs.RewardPool.Hex(), TokenSymbol: "IDLE", TokenDecimals: 18}
	c, err := w.Connect(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	vs := voucher.NewSigner(signer, voucher.Domain{ChainID: n.ChainID, RewardPool: addrs.RewardPool})
	src := srcFunc(func(ctx context.Context, a common.Address) (protocol.Voucher, error) {
		return vs.SignVoucher(ctx, a, new(big.Int).Mul(big.NewInt(20), tok))
	})
	r, err := c.Claim(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("geth --dev: claim gas %d", r.GasUsed)
	if _, err := c.Claim(ctx, src); !errors.Is(err, wallet.ErrNothingToClaim) {
		t.Fatalf("second claim: %v", err)
	}
	if r, err = c.Stake(ctx, new(big.Int).Mul(big.NewInt(10), tok)); err != nil {
		t.Fatal(err)
	}
	t.Logf("geth --dev: stake gas %d", r.GasUsed)
	op := contracts.NewOperator(client, addrs.Staking, deployer)
	if err := op.Slash(ctx, w.Address(), tok, []byte("job j1: hashes aa != bb")); err != nil {
		t.Fatal(err)
	}
	if st, err := op.StakeOf(ctx, w.Address()); err != nil || st.Cmp(new(big.Int).Mul(big.NewInt(9), tok)) != 0 {
		t.Fatalf("stake after slash %v %v", st, err)
	}
	stranger := contracts.NewOperator(client, addrs.Staking, signer)
	if err := stranger.Slash(ctx, w.Address(), tok, nil); !errors.Is(err, contracts.ErrInsufficientFunds) && !errors.Is(err, contracts.ErrReverted) {
		t.Fatalf("slash by a stranger: %v", err)
	}
}

type srcFunc func(ctx context.Context, a common.Address) (protocol.Voucher, error)

func (f srcFunc) Voucher(ctx context.Context, a common.Address) (protocol.Voucher, error) {
	return f(ctx, a)
}
