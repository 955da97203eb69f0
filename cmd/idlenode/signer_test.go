package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/idlenode/idlenode/wallet"
	"github.com/idlenode/idlenode/worker"
)

// Wallet failures the owner must fix become worker.OwnerActionError, with
// what to do; anything else passes through unchanged.
func TestSignerError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string // in the reason; "" for passed through
	}{
		{fmt.Errorf("sign: %w", wallet.ErrWrongPassphrase), "passphrase is wrong"},
		{fmt.Errorf("sign: %w: no usable OS keyring", wallet.ErrPassphraseNeeded), "--passphrase-file"},
		{wallet.ErrNotInKeyring, "unlock it in the window's Wallet tab"},
		{errors.New("connection refused"), ""},
		{nil, ""},
	} {
		got := signerError(tc.err)
		var oa *worker.OwnerActionError
		switch {
		case tc.want == "" && got != tc.err:
			t.Errorf("%v became %v", tc.err, got)
		case tc.want != "" && (!errors.As(got, &oa) || !strings.Contains(oa.Reason, tc.want) || !errors.Is(got, tc.err)):
			t.Errorf("%v became %#v, want an OwnerActionError saying %q that wraps it", tc.err, got, tc.want)
		}
	}
}
