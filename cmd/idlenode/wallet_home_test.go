package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/apptest"
	"github.com/idlenode/idlenode/wallet"
)

func init() { walletLightScrypt = true }

// isolateWalletEnv points the OS config folder at a temporary one and
// clears $IDLENODE_HOME, so that a wallet verb that ignores --home lands
// somewhere the test can see (and not in the real user's folder).
func isolateWalletEnv(t *testing.T) (defaultDir string) {
	t.Helper()
	cfg := t.TempDir()
	t.Setenv("HOME", cfg)
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv(app.HomeEnv, "")
	return defaultWalletDir()
}

// writeSecret writes a one-line secret file readable only by the owner.
func writeSecret(t *testing.T, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(p, []byte(s+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// runWalletCmd runs `idlenode wallet ARGS...` and returns stdout, stderr and
// the error as realMain would see it.
func runWalletCmd(args ...string) (string, string, error) {
	var out, errb bytes.Buffer
	err := runWallet(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestWalletCreateAndImportHonourHome(t *testing.T) {
	defaultDir := isolateWalletEnv(t)
	pass := writeSecret(t, "correct horse battery")

	home := t.TempDir()
	paths, _ := apptest.Home(t, home)
	out, errs, err := runWalletCmd("create", "--home", home, "--passphrase-file", pass)
	if err != nil {
		t.Fatalf("create: %v %s", err, errs)
	}
	w, err := wallet.Open(paths.Wallet(), wallet.Options{})
	if err != nil {
		t.Fatalf("no wallet in the home's wallet folder: %v", err)
	}
	if !strings.Contains(out, w.Address().Hex()) || !strings.Contains(out, paths.Wallet()) {
		t.Fatalf("create output %q", out)
	}

	home2 := t.TempDir()
	paths2, _ := apptest.Home(t, home2)
	key := writeSecret(t, "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
	if _, errs, err := runWalletCmd("import", "--home", home2, "--private-key-file", key, "--passphrase-file", pass); err != nil {
		t.Fatalf("import: %v %s", err, errs)
	}
	w2, err := wallet.Open(paths2.Wallet(), wallet.Options{})
	if err != nil {
		t.Fatalf("no imported wallet in the home's wallet folder: %v", err)
	}
	if got := w2.Address().Hex(); got != "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23" {
		t.Fatalf("imported address %s", got)
	}
	if _, err := os.Stat(defaultDir); !os.IsNotExist(err) {
		t.Fatalf("the default wallet folder %s was written: %v", defaultDir, err)
	}
}
