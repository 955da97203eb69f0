package window

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idlenode/idlenode/app/localapi"
)

// walletSetup creates or imports the node's key through the service. The
// key and passphrase typed here go to the service and are cleared from
// the form at once; they are never logged or shown.
type walletSetup struct {
	u       *UI
	content fyne.CanvasObject
	done    func(localapi.WalletInfo)

	create     *widget.Button
	kind       *widget.RadioGroup
	secret     *widget.Entry // a hex private key, hidden as typed
	keystore   *widget.Entry // a keystore file's JSON, pasted
	passphrase *widget.Entry
	importBtn  *widget.Button
	msg        *widget.Label
}

const (
	importKey      = "Private key (hex)"
	importKeystore = "Keystore file (paste its JSON)"
)

func newWalletSetup(u *UI, done func(localapi.WalletInfo)) *walletSetup {
	s := &walletSetup{u: u, done: done}
	s.msg = wrapped("")
	s.create = widget.NewButton("Create a new wallet", s.doCreate)
	s.create.Importance = widget.HighImportance
	s.secret = widget.NewPasswordEntry()
	s.secret.SetPlaceHolder("0x… private key")
	s.keystore = widget.NewMultiLineEntry()
	s.keystore.SetPlaceHolder(`{"address": …, "crypto": …}`)
	s.keystore.SetMinRowsVisible(4)
	s.keystore.Hide()
	s.passphrase = widget.NewPasswordEntry()
	s.passphrase.SetPlaceHolder("passphrase")
	s.kind = widget.NewRadioGroup([]string{importKey, importKeystore}, func(k string) {
		setVisible(s.secret, k != importKeystore)
		setVisible(s.keystore, k == importKeystore)
		s.msg.SetText("") // an error about the other kind no longer applies
		if s.content != nil {
			s.content.Refresh()
		}
	})
	s.kind.Horizontal = true
	s.kind.SetSelected(importKey)
	s.importBtn = widget.NewButton("Import", s.doImport)
	passHelp := wrapped("Passphrase: needed where no OS keyring keeps one (at least 8 characters; the node keeps it in memory until it stops, and asks again after a restart), and to open a keystore file. Otherwise leave it empty.")
	s.content = container.NewVBox(
		passHelp, s.passphrase,
		s.create,
		widget.NewLabel("or import a key you have:"),
		s.kind, s.secret, s.keystore,
		container.NewHBox(s.importBtn),
		s.msg,
	)
	return s
}

func (s *walletSetup) busy(on bool) {
	enable(s.create, !on)
	enable(s.importBtn, !on)
}

func (s *walletSetup) finish(info localapi.WalletInfo, err error) {
	s.busy(false)
	switch {
	case errors.Is(err, localapi.ErrNoWallet):
		s.msg.SetText(noWalletText)
	case err != nil:
		s.msg.SetText("Could not set up the wallet: " + PlainError(err))
	default:
		s.msg.SetText("Wallet ready: " + info.Address)
		if s.done != nil {
			s.done(info)
		}
	}
}

func (s *walletSetup) doCreate() {
	s.busy(true)
	req := localapi.CreateWalletRequest{Passphrase: s.passphrase.Text}
	s.passphrase.SetText("")
	var info localapi.WalletInfo
	s.u.call(func(ctx context.Context) error {
		var err error
		info, err = s.u.c.CreateWallet(ctx, req)
		return err
	}, func(err error) { s.finish(info, err) })
}

func (s *walletSetup) doImport() {
	from := s.secret
	if s.kind.Selected == importKeystore {
		from = s.keystore
	}
	secret := strings.TrimSpace(from.Text)
	if secret == "" {
		s.msg.SetText("Paste a private key or a keystore file first.")
		return
	}
	req := localapi.ImportWalletRequest{Passphrase: s.passphrase.Text}
	if from == s.keystore {
		req.KeystoreJSON = secret
	} else {
		req.PrivateKeyHex = secret
	}
	from.SetText("")
	s.passphrase.SetText("")
	s.busy(true)
	var info localapi.WalletInfo
	s.u.call(func(ctx context.Context) error {
		var err error
		info, err = s.u.c.ImportWallet(ctx, req)
		return err
	}, func(err error) { s.finish(info, err) })
}
