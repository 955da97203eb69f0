package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/wallet"
)

// A new passphrase read from a file follows the rule a typed one does;
// a file that unlocks an existing wallet does not.
func TestWalletNewPassphraseFromFileNeedsEightCharacters(t *testing.T) {
	isolateWalletEnv(t)
	short := writeSecret(t, "1234567")
	long := writeSecret(t, "correct horse battery")
	const want = "the passphrase needs at least 8 characters"

	home := t.TempDir()
	paths, _ := apptest.Home(t, home)
	if _, _, err := runWalletCmd("create", "--home", home, "--passphrase-file", short); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("create with a short passphrase file: %v", err)
	}
	key := writeSecret(t, "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	if _, _, err := runWalletCmd("import", "--home", home, "--private-key-file", key, "--passphrase-file", short); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("import with a short passphrase file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(paths.Wallet(), wallet.KeyFile)); !os.IsNotExist(err) {
		t.Fatalf("a key file was written with a short passphrase: %v", err)
	}

	// An existing wallet whose passphrase is short (made before the rule)
	// still unlocks from a file; its backup needs a proper passphrase.
	if _, err := wallet.Create(context.Background(), paths.Wallet(), "1234567", wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "backup.json")
	if _, _, err := runWalletCmd("export", "--home", home, "--passphrase-file", short, "--backup-passphrase-file", short, "--out", out); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("export with a short backup passphrase file: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a backup was written with a short passphrase: %v", err)
	}
	if o, errs, err := runWalletCmd("export", "--home", home, "--passphrase-file", short, "--backup-passphrase-file", long, "--out", out); err != nil || !strings.Contains(o, "it restores") {
		t.Fatalf("export: %v %s %s", err, errs, o)
	}
}
