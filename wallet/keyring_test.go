package wallet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestOSKeyring runs against the real Secret Service that scripts/test.sh
// starts (gnome-keyring-daemon in dbus-run-session).
func TestOSKeyring(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset): run under scripts/test.sh for the real Secret Service")
	}
	kr := OSKeyring{}
	user := fmt.Sprintf("test-%d", time.Now().UnixNano())
	if _, err := kr.Get(KeyringService, user); errors.Is(err, ErrNoKeyring) {
		t.Skipf("session bus present but no usable Secret Service: %v", err)
	} else if !errors.Is(err, ErrNotInKeyring) {
		t.Fatalf("get missing: %v, want ErrNotInKeyring", err)
	}
	if err := kr.Set(KeyringService, user, "s3cret"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kr.Delete(KeyringService, user) })
	if got, err := kr.Get(KeyringService, user); err != nil || got != "s3cret" {
		t.Fatalf("get: %q %v", got, err)
	}

	// A whole wallet with the passphrase only in the real keyring.
	ctx := context.Background()
	w, err := Create(ctx, t.TempDir(), "", Options{Keyring: kr, LightScrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kr.Delete(KeyringService, strings.ToLower(w.Address().Hex())) })
	if _, err := w.SignMessage(ctx, []byte("hello")); err != nil {
		t.Fatalf("sign with passphrase from the keyring: %v", err)
	}
	if err := kr.Delete(KeyringService, user); err != nil {
		t.Fatal(err)
	}
	if _, err := kr.Get(KeyringService, user); !errors.Is(err, ErrNotInKeyring) {
		t.Fatalf("after delete: %v", err)
	}
}

// TestOSKeyringUnavailable checks, in a child process with a session bus
// address that leads nowhere, that a missing keyring service is reported
// as ErrNoKeyring with the reason.
func TestOSKeyringUnavailable(t *testing.T) {
	if os.Getenv("IDLENODE_KEYRING_CHILD") == "1" {
		_, err := OSKeyring{}.Get(KeyringService, "nobody")
		if !errors.Is(err, ErrNoKeyring) {
			fmt.Printf("RESULT wrong: %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("RESULT ok: %v\n", err)
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOSKeyringUnavailable$")
	cmd.Env = append(os.Environ(), "IDLENODE_KEYRING_CHILD=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+t.TempDir()+"/no-bus")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "RESULT ok") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "no usable OS keyring") {
		t.Fatalf("reason missing:\n%s", out)
	}
}
