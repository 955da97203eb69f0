package devnet

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/idlenode/idlenode/contracts"
)

// FundOverRPC gives addr GasGift of native coin from the dev treasury of
// the dev chain at rpcURL, from another process than the one running the
// chain (`idlenode-coordinator fund`). The treasury key is a well-known
// development key: this works on dev chains only, by design.
func FundOverRPC(ctx context.Context, rpcURL string, addr common.Address) error {
	cl, err := ethclient.DialContext(ctx, rpcURL)
	if err != nil {
		return fmt.Errorf("fund %s: %w", addr.Hex(), contracts.ClassifyError(err))
	}
	defer cl.Close()
	s := contracts.NewSender(cl, crypto.PubkeyToAddress(treasuryKey.PublicKey), contracts.KeySigner(treasuryKey))
	s.Poll = 50 * time.Millisecond
	if _, err := s.SendAndWait(ctx, &addr, GasGift, nil); err != nil {
		return fmt.Errorf("fund %s: %w", addr.Hex(), err)
	}
	return nil
}
