package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/protocol"
)

// devChainFile, in the data folder, remembers the dev chain's JSON-RPC
// address, so that a restart serves it on the same port and the nodes'
// rpc_url stays valid.
const devChainFile = "devchain.json"

type devChainState struct {
	RPCAddr string `json:"rpc_addr"`
}

// devListen is the address to start the dev chain on: with a port 0
// (the default), the port of the last run on this data folder when the
// host is the same and the port is free.
func devListen(dataDir, listen string, log *slog.Logger) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || port != "0" {
		return listen
	}
	data, err := os.ReadFile(filepath.Join(dataDir, devChainFile))
	if err != nil {
		return listen
	}
	var st devChainState
	if json.Unmarshal(data, &st) != nil {
		return listen
	}
	h, p, err := net.SplitHostPort(st.RPCAddr)
	if err != nil || h != host || p == "0" {
		return listen
	}
	ln, err := net.Listen("tcp", st.RPCAddr)
	if err != nil {
		log.Warn("The dev chain's previous port is taken: nodes must join the new network.json", "addr", st.RPCAddr, "err", err)
		return listen
	}
	ln.Close()
	return st.RPCAddr
}

// startDev starts the dev chain for `serve --dev`: the reward contracts
// deployed, the pool funded, and the coordinator's vouchers, stake reads and
// slashing wired to it. The chain lives in memory: a restart is a new chain,
// on the same JSON-RPC port when it is free (see devListen).
func startDev(ctx context.Context, dataDir, listen string, cfg *coordinator.Config, log *slog.Logger) (*devnet.Chain, error) {
	dcfg := devnet.Config{Listen: devListen(dataDir, listen, log), Log: log.With("component", "devchain"), Cooldown: 2 * time.Minute}
	chain, err := devnet.Start(ctx, dcfg)
	if err != nil && dcfg.Listen != listen {
		// The previous port was taken in the meantime: any free one.
		dcfg.Listen = listen
		chain, err = devnet.Start(ctx, dcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("--dev: %w", err)
	}
	cfg.ChainID = chain.ChainID()
	cfg.Vouchers = chain
	cfg.Stake = chain
	cfg.Slasher = chain
	a := chain.Addresses()
	cfg.Pool = contracts.NewPoolReader(chain.Client(), a.Token, a.RewardPool)
	// devnet.Start logs "Dev chain started" with the addresses itself.
	return chain, nil
}

// rememberDevChain writes devchain.json, for the next run to reuse the
// chain's port; serve calls it once the start can no longer fail.
func rememberDevChain(dataDir string, chain *devnet.Chain, log *slog.Logger) {
	if u, err := url.Parse(chain.RPCURL()); err == nil && u.Host != "" {
		data, _ := json.Marshal(devChainState{RPCAddr: u.Host})
		if err := os.WriteFile(filepath.Join(dataDir, devChainFile), append(data, '\n'), 0o644); err != nil {
			log.Warn("Could not remember the dev chain's port", "err", err)
		}
	}
}

// devNetwork is the descriptor of a dev network: the coordinator and the chain.
func devNetwork(chain *devnet.Chain, name, publicURL string) protocol.Network {
	n := chain.Network(publicURL)
	n.Name = name
	return n
}

// fund gives a dev wallet gas money: `idlenode-coordinator fund --network
// FILE ADDRESS`. It works on dev networks only (the treasury key is a
// well-known development key).
func fund(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fund", flag.ContinueOnError)
	fs.SetOutput(stderr)
	network := fs.String("network", "", "the dev network's descriptor (network.json)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: idlenode-coordinator fund --network FILE ADDRESS\n\nGives ADDRESS gas money from a dev network's treasury.")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if *network == "" || fs.NArg() != 1 || !common.IsHexAddress(fs.Arg(0)) {
		fs.Usage()
		return errUsage
	}
	n, err := protocol.LoadNetwork(ctx, *network)
	if err != nil {
		return err
	}
	if n.RPCURL == "" {
		return fmt.Errorf("%s has no chain (start the coordinator with --dev)", *network)
	}
	addr := common.HexToAddress(fs.Arg(0))
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := devnet.FundOverRPC(ctx, n.RPCURL, addr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "funded %s with %s wei of gas money\n", addr.Hex(), devnet.GasGift)
	return nil
}
