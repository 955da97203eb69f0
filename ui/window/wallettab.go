package window

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/ui/format"
)

// noWalletText is shown while the service has no wallet routes.
const noWalletText = "This node service has no wallet yet. The network keeps what you earn; " +
	"the wallet (claim, stake, send) appears here once the node runs with one."

type walletTab struct {
	u       *UI
	content fyne.CanvasObject

	absent  *widget.Label     // ErrNoWallet
	setup   fyne.CanvasObject // create or import
	present fyne.CanvasObject // the wallet itself
	msg     *widget.Label     // outcome of the last action

	unlock     *widget.Card // shown while the node has no way to the passphrase
	unlockPass *widget.Entry
	unlockBtn  *widget.Button
	setupW     *walletSetup

	address, keyring            *widget.Label
	qr                          *canvas.Image
	native, token, staked       *widget.Label
	unstaking, cooldown         *widget.Label
	claimable, problem          *widget.Label
	claim, withdraw             *widget.Button
	stakeAmt, unstakeAmt        *widget.Entry
	sendTo, sendAmt, backupPath *widget.Entry
	backupPass                  *widget.Entry
	sendAsset                   *widget.Select
	history                     *fyne.Container

	counting atomic.Bool // a cooldown counts down: tick every second
	info     localapi.WalletInfo
	have     bool
	busy     bool
	qrFor    string
}

func newWalletTab(u *UI) *walletTab {
	w := &walletTab{u: u}
	w.absent = wrapped(noWalletText)
	w.msg = wrapped("")
	w.setupW = newWalletSetup(u, func(info localapi.WalletInfo) { w.show(info, nil) })
	w.setup = widget.NewCard("No wallet yet", "Create a key for this node, or import one you have.", w.setupW.content)

	w.address = widget.NewLabel("")
	w.address.TextStyle = fyne.TextStyle{Monospace: true}
	w.keyring = wrapped("") // may quote the keyring's error
	copyBtn := widget.NewButton("Copy address", func() {
		u.app.Clipboard().SetContent(w.info.Address)
		w.say("Address copied")
	})
	w.qr = canvas.NewImageFromResource(nil)
	w.qr.FillMode = canvas.ImageFillContain
	w.qr.SetMinSize(fyne.NewSize(150, 150))

	w.native, w.token, w.staked = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	w.unstaking, w.cooldown, w.claimable = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	w.problem = wrapped("")
	w.problem.Importance = widget.DangerImportance
	w.claim = widget.NewButton("Claim", w.doClaim)
	w.claim.Importance = widget.HighImportance
	w.withdraw = widget.NewButton("Withdraw", func() {
		w.tx("Withdraw", func(ctx context.Context) (localapi.TxResult, error) { return u.c.Withdraw(ctx) })
	})
	w.stakeAmt, w.unstakeAmt = widget.NewEntry(), widget.NewEntry()
	w.stakeAmt.SetPlaceHolder("amount")
	w.unstakeAmt.SetPlaceHolder("amount")
	stake := widget.NewButton("Stake", func() { w.amountTx("Stake", w.stakeAmt, u.c.Stake) })
	unstake := widget.NewButton("Unstake", func() { w.amountTx("Unstake", w.unstakeAmt, u.c.Unstake) })
	w.sendTo, w.sendAmt = widget.NewEntry(), widget.NewEntry()
	w.sendTo.SetPlaceHolder("0x… address")
	w.sendAmt.SetPlaceHolder("amount")
	w.sendAsset = widget.NewSelect([]string{assetToken, assetGas}, nil)
	w.sendAsset.SetSelected(assetToken)
	send := widget.NewButton("Send", w.doSend)
	w.backupPath = widget.NewEntry()
	w.backupPath.SetPlaceHolder("/path/to/idlenode-wallet-backup.json")
	w.backupPass = widget.NewPasswordEntry()
	w.backupPass.SetPlaceHolder("a passphrase for the backup: keep it, the file is useless without it")
	backup := widget.NewButton("Back up", w.doBackup)
	w.history = container.NewVBox()

	addr := widget.NewCard("Address", "", container.NewBorder(nil, nil, nil, w.qr,
		container.NewVBox(w.address, container.NewHBox(copyBtn), w.keyring)))
	bal := widget.NewCard("Balances", "", container.NewVBox(
		container.NewGridWithColumns(2,
			widget.NewLabel("Reward token"), w.token,
			widget.NewLabel("For fees"), w.native,
			widget.NewLabel("Staked"), w.staked,
			widget.NewLabel("Unstaking"), container.NewHBox(w.unstaking, w.cooldown, w.withdraw),
			widget.NewLabel("Claimable"), container.NewHBox(w.claimable, w.claim),
		),
		w.problem,
	))
	actions := widget.NewCard("Stake and send", "", widget.NewForm(
		widget.NewFormItem("Stake", container.NewBorder(nil, nil, nil, stake, w.stakeAmt)),
		widget.NewFormItem("Unstake", container.NewBorder(nil, nil, nil, unstake, w.unstakeAmt)),
		widget.NewFormItem("Send to", w.sendTo),
		widget.NewFormItem("Amount", container.NewBorder(nil, nil, nil, container.NewHBox(w.sendAsset, send), w.sendAmt)),
		widget.NewFormItem("Backup to", w.backupPath),
		widget.NewFormItem("Passphrase", container.NewBorder(nil, nil, nil, backup, w.backupPass)),
	))
	hist := widget.NewCard("History", "", w.history)
	w.unlockPass = widget.NewPasswordEntry()
	w.unlockPass.SetPlaceHolder("the wallet's passphrase")
	w.unlockPass.OnSubmitted = func(string) { w.doUnlock() }
	w.unlockBtn = widget.NewButton("Unlock", w.doUnlock)
	w.unlockBtn.Importance = widget.HighImportance
	w.unlock = widget.NewCard("Wallet locked",
		"The node needs the passphrase to sign in to the network and to claim. No OS keyring keeps it here, so it is kept in memory until the node stops.",
		container.NewBorder(nil, nil, nil, w.unlockBtn, w.unlockPass))
	w.unlock.Hide()
	w.present = container.NewVBox(w.unlock, addr, bal, actions, hist)
	w.setup.Hide()
	w.present.Hide()
	w.absent.Hide()
	w.content = container.NewVScroll(container.NewVBox(w.msg, w.absent, w.setup, w.present))
	w.say("Loading the wallet…")
	return w
}

// loop refreshes the wallet every 15 s and ticks the cooldown every second.
func (w *walletTab) loop(ctx context.Context) {
	w.load(ctx)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			n++
			if n%15 == 0 {
				w.load(ctx)
			} else if w.counting.Load() {
				w.u.do(w.tick)
			}
		}
	}
}

func (w *walletTab) tick() {
	if w.have && w.info.UnstakeReadyAt != nil {
		w.render()
	}
}

// refresh reloads the wallet in the background.
func (w *walletTab) refresh() {
	w.u.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		w.load(ctx)
	})
}

func (w *walletTab) load(ctx context.Context) {
	info, err := w.u.c.WalletInfo(ctx)
	var hist []localapi.TxRecord
	if err == nil && info.Exists {
		hist, _ = w.u.c.History(ctx)
	}
	w.u.do(func() {
		w.show(info, err)
		if err == nil && info.Exists {
			w.showHistory(hist)
		}
	})
}

// show displays the wallet, or why there is none.
func (w *walletTab) show(info localapi.WalletInfo, err error) {
	w.absent.Hide()
	w.setup.Hide()
	w.present.Hide()
	switch {
	case errors.Is(err, localapi.ErrNoWallet):
		w.absent.Show()
		w.say("")
	case err != nil:
		w.say("Could not read the wallet: " + err.Error())
	case !info.Exists:
		w.setup.Show()
		if w.msg.Text == "Loading the wallet…" {
			w.say("")
		}
	default:
		w.info, w.have = info, true
		if w.msg.Text == "Loading the wallet…" {
			w.say("")
		}
		w.render()
		w.present.Show()
	}
	w.content.Refresh()
}

// say shows the outcome of the last action ("" hides it).
func (w *walletTab) say(msg string) {
	setText(w.msg, msg)
	if setVisible(w.msg, msg != "") {
		w.content.Refresh()
	}
}

func (w *walletTab) render() {
	v := Wallet(w.info, w.u.opts.Now())
	w.address.SetText(v.Address)
	w.keyring.SetText(v.Keyring)
	if v.Address != w.qrFor {
		w.qrFor = v.Address
		if png, err := qrcode.Encode(v.Address, qrcode.Medium, 256); err == nil {
			w.qr.Resource = fyne.NewStaticResource("address-qr.png", png)
			w.qr.Refresh()
		}
	}
	if setVisible(w.unlock, w.info.Locked) {
		w.content.Refresh()
	}
	w.native.SetText(v.Native)
	w.token.SetText(v.Token)
	w.staked.SetText(v.Staked)
	if v.Unstaking == "" {
		w.unstaking.SetText("Nothing")
	} else {
		w.unstaking.SetText(v.Unstaking)
	}
	w.cooldown.SetText(v.Cooldown)
	w.counting.Store(v.Cooldown != "" && !v.CanWithdraw)
	w.claimable.SetText(v.Claimable)
	enable(w.claim, v.CanClaim && !w.busy)
	enable(w.withdraw, v.CanWithdraw && !w.busy)
	moved := setVisible(w.withdraw, v.Unstaking != "")
	w.problem.SetText(v.Problem)
	if setVisible(w.problem, v.Problem != "") || moved {
		w.content.Refresh()
	}
}

// doUnlock gives the running node the typed passphrase.
func (w *walletTab) doUnlock() {
	pass := w.unlockPass.Text
	if pass == "" {
		w.say("Type the wallet's passphrase first")
		return
	}
	w.unlockBtn.Disable()
	var info localapi.WalletInfo
	w.u.call(func(ctx context.Context) error {
		var err error
		info, err = w.u.c.UnlockWallet(ctx, pass)
		return err
	}, func(err error) {
		w.unlockBtn.Enable()
		w.unlockPass.SetText("") // never kept on screen
		if err != nil {
			w.say("Not unlocked: " + PlainError(err))
			return
		}
		w.say("Unlocked: the node can sign in and claim until it stops")
		w.show(info, nil)
	})
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (w *walletTab) showHistory(recs []localapi.TxRecord) {
	sym := w.info.Symbol
	if sym == "" {
		sym = "tokens"
	}
	rows := History(recs, w.info.Decimals, sym)
	objs := make([]fyne.CanvasObject, 0, len(rows)+1)
	if len(rows) == 0 {
		objs = append(objs, widget.NewLabel("No transactions yet."))
	}
	for _, r := range rows {
		objs = append(objs, container.NewGridWithColumns(4, widget.NewLabel(r.When), widget.NewLabel(r.What), widget.NewLabel(r.Status), widget.NewLabel(r.Hash)))
	}
	w.history.Objects = objs
	w.history.Refresh()
	w.content.Refresh() // the scroll must measure the new rows
}

func (w *walletTab) applyState(app.State) {}

func (w *walletTab) doClaim() {
	w.tx("Claim", func(ctx context.Context) (localapi.TxResult, error) { return w.u.c.Claim(ctx) })
}

// amountTx parses the typed amount and runs a stake or unstake.
func (w *walletTab) amountTx(what string, e *widget.Entry, fn func(ctx context.Context, amount string) (localapi.TxResult, error)) {
	v, err := format.ParseTokens(e.Text, w.info.Decimals)
	if err == nil && v.Sign() == 0 {
		err = fmt.Errorf("enter more than 0: %w", format.ErrBadAmount)
	}
	if err != nil {
		w.say(what + ": " + err.Error())
		return
	}
	w.tx(what, func(ctx context.Context) (localapi.TxResult, error) { return fn(ctx, v.String()) })
	e.SetText("")
}

// The send choices, as the owner reads them, and the assets they name.
const (
	assetToken = "tokens"
	assetGas   = "gas coin"
)

func (w *walletTab) doSend() {
	dec, asset := w.info.Decimals, "token"
	if w.sendAsset.Selected == assetGas {
		dec, asset = 18, "native"
	}
	v, err := format.ParseTokens(w.sendAmt.Text, dec)
	if err != nil {
		w.say("Send: " + err.Error())
		return
	}
	req := localapi.SendRequest{To: w.sendTo.Text, Amount: v.String(), Asset: asset}
	w.tx("Send", func(ctx context.Context) (localapi.TxResult, error) { return w.u.c.Send(ctx, req) })
}

func (w *walletTab) doBackup() {
	path, pass := w.backupPath.Text, w.backupPass.Text
	if path == "" || pass == "" {
		w.say("Backup: enter a file path and a passphrase")
		return
	}
	w.backupPass.SetText("") // the passphrase goes to the service only
	var out string
	w.u.call(func(ctx context.Context) error {
		var err error
		out, err = w.u.c.BackupWallet(ctx, path, pass)
		return err
	}, func(err error) {
		if err != nil {
			w.say("Backup failed: " + PlainError(err))
			return
		}
		w.say("Encrypted backup written to " + out)
	})
}

// tx runs one wallet transaction and reports its outcome.
func (w *walletTab) tx(what string, fn func(ctx context.Context) (localapi.TxResult, error)) {
	if w.busy {
		return
	}
	w.busy = true
	w.say(what + ": waiting for the chain…")
	w.render()
	var res localapi.TxResult
	w.u.call(func(ctx context.Context) error {
		var err error
		res, err = fn(ctx)
		return err
	}, func(err error) {
		w.busy = false
		w.say(TxMessage(what, res, err, w.info.Decimals, w.info.Symbol))
		w.render()
		w.refresh()
	})
}

// TxMessage says how a wallet action ended.
func TxMessage(what string, res localapi.TxResult, err error, decimals int, symbol string) string {
	switch {
	case err != nil:
		return what + " failed: " + PlainError(err)
	case res.Status != "" && res.Status != "confirmed":
		return fmt.Sprintf("%s %s (tx %s)", what, res.Status, ShortAddress(res.Hash))
	case res.Amount != "":
		return fmt.Sprintf("%s done: %s (tx %s)", what, format.Amount(res.Amount, decimals, symbol), ShortAddress(res.Hash))
	default:
		return fmt.Sprintf("%s done (tx %s)", what, ShortAddress(res.Hash))
	}
}
