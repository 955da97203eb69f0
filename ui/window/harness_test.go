package window

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/app/idle/idletest"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/protocol"
)

// node is a real core and local API on a Unix socket, over fake idle
// signals, with an optional in-memory wallet behind the real wallet routes.
type node struct {
	app     *app.App
	client  *localapi.Client
	wallet  *memWallet
	network *memNetwork
}

type idleWorker struct{}

func (idleWorker) SetAllowed(bool, string)  {}
func (idleWorker) Status() app.WorkerStatus { return app.WorkerStatus{} }

func startNode(t *testing.T, wallet *memWallet) *node {
	t.Helper()
	paths, store := apptest.Home(t, t.TempDir())
	sig := idletest.New(nil)
	sig.Input.SetIdle(time.Hour)
	a := app.New(app.Deps{Paths: paths, Settings: store, Sampler: sig.Sampler(), Input: sig.Input, Worker: idleWorker{},
		Tick: 20 * time.Millisecond, FastTick: 5 * time.Millisecond})
	srv := localapi.NewServer(a, nil)
	if wallet != nil {
		srv.ServeWallet(wallet)
	}
	network := &memNetwork{}
	srv.ServeNetwork(network)
	ln, err := localapi.Listen(paths.Socket())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = a.Run(ctx) }()
	go func() { defer wg.Done(); _ = srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); wg.Wait(); ln.Close() })
	return &node{app: a, client: localapi.NewClient(paths.Socket()), wallet: wallet, network: network}
}

// memNetwork is a NetworkBackend that validates descriptors with the real
// protocol.LoadNetwork (files and URLs) and keeps the joined one in memory.
type memNetwork struct {
	mu     sync.Mutex
	joined *protocol.Network
}

var _ localapi.NetworkBackend = (*memNetwork)(nil)

func (m *memNetwork) Network(context.Context) (protocol.Network, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.joined == nil {
		return protocol.Network{}, false, nil
	}
	return *m.joined, true, nil
}

func (m *memNetwork) Join(ctx context.Context, source string) (protocol.Network, error) {
	n, err := protocol.LoadNetwork(ctx, source)
	if err != nil {
		return protocol.Network{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.joined = &n
	return n, nil
}

// newUI builds the window on the test driver with a fixed clock and
// hardware, running client calls synchronously.
func newUI(t *testing.T, c Client, tab string) *UI {
	t.Helper()
	fa := test.NewTempApp(t)
	u, err := New(fa, c, Options{
		Tab: tab,
		Now: func() time.Time { return now },
		Hardware: func(context.Context, app.State) Hardware {
			return Hardware{Cores: 8, MemoryBytes: 16 << 30, GPUNote: "no NVIDIA GPU found"}
		},
		Benchmark: func(context.Context) float64 { return 1234 },
	})
	if err != nil {
		t.Fatal(err)
	}
	u.spawn = func(f func()) { f() }
	u.do = func(f func()) { f() }
	u.win.Resize(fyne.NewSize(860, 640))
	t.Cleanup(u.win.Close)
	return u
}

const unit = "1000000000000000000"

func tokens(n int64) *big.Int {
	v, _ := new(big.Int).SetString(unit, 10)
	return v.Mul(v, big.NewInt(n))
}

// memWallet is a WalletBackend in memory: balances move as a chain would
// move them, with a one-hour unstake cooldown on a fixed clock.
type memWallet struct {
	mu               sync.Mutex
	exists           bool
	address          string
	token, staked    *big.Int
	unstaking, claim *big.Int
	readyAt          *time.Time
	history          []localapi.TxRecord
	n                int
	backups          []localapi.BackupRequest
	locked           bool   // no way to the passphrase until Unlock
	passphrase       string // what Unlock takes
}

var _ localapi.WalletBackend = (*memWallet)(nil)

var errInsufficient = errors.New("amount exceeds the balance")

func newMemWallet(exists bool) *memWallet {
	return &memWallet{exists: exists, address: "0x52908400098527886E0F7030069857D2E4169EE7",
		token: tokens(12), staked: tokens(100), unstaking: new(big.Int), claim: tokens(3)}
}

func (w *memWallet) infoLocked() localapi.WalletInfo {
	if !w.exists {
		return localapi.WalletInfo{Keyring: "OS keyring"}
	}
	return localapi.WalletInfo{Exists: true, Address: w.address, Keyring: "OS keyring", Symbol: "IDLE", Decimals: 18, Locked: w.locked,
		Native: unit, Token: w.token.String(), Staked: w.staked.String(), Unstaking: w.unstaking.String(),
		UnstakeReadyAt: w.readyAt, Claimable: w.claim.String()}
}

func (w *memWallet) Info(context.Context) (localapi.WalletInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.infoLocked(), nil
}

func (w *memWallet) Create(_ context.Context, req localapi.CreateWalletRequest) (localapi.WalletInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.exists {
		return localapi.WalletInfo{}, errors.New("a wallet exists already")
	}
	w.exists = true
	return w.infoLocked(), nil
}

func (w *memWallet) Import(_ context.Context, req localapi.ImportWalletRequest) (localapi.WalletInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(req.PrivateKeyHex) != 66 {
		return localapi.WalletInfo{}, errors.New("not a private key")
	}
	w.exists, w.address = true, "0x000000000000000000000000000000000000bEEF"
	return w.infoLocked(), nil
}

func (w *memWallet) Unlock(_ context.Context, pass string) (localapi.WalletInfo, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if pass != w.passphrase {
		return localapi.WalletInfo{}, errors.New("unlock: wrong passphrase for the key file")
	}
	w.locked = false
	return w.infoLocked(), nil
}

func (w *memWallet) Backup(_ context.Context, req localapi.BackupRequest) (string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.backups = append(w.backups, req)
	return req.Path, nil
}

func (w *memWallet) record(kind string, amount *big.Int, to string) localapi.TxResult {
	w.n++
	h := fmt.Sprintf("0x%064x", w.n)
	w.history = append([]localapi.TxRecord{{Hash: h, Kind: kind, Amount: amount.String(), To: to, Status: "confirmed", Time: now}}, w.history...)
	return localapi.TxResult{Hash: h, Status: "confirmed", GasUsed: 50000, Amount: amount.String()}
}

func parse(s string) (*big.Int, error) {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.Sign() <= 0 {
		return nil, fmt.Errorf("bad amount %q", s)
	}
	return v, nil
}

func (w *memWallet) Claim(context.Context) (localapi.TxResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.claim
	w.token.Add(w.token, c)
	w.claim = new(big.Int)
	return w.record("claim", c, ""), nil
}

func (w *memWallet) Stake(_ context.Context, amount string) (localapi.TxResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, err := parse(amount)
	if err != nil {
		return localapi.TxResult{}, err
	}
	if v.Cmp(w.token) > 0 {
		return localapi.TxResult{}, errInsufficient
	}
	w.token.Sub(w.token, v)
	w.staked.Add(w.staked, v)
	return w.record("stake", v, ""), nil
}

func (w *memWallet) Unstake(_ context.Context, amount string) (localapi.TxResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, err := parse(amount)
	if err != nil {
		return localapi.TxResult{}, err
	}
	if v.Cmp(w.staked) > 0 {
		return localapi.TxResult{}, errInsufficient
	}
	w.staked.Sub(w.staked, v)
	w.unstaking.Add(w.unstaking, v)
	r := now.Add(time.Hour)
	w.readyAt = &r
	return w.record("unstake", v, ""), nil
}

func (w *memWallet) Withdraw(context.Context) (localapi.TxResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v := w.unstaking
	w.token.Add(w.token, v)
	w.unstaking, w.readyAt = new(big.Int), nil
	return w.record("withdraw", v, ""), nil
}

func (w *memWallet) Send(_ context.Context, req localapi.SendRequest) (localapi.TxResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, err := parse(req.Amount)
	if err != nil {
		return localapi.TxResult{}, err
	}
	if v.Cmp(w.token) > 0 {
		return localapi.TxResult{}, errInsufficient
	}
	w.token.Sub(w.token, v)
	return w.record("send", v, req.To), nil
}

func (w *memWallet) History(context.Context) ([]localapi.TxRecord, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]localapi.TxRecord(nil), w.history...), nil
}
