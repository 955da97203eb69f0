package window

import (
	"context"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
	"github.com/idlenode/idlenode/protocol"
)

// Client is the local API as the window uses it. *localapi.Client
// implements it; calls are safe from any goroutine and may block on the
// service, so the window never makes them on the UI thread.
type Client interface {
	State(ctx context.Context) (app.State, error)
	Watch(ctx context.Context, fn func(app.State)) error
	Pause(ctx context.Context, d time.Duration) (app.State, error)
	Resume(ctx context.Context) (app.State, error)
	Settings(ctx context.Context) (settings.Settings, error)
	PutSettings(ctx context.Context, s settings.Settings) (settings.Settings, error)
	Preset(ctx context.Context, name string) (settings.Settings, error)

	Network(ctx context.Context) (localapi.NetworkInfo, error)
	JoinNetwork(ctx context.Context, source string) (protocol.Network, error)

	WalletInfo(ctx context.Context) (localapi.WalletInfo, error)
	CreateWallet(ctx context.Context, req localapi.CreateWalletRequest) (localapi.WalletInfo, error)
	ImportWallet(ctx context.Context, req localapi.ImportWalletRequest) (localapi.WalletInfo, error)
	BackupWallet(ctx context.Context, path, passphrase string) (string, error)
	UnlockWallet(ctx context.Context, passphrase string) (localapi.WalletInfo, error)
	Claim(ctx context.Context) (localapi.TxResult, error)
	Stake(ctx context.Context, amount string) (localapi.TxResult, error)
	Unstake(ctx context.Context, amount string) (localapi.TxResult, error)
	Withdraw(ctx context.Context) (localapi.TxResult, error)
	Send(ctx context.Context, req localapi.SendRequest) (localapi.TxResult, error)
	History(ctx context.Context) ([]localapi.TxRecord, error)
}

var _ Client = (*localapi.Client)(nil)
