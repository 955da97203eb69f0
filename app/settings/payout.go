package settings

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/wallet"
)

// WalletDir is the wallet folder of the node whose settings file is at
// settingsPath: "wallet" beside it, as app.Paths lays a home out.
func WalletDir(settingsPath string) string {
	return filepath.Join(filepath.Dir(settingsPath), "wallet")
}

// persisted is s as written to the settings file: the payout address only
// while an older file's value waits for a wallet.
func (st *Store) persisted(s Settings) Settings {
	s.PayoutAddress = st.pending
	return s
}

// refreshPayout rereads the payout address to show when the wallet's
// files changed, or a value is waiting to move. The caller holds mu.
func (st *Store) refreshPayout() {
	key, conf := stampOf(filepath.Join(st.walletDir, wallet.KeyFile)), stampOf(filepath.Join(st.walletDir, wallet.SettingsFile))
	if key.same(st.payoutOf[0]) && conf.same(st.payoutOf[1]) && st.pending == "" {
		return
	}
	st.payout = st.readPayout()
	// Stamped after the read: a migration may just have written wallet.json.
	st.payoutOf = [2]fileStamp{stampOf(filepath.Join(st.walletDir, wallet.KeyFile)), stampOf(filepath.Join(st.walletDir, wallet.SettingsFile))}
}

// readPayout is the payout address to show: the wallet's, or the older
// settings file's value while there is no wallet. The caller holds mu.
func (st *Store) readPayout() string {
	if st.pending != "" {
		st.migratePayout()
	}
	a, err := wallet.ReadPayout(st.walletDir)
	if errors.Is(err, wallet.ErrNoWallet) {
		return st.pending
	}
	if err != nil || a == (common.Address{}) {
		return ""
	}
	return a.Hex()
}

// migratePayout moves a payout address left in an older settings file
// (where nothing read it) to the wallet, which claims read, once there is
// a wallet: into an empty payout only; a wallet that already has another
// payout address keeps it, and the owner is told. The caller holds mu, or
// the Store is not shared yet.
func (st *Store) migratePayout() {
	legacy := st.pending
	if legacy == "" {
		return
	}
	cur, err := wallet.ReadPayout(st.walletDir)
	if err != nil {
		return // no wallet yet (or unreadable): shown as is, moved later
	}
	note := ""
	a, perr := wallet.ParseAddress(legacy)
	switch {
	case common.IsHexAddress(legacy) && common.HexToAddress(legacy) == (common.Address{}):
		// The zero address meant nothing; claims pay to the wallet.
	case perr != nil:
		note = fmt.Sprintf("payout_address %s in %s was not moved to the wallet (%v); claims pay to the wallet's own address until one is set", legacy, filepath.Base(st.path), perr)
	case cur == (common.Address{}):
		w, err := wallet.Open(st.walletDir, wallet.Options{})
		if err == nil {
			err = w.SetPayout(a)
		}
		if err != nil {
			return // try again later
		}
	case cur != a:
		note = fmt.Sprintf("payout_address %s in %s was never used for claims; they go to the wallet's payout address %s, which is kept", legacy, filepath.Base(st.path), cur.Hex())
	}
	st.pending = ""
	if note != "" {
		if st.problem.Message != "" {
			st.problem.Message += "; "
		}
		st.problem.Message += note
	}
	_ = st.save(st.persisted(st.cur)) // else moved again next time, to the same effect
}

// setPayout saves next (without a payout address) and sets the wallet's
// payout address to v ("" or "none" clears it). It refuses the zero
// address and a mixed-case address with a wrong checksum, and needs a
// wallet. On error nothing changed. The caller holds mu.
func (st *Store) setPayout(v string, next Settings) error {
	var a common.Address
	if v != "" && !strings.EqualFold(v, "none") {
		var err error
		if a, err = wallet.ParseAddress(v); err != nil {
			return Errors{{Field: "payout_address", Rule: strings.TrimPrefix(err.Error(), wallet.ErrBadAddress.Error()+": ")}}
		}
	}
	w, err := wallet.Open(st.walletDir, wallet.Options{})
	if errors.Is(err, wallet.ErrNoWallet) && a == (common.Address{}) {
		// Clearing an older file's value before there is a wallet.
		pending := st.pending
		st.pending = ""
		if err := st.save(st.persisted(next)); err != nil {
			st.pending = pending
			return err
		}
		return nil
	}
	if errors.Is(err, wallet.ErrNoWallet) {
		return Errors{{Field: "payout_address", Rule: "needs a wallet first: create or import one ('idlenode wallet create'); the payout address is kept with it"}}
	}
	if err != nil {
		return err
	}
	pending := st.pending
	st.pending = ""
	if err := st.save(st.persisted(next)); err != nil {
		st.pending = pending
		return err
	}
	if err := w.SetPayout(a); err != nil {
		st.pending = pending
		_ = st.save(st.persisted(st.cur))
		return err
	}
	return nil
}
