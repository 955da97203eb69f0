// Package devnet runs a whole idlenode chain in-process for demos and
// tests: a go-ethereum dev chain (the simulated beacon that also drives
// ethclient/simulated) served over JSON-RPC on loopback, with RewardToken,
// Staking and RewardPool deployed, a funded treasury and a reward pool full
// of tokens. A block is sealed as soon as a transaction arrives, and an empty
// one every BlockPeriod so that block time follows the clock.
//
// The chain lives in memory: it starts fresh each time. Its keys are fixed,
// publicly known development keys (like other dev chains' well-known
// accounts): never send anything of value to them.
package devnet

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/contracts/bindings"
	"github.com/idlenode/idlenode/contracts/voucher"
	"github.com/idlenode/idlenode/protocol"
)

// Config configures Start. The zero value works.
type Config struct {
	// Dir, if set, receives network.json (see WriteNetwork) on Start, with
	// an empty coordinator URL; the caller may rewrite it once its
	// coordinator listens.
	Dir string
	// Listen is the JSON-RPC address; default 127.0.0.1:0 (a free port).
	Listen string
	// Log receives the chain's own messages; default: discarded.
	Log *slog.Logger
	// ChainID; default 1337.
	ChainID uint64
	// Cooldown is the unstake cooldown; default 10 minutes.
	Cooldown time.Duration
	// BlockPeriod seals an empty block when no transaction came for this
	// long; default 2 s.
	BlockPeriod time.Duration
}

// Token economics of the dev network, in base units.
var (
	unit = new(big.Int).Exp(big.NewInt(10), big.NewInt(contracts.Decimals), nil)
	// Supply is the RewardToken supply minted to the treasury.
	Supply = new(big.Int).Mul(big.NewInt(1_000_000_000), unit)
	// PoolFunding is what the RewardPool holds at start.
	PoolFunding = new(big.Int).Mul(big.NewInt(100_000_000), unit)
	// GasGift is the native coin Fund gives a wallet: 10 coins.
	GasGift = new(big.Int).Mul(big.NewInt(10), unit)
)

// The well-known development keys, derived from fixed phrases.
var (
	treasuryKey = devKey("idlenode devnet treasury")
	signerKey   = devKey("idlenode devnet voucher signer")
	slasherKey  = devKey("idlenode devnet slasher")
)

func devKey(phrase string) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte(phrase)))
	if err != nil {
		panic(err) // a keccak hash is a valid key with overwhelming probability; fixed inputs
	}
	return k
}

// Chain is a running dev chain. Its methods are safe for concurrent use.
type Chain struct {
	log      *slog.Logger
	stack    *node.Node
	eth      *eth.Ethereum
	beacon   *catalyst.SimulatedBeacon
	client   *ethclient.Client
	chainID  uint64
	addrs    contracts.Addresses
	signer   *voucher.Signer
	operator *contracts.Operator
	treasury *contracts.Sender
	period   time.Duration

	mu        sync.Mutex // serialises sealing
	lastSeal  time.Time
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Start starts the chain, deploys the contracts and funds the pool. Close
// it when done.
func Start(ctx context.Context, cfg Config) (_ *Chain, err error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.ChainID == 0 {
		cfg.ChainID = 1337
	}
	if cfg.Cooldown == 0 {
		cfg.Cooldown = 10 * time.Minute
	}
	if cfg.BlockPeriod <= 0 {
		cfg.BlockPeriod = 2 * time.Second
	}
	host, portStr, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("start devnet: listen address %q: %w", cfg.Listen, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("start devnet: listen port %q is not a port number", portStr)
	}

	nodeConf := node.DefaultConfig
	nodeConf.DataDir = ""
	nodeConf.P2P = p2p.Config{NoDiscovery: true, MaxPeers: 0}
	nodeConf.HTTPHost = host
	nodeConf.HTTPPort = port
	nodeConf.HTTPModules = []string{"eth", "net", "web3", "txpool"}
	nodeConf.HTTPVirtualHosts = []string{"localhost", "127.0.0.1"}
	nodeConf.WSHost = ""
	nodeConf.IPCPath = ""
	nodeConf.AuthPort = 0

	chainCfg := *params.AllDevChainProtocolChanges
	chainCfg.ChainID = new(big.Int).SetUint64(cfg.ChainID)
	alloc := core.SystemContractAllocs()
	maps.Copy(alloc, types.GenesisAlloc{
		crypto.PubkeyToAddress(treasuryKey.PublicKey): {Balance: new(big.Int).Mul(big.NewInt(1_000_000_000), unit)},
		crypto.PubkeyToAddress(slasherKey.PublicKey):  {Balance: new(big.Int).Mul(big.NewInt(1000), unit)},
	})
	ethConf := ethconfig.Defaults
	ethConf.Genesis = &core.Genesis{Config: &chainCfg, GasLimit: ethconfig.Defaults.Miner.GasCeil, Alloc: alloc}
	ethConf.SyncMode = ethconfig.FullSync
	ethConf.TxPool.NoLocals = true

	stack, err := node.New(&nodeConf)
	if err != nil {
		return nil, fmt.Errorf("start devnet: %w", err)
	}
	c := &Chain{log: cfg.Log, stack: stack, chainID: cfg.ChainID, period: cfg.BlockPeriod,
		stop: make(chan struct{}), done: make(chan struct{})}
	defer func() {
		if err != nil {
			_ = stack.Close()
		}
	}()
	if c.eth, err = eth.New(stack, &ethConf); err != nil {
		return nil, fmt.Errorf("start devnet: %w", err)
	}
	fs := filters.NewFilterSystem(c.eth.APIBackend, filters.Config{})
	stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(fs)}})
	if err := stack.Start(); err != nil {
		return nil, fmt.Errorf("start devnet: serve JSON-RPC on %s: %w", cfg.Listen, err)
	}
	if c.beacon, err = catalyst.NewSimulatedBeacon(0, common.Address{}, c.eth); err != nil {
		return nil, fmt.Errorf("start devnet: %w", err)
	}
	c.client = ethclient.NewClient(stack.Attach())
	go c.mine()
	defer func() {
		if err != nil {
			close(c.stop)
			<-c.done
		}
	}()

	c.treasury = contracts.NewSender(c.client, crypto.PubkeyToAddress(treasuryKey.PublicKey), contracts.KeySigner(treasuryKey))
	c.treasury.Poll = 10 * time.Millisecond
	c.addrs, err = contracts.Deploy(ctx, c.client, treasuryKey, contracts.DeployParams{
		TokenName: "idlenode dev token", TokenSymbol: "IDLE", Supply: Supply,
		Cooldown:      uint64(cfg.Cooldown / time.Second),
		Slasher:       crypto.PubkeyToAddress(slasherKey.PublicKey),
		VoucherSigner: crypto.PubkeyToAddress(signerKey.PublicKey),
		PoolFunding:   PoolFunding,
	})
	if err != nil {
		return nil, fmt.Errorf("start devnet: %w", err)
	}
	c.signer = voucher.NewSigner(signerKey, voucher.Domain{ChainID: c.chainID, RewardPool: c.addrs.RewardPool})
	c.operator = contracts.NewOperator(c.client, c.addrs.Staking, slasherKey)
	if cfg.Dir != "" {
		if err := c.WriteNetwork(filepath.Join(cfg.Dir, "network.json"), ""); err != nil {
			return nil, fmt.Errorf("start devnet: %w", err)
		}
	}
	c.log.Info("Dev chain started", "rpcURL", c.RPCURL(), "chainID", c.chainID,
		"token", c.addrs.Token.Hex(), "staking", c.addrs.Staking.Hex(), "rewardPool", c.addrs.RewardPool.Hex())
	return c, nil
}

// mine seals a block as soon as the pool holds an executable transaction,
// and an empty one after each quiet period.
func (c *Chain) mine() {
	defer close(c.done)
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		pending, _ := c.eth.TxPool().Stats()
		c.mu.Lock()
		if pending > 0 || time.Since(c.lastSeal) >= c.period {
			c.beacon.Commit()
			c.lastSeal = time.Now()
		}
		c.mu.Unlock()
	}
}

// AdjustTime seals an empty block dt later than the head block (for tests
// and demos of the unstake cooldown).
func (c *Chain) AdjustTime(dt time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.beacon.AdjustTime(dt); err != nil {
		return fmt.Errorf("adjust time: %w", err)
	}
	c.lastSeal = time.Now()
	return nil
}

// RPCURL is the JSON-RPC endpoint, http://127.0.0.1:PORT.
func (c *Chain) RPCURL() string { return c.stack.HTTPEndpoint() }

// ChainID of the chain.
func (c *Chain) ChainID() uint64 { return c.chainID }

// Addresses of the deployed contracts.
func (c *Chain) Addresses() contracts.Addresses { return c.addrs }

// Client is an in-process client of the chain.
func (c *Chain) Client() *ethclient.Client { return c.client }

// VoucherSigner is the coordinator's voucher key for this chain.
func (c *Chain) VoucherSigner() *voucher.Signer { return c.signer }

// SignVoucher signs "account has earned cumulative in total" for this
// chain's RewardPool.
func (c *Chain) SignVoucher(ctx context.Context, account common.Address, cumulative *big.Int) (protocol.Voucher, error) {
	return c.signer.SignVoucher(ctx, account, cumulative)
}

// StakeOf reads node's active stake.
func (c *Chain) StakeOf(ctx context.Context, node common.Address) (*big.Int, error) {
	return c.operator.StakeOf(ctx, node)
}

// Slash takes amount of node's stake to the treasury, with evidence logged
// on chain.
func (c *Chain) Slash(ctx context.Context, node common.Address, amount *big.Int, evidence []byte) error {
	return c.operator.Slash(ctx, node, amount, evidence)
}

// Fund gives addr GasGift of native coin for gas, from the treasury.
func (c *Chain) Fund(ctx context.Context, addr common.Address) error {
	if _, err := c.treasury.SendAndWait(ctx, &addr, GasGift, nil); err != nil {
		return fmt.Errorf("fund %s: %w", addr.Hex(), err)
	}
	return nil
}

// FundTokens gives addr amount of RewardToken from the treasury (to stake
// in demos and tests without earning first).
func (c *Chain) FundTokens(ctx context.Context, addr common.Address, amount *big.Int) error {
	data := bindings.NewRewardToken().PackTransfer(addr, amount)
	if _, err := c.treasury.SendAndWait(ctx, &c.addrs.Token, nil, data); err != nil {
		return fmt.Errorf("fund %s with tokens: %w", addr.Hex(), err)
	}
	return nil
}

// Network is the descriptor of this dev network with the given
// coordinator URL.
func (c *Chain) Network(coordinatorURL string) protocol.Network {
	return protocol.Network{
		Name:           "idlenode devnet",
		CoordinatorURL: coordinatorURL,
		ChainID:        c.chainID,
		RPCURL:         c.RPCURL(),
		Token:          c.addrs.Token.Hex(),
		Staking:        c.addrs.Staking.Hex(),
		RewardPool:     c.addrs.RewardPool.Hex(),
		TokenSymbol:    "IDLE",
		TokenDecimals:  contracts.Decimals,
	}
}

// WriteNetwork writes Network(coordinatorURL) as JSON to path, atomically.
func (c *Chain) WriteNetwork(path, coordinatorURL string) error {
	b, err := json.MarshalIndent(c.Network(coordinatorURL), "", "  ")
	if err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".network-*.json")
	if err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write network: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write network: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write network: %w", err)
	}
	return nil
}

// Close stops mining and the JSON-RPC server and drops the chain.
func (c *Chain) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.stop)
		<-c.done
		c.client.Close()
		err = errors.Join(c.beacon.Stop(), c.stack.Close())
	})
	return err
}
