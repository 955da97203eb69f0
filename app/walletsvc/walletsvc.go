// Package walletsvc is the wallet as the node service offers it to the
// window and the CLI: it opens (or creates, or imports) the wallet in the
// node's folder, connects to the joined network's chain, keeps a recent
// snapshot of balances for the state, and runs claims, stakes and sends.
// It implements localapi.WalletBackend and app.WalletStatus.
package walletsvc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/wallet"
)

// Config builds a Service.
type Config struct {
	Dir     string                                                                         // the wallet's folder
	Options wallet.Options                                                                 // keyring, prompt, log
	Network func() (protocol.Network, bool)                                                // the joined network, if any
	Voucher func() wallet.VoucherSource                                                    // the coordinator, once connected; nil before
	Connect func(context.Context, *wallet.Wallet, protocol.Network) (*wallet.Chain, error) // default: Wallet.Connect
	Log     *slog.Logger
	Refresh time.Duration // balance refresh period, default 15 s
}

// Service is the node's wallet. It is safe for concurrent use.
type Service struct {
	cfg Config
	log *slog.Logger

	kick chan struct{}

	// mu guards the wallet and the last snapshot; it is never held across
	// a chain call, so Status (read by the node core on every tick) never
	// waits on the network.
	mu   sync.Mutex
	w    *wallet.Wallet
	info localapi.WalletInfo

	chainMu sync.Mutex // guards the connection; held while connecting
	chain   *wallet.Chain
	chainOf protocol.Network

	// hasPrompt: cfg.Options came with its own way to the passphrase (a
	// passphrase file).
	hasPrompt bool
	// pass is a passphrase given to this running node (a wallet created,
	// imported or unlocked through it), in memory only, for a node whose
	// keyring cannot keep it.
	passMu sync.Mutex
	pass   string
}

var (
	_ localapi.WalletBackend = (*Service)(nil)
	_ app.WalletStatus       = (*Service)(nil)
)

// New opens the wallet in cfg.Dir if there is one.
func New(cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = 15 * time.Second
	}
	if cfg.Connect == nil {
		cfg.Connect = func(ctx context.Context, w *wallet.Wallet, n protocol.Network) (*wallet.Chain, error) {
			return w.Connect(ctx, n)
		}
	}
	if cfg.Network == nil {
		cfg.Network = func() (protocol.Network, bool) { return protocol.Network{}, false }
	}
	s := &Service{log: cfg.Log, kick: make(chan struct{}, 1), hasPrompt: cfg.Options.Prompt != nil}
	prompt := cfg.Options.Prompt
	cfg.Options.Prompt = func(ctx context.Context, why string) (string, error) {
		if p := s.sessionPass(); p != "" {
			return p, nil
		}
		if prompt != nil {
			return prompt(ctx, why)
		}
		return "", wallet.ErrPassphraseNeeded
	}
	s.cfg = cfg
	w, err := wallet.Open(cfg.Dir, cfg.Options)
	switch {
	case err == nil:
		s.w = w
	case errors.Is(err, wallet.ErrNoWallet):
	default:
		return nil, err
	}
	s.info = s.baseInfo()
	return s, nil
}

// Wallet returns the wallet, nil before one exists. A wallet created or
// imported by another process (`idlenode wallet create`) is picked up here.
func (s *Service) Wallet() *wallet.Wallet {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		if w, err := wallet.Open(s.cfg.Dir, s.cfg.Options); err == nil {
			s.w = w
			s.info = s.baseInfo()
			s.log.Info("Wallet found", "address", w.Address().Hex())
		}
	}
	return s.w
}

func (s *Service) baseInfo() localapi.WalletInfo {
	info := localapi.WalletInfo{Keyring: keyringState(s.cfg.Options.Keyring)}
	if n, ok := s.cfg.Network(); ok {
		info.Symbol, info.Decimals = n.TokenSymbol, n.TokenDecimals
	}
	if s.w != nil {
		info.Exists = true
		info.Address = s.w.Address().Hex()
		if p := s.w.Payout(); p != (common.Address{}) {
			info.PayoutAddress = p.Hex()
		}
	}
	return info
}

func keyringState(k wallet.Keyring) string {
	if k == nil {
		k = wallet.OSKeyring{}
	}
	// A lookup that finds nothing proves the keyring answers.
	if _, err := k.Get("idlenode-probe", "probe"); err != nil && !errors.Is(err, wallet.ErrNotInKeyring) {
		why := strings.TrimPrefix(err.Error(), wallet.ErrNoKeyring.Error()+": ")
		return "none: " + why + " (the passphrase comes from a file or is asked for)"
	}
	return "OS keyring"
}

// Run refreshes the balances now and then until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.Refresh)
	defer t.Stop()
	for {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, _ = s.Info(rctx)
		cancel()
		select {
		case <-ctx.Done():
			s.chainMu.Lock()
			if s.chain != nil {
				s.chain.Close()
			}
			s.chainMu.Unlock()
			return nil
		case <-t.C:
		case <-s.kick:
		}
	}
}

// Status implements app.WalletStatus from the last refresh; it never
// blocks on the chain.
func (s *Service) Status() app.WalletState {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.info
	return app.WalletState{
		Address: i.Address, PayoutAddress: i.PayoutAddress, Native: i.Native, Token: i.Token,
		Staked: i.Staked, Unstaking: i.Unstaking, UnstakeReadyAt: i.UnstakeReadyAt, Claimable: i.Claimable, Error: i.ChainError,
	}
}

// connect returns the connection to the joined network's chain for w,
// dialling it once (and again when the network changes).
func (s *Service) connect(ctx context.Context, w *wallet.Wallet) (*wallet.Chain, error) {
	if w == nil {
		return nil, errors.New("no wallet yet: create or import one first")
	}
	s.chainMu.Lock()
	defer s.chainMu.Unlock()
	n, ok := s.cfg.Network()
	if !ok || n.RPCURL == "" {
		return nil, errors.New("the joined network has no chain: rewards cannot be claimed on it")
	}
	if s.chain != nil && s.chainOf == n {
		return s.chain, nil
	}
	if s.chain != nil {
		s.chain.Close()
		s.chain = nil
	}
	c, err := s.cfg.Connect(ctx, w, n)
	if err != nil {
		return nil, err
	}
	s.chain, s.chainOf = c, n
	return c, nil
}

func (s *Service) sessionPass() string {
	s.passMu.Lock()
	defer s.passMu.Unlock()
	return s.pass
}

func (s *Service) keepPass(p string) {
	if p == "" {
		return
	}
	s.passMu.Lock()
	s.pass = p
	s.passMu.Unlock()
}

// locked reports whether nothing gives w's passphrase: no keyring entry,
// no passphrase file, nothing unlocked since the node started.
func (s *Service) locked(w *wallet.Wallet) bool {
	return !s.hasPrompt && s.sessionPass() == "" && !w.HasPassphraseInKeyring()
}

// Unlock implements localapi.WalletBackend: it checks passphrase against
// the key and keeps it in memory until the node stops, so that the node
// can sign in and sign transactions where no keyring keeps it.
func (s *Service) Unlock(ctx context.Context, passphrase string) (localapi.WalletInfo, error) {
	w := s.Wallet()
	if w == nil {
		return localapi.WalletInfo{}, wallet.ErrNoWallet
	}
	if passphrase == "" {
		return localapi.WalletInfo{}, errors.New("unlock: type the wallet's passphrase")
	}
	if err := w.VerifyPassphrase(passphrase); err != nil {
		return localapi.WalletInfo{}, fmt.Errorf("unlock: %w", err)
	}
	s.keepPass(passphrase)
	s.log.Info("Wallet unlocked for this session")
	return s.Info(ctx)
}

// Info implements localapi.WalletBackend: address and fresh balances. A
// chain that cannot be read is reported in ChainError, not as a failure.
func (s *Service) Info(ctx context.Context) (localapi.WalletInfo, error) {
	w := s.Wallet()
	s.mu.Lock()
	info := s.baseInfo()
	s.mu.Unlock()
	if w == nil {
		s.setInfo(info)
		return info, nil
	}
	info.Locked = s.locked(w)
	c, err := s.connect(ctx, w)
	if err == nil {
		var bs wallet.Balances
		bs, err = c.Balances(ctx)
		if err == nil {
			info.Native, info.Token, info.Staked, info.Unstaking = str(bs.Native), str(bs.Token), str(bs.Staked), str(bs.Unstaking)
			if bs.Unstaking != nil && bs.Unstaking.Sign() > 0 {
				t := time.Now().Add(bs.CooldownLeft)
				info.UnstakeReadyAt = &t
			}
			if src := s.vouchers(); src != nil {
				if left, _, verr := c.Claimable(ctx, src); verr == nil {
					info.Claimable = left.String()
				} else {
					info.Claimable = "0"
					s.log.Debug("No claimable rewards read", "err", verr)
				}
			}
		}
	}
	if err != nil {
		info.ChainError = err.Error()
	}
	s.setInfo(info)
	return info, nil
}

func (s *Service) setInfo(info localapi.WalletInfo) {
	s.mu.Lock()
	s.info = info
	s.mu.Unlock()
}

func (s *Service) vouchers() wallet.VoucherSource {
	if s.cfg.Voucher == nil {
		return nil
	}
	return s.cfg.Voucher()
}

func str(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}

func (s *Service) refreshSoon() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Create implements localapi.WalletBackend.
func (s *Service) Create(ctx context.Context, req localapi.CreateWalletRequest) (localapi.WalletInfo, error) {
	s.mu.Lock()
	if s.w != nil {
		s.mu.Unlock()
		return localapi.WalletInfo{}, wallet.ErrExists
	}
	w, err := wallet.Create(ctx, s.cfg.Dir, req.Passphrase, s.cfg.Options)
	if err == nil {
		s.keepPass(req.Passphrase)
		s.w = w
		s.info = s.baseInfo()
		s.log.Info("Wallet created", "address", w.Address().Hex())
	}
	info := s.info
	s.mu.Unlock()
	s.refreshSoon()
	return info, err
}

// Import implements localapi.WalletBackend.
func (s *Service) Import(ctx context.Context, req localapi.ImportWalletRequest) (localapi.WalletInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w != nil {
		return localapi.WalletInfo{}, wallet.ErrExists
	}
	var w *wallet.Wallet
	var err error
	switch {
	case req.PrivateKeyHex != "" && req.KeystoreJSON != "":
		return localapi.WalletInfo{}, errors.New("import: give a private key or a keystore file, not both")
	case req.PrivateKeyHex != "":
		w, err = wallet.ImportKey(ctx, s.cfg.Dir, req.PrivateKeyHex, req.Passphrase, s.cfg.Options)
	case req.KeystoreJSON != "":
		var f *os.File
		f, err = os.CreateTemp("", "idlenode-import-*.json")
		if err != nil {
			return localapi.WalletInfo{}, fmt.Errorf("import: %w", err)
		}
		defer os.Remove(f.Name())
		_, err = f.WriteString(req.KeystoreJSON)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			// The keystore keeps its passphrase; it is remembered in the
			// keyring where one works, else asked for as usual.
			w, err = wallet.ImportKeyFile(ctx, s.cfg.Dir, f.Name(), req.Passphrase, req.Passphrase, s.cfg.Options)
		}
	default:
		return localapi.WalletInfo{}, errors.New("import: give a private key or a keystore file")
	}
	if err != nil {
		return localapi.WalletInfo{}, err
	}
	s.keepPass(req.Passphrase)
	s.w = w
	s.info = s.baseInfo()
	s.log.Info("Wallet imported", "address", w.Address().Hex())
	s.refreshSoon()
	return s.info, nil
}

// Backup implements localapi.WalletBackend: it writes the backup and
// checks that it restores before saying it is done.
func (s *Service) Backup(ctx context.Context, req localapi.BackupRequest) (string, error) {
	w := s.Wallet()
	if w == nil {
		return "", errors.New("no wallet to back up")
	}
	if !filepath.IsAbs(req.Path) {
		return "", errors.New("backup: give an absolute path")
	}
	if len(req.Passphrase) < 8 {
		return "", errors.New("backup: the passphrase must have at least 8 characters")
	}
	if err := w.Export(ctx, req.Path, req.Passphrase); err != nil {
		return "", err
	}
	if err := w.TestRestore(req.Path, req.Passphrase); err != nil {
		return "", err
	}
	return req.Path, nil
}

func (s *Service) tx(ctx context.Context, what string, amount string, op func(c *wallet.Chain) (wallet.Receipt, error)) (localapi.TxResult, error) {
	c, err := s.connect(ctx, s.Wallet())
	if err != nil {
		return localapi.TxResult{}, fmt.Errorf("%s: %w", what, err)
	}
	r, err := op(c)
	if err != nil {
		return localapi.TxResult{}, err
	}
	s.log.Info("Transaction confirmed", "kind", what, "hash", r.Hash.Hex(), "gasUsed", r.GasUsed)
	s.refreshSoon()
	out := localapi.TxResult{Hash: r.Hash.Hex(), Status: "confirmed", GasUsed: r.GasUsed, Amount: amount}
	if r.Amount != nil {
		out.Amount = r.Amount.String()
	}
	return out, nil
}

func parseAmount(s string) (*big.Int, error) {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.Sign() <= 0 {
		return nil, fmt.Errorf("amount %q must be a positive whole number of base units", s)
	}
	return v, nil
}

// Claim implements localapi.WalletBackend.
func (s *Service) Claim(ctx context.Context) (localapi.TxResult, error) {
	src := s.vouchers()
	if src == nil {
		return localapi.TxResult{}, errors.New("claim: not connected to the coordinator yet")
	}
	return s.tx(ctx, "claim", "", func(c *wallet.Chain) (wallet.Receipt, error) { return c.Claim(ctx, src) })
}

// Stake implements localapi.WalletBackend.
func (s *Service) Stake(ctx context.Context, amount string) (localapi.TxResult, error) {
	v, err := parseAmount(amount)
	if err != nil {
		return localapi.TxResult{}, fmt.Errorf("stake: %w", err)
	}
	return s.tx(ctx, "stake", amount, func(c *wallet.Chain) (wallet.Receipt, error) { return c.Stake(ctx, v) })
}

// Unstake implements localapi.WalletBackend.
func (s *Service) Unstake(ctx context.Context, amount string) (localapi.TxResult, error) {
	v, err := parseAmount(amount)
	if err != nil {
		return localapi.TxResult{}, fmt.Errorf("unstake: %w", err)
	}
	return s.tx(ctx, "unstake", amount, func(c *wallet.Chain) (wallet.Receipt, error) { return c.RequestUnstake(ctx, v) })
}

// Withdraw implements localapi.WalletBackend.
func (s *Service) Withdraw(ctx context.Context) (localapi.TxResult, error) {
	return s.tx(ctx, "withdraw", "", func(c *wallet.Chain) (wallet.Receipt, error) { return c.Withdraw(ctx) })
}

// Send implements localapi.WalletBackend.
func (s *Service) Send(ctx context.Context, req localapi.SendRequest) (localapi.TxResult, error) {
	v, err := parseAmount(req.Amount)
	if err != nil {
		return localapi.TxResult{}, fmt.Errorf("send: %w", err)
	}
	to, err := wallet.ParseAddress(req.To) // also the zero address and a wrong checksum
	if err != nil {
		return localapi.TxResult{}, fmt.Errorf("send: %w", err)
	}
	switch req.Asset {
	case "token", "":
		return s.tx(ctx, "send", req.Amount, func(c *wallet.Chain) (wallet.Receipt, error) { return c.SendToken(ctx, to, v) })
	case "native":
		return s.tx(ctx, "send", req.Amount, func(c *wallet.Chain) (wallet.Receipt, error) { return c.Send(ctx, to, v) })
	}
	return localapi.TxResult{}, fmt.Errorf("send: asset must be token or native, not %q", req.Asset)
}

// History implements localapi.WalletBackend, newest first.
func (s *Service) History(ctx context.Context) ([]localapi.TxRecord, error) {
	w := s.Wallet()
	if w == nil {
		return nil, nil
	}
	if c, err := s.connect(ctx, w); err == nil {
		_, _ = c.RefreshHistory(ctx)
	}
	txs, err := w.History()
	if err != nil {
		return nil, err
	}
	out := make([]localapi.TxRecord, 0, len(txs))
	for i := len(txs) - 1; i >= 0; i-- {
		t := txs[i]
		out = append(out, localapi.TxRecord{Hash: t.Hash, Kind: string(t.Kind), Amount: t.Amount, To: t.To, Status: string(t.Status), Time: t.Sent, Error: t.Error})
	}
	return out, nil
}
