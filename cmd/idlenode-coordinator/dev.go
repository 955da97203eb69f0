package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/contracts"
	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/devnet"
	"github.com/idlenode/idlenode/protocol"
)

// startDev starts the dev chain for `serve --dev`: the reward contracts
// deployed, the pool funded, and the coordinator's vouchers, stake reads and
// slashing wired to it. The chain lives in memory: a restart is a new chain.
func startDev(ctx context.Context, listen string, cfg *coordinator.Config, log *slog.Logger) (*devnet.Chain, error) {
	chain, err := devnet.Start(ctx, devnet.Config{Listen: listen, Log: log.With("component", "devchain"), Cooldown: 2 * time.Minute})
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
