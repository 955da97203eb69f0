package wallet

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
)

func testOpts(kr Keyring) Options { return Options{Keyring: kr, LightScrypt: true} }

func TestCreateOpenSign(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kr := &MemKeyring{}
	w, err := Create(ctx, dir, "", testOpts(kr))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(ctx, dir, "", testOpts(kr)); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v, want ErrExists", err)
	}
	w2, err := Open(dir, testOpts(kr))
	if err != nil || w2.Address() != w.Address() {
		t.Fatalf("open: %v %v", w2, err)
	}
	msg := []byte("idlenode sign-in nonce 42")
	sig, err := w2.SignMessage(ctx, msg)
	if err != nil {
		t.Fatal(err)
	}
	sig[64] -= 27
	pub, err := crypto.SigToPub(accounts.TextHash(msg), sig)
	if err != nil || crypto.PubkeyToAddress(*pub) != w.Address() {
		t.Fatalf("signature recovers to another address: %v", err)
	}
	// Nothing secret in the settings file.
	b, _ := os.ReadFile(filepath.Join(dir, SettingsFile))
	pass, _ := kr.Get(KeyringService, strings.ToLower(w.Address().Hex()))
	if pass == "" || strings.Contains(string(b), pass) {
		t.Fatalf("passphrase missing from keyring or present in settings: %s", b)
	}
	if fi, _ := os.Stat(filepath.Join(dir, KeyFile)); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode())
	}
}

func TestNoKeyring(t *testing.T) {
	ctx := context.Background()
	kr := &MemKeyring{Unavailable: true}
	if _, err := Create(ctx, t.TempDir(), "", testOpts(kr)); !errors.Is(err, ErrNoKeyring) {
		t.Fatalf("create without keyring and passphrase: %v, want ErrNoKeyring", err)
	}
	dir := t.TempDir()
	w, err := Create(ctx, dir, "owner-typed", testOpts(kr))
	if err != nil {
		t.Fatal(err)
	}
	// No prompt: a clear error saying why.
	_, err = w.SignMessage(ctx, []byte("x"))
	if !errors.Is(err, ErrPassphraseNeeded) || !strings.Contains(err.Error(), "keyring") {
		t.Fatalf("got %v, want ErrPassphraseNeeded naming the keyring", err)
	}
	// With a prompt the reason is passed on and the key works.
	var gotReason string
	opts := testOpts(kr)
	opts.Prompt = func(_ context.Context, reason string) (string, error) { gotReason = reason; return "owner-typed", nil }
	w, _ = Open(dir, opts)
	if _, err := w.SignMessage(ctx, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gotReason, "in-memory keyring switched off") {
		t.Fatalf("prompt reason %q", gotReason)
	}
	// A wrong typed passphrase: clear error, no secret in it.
	opts.Prompt = func(context.Context, string) (string, error) { return "nope-secret", nil }
	w, _ = Open(dir, opts)
	_, err = w.SignMessage(ctx, []byte("x"))
	if !errors.Is(err, ErrWrongPassphrase) || strings.Contains(err.Error(), "nope-secret") {
		t.Fatalf("got %v", err)
	}
}

func TestExportRestoreImport(t *testing.T) {
	ctx := context.Background()
	kr := &MemKeyring{}
	w, err := Create(ctx, t.TempDir(), "", testOpts(kr))
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.json")
	if err := w.Export(ctx, backup, "backup-pass"); err != nil {
		t.Fatal(err)
	}
	if err := w.Export(ctx, backup, "other"); !errors.Is(err, ErrBackupExists) || strings.Contains(err.Error(), "wallet") && !strings.Contains(err.Error(), "export wallet") {
		t.Fatalf("export over a file: %v, want ErrBackupExists (and no word of a wallet existing)", err)
	}
	if err := w.TestRestore(backup, "backup-pass"); err != nil {
		t.Fatal(err)
	}
	if err := w.TestRestore(backup, "wrong"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong backup passphrase: %v", err)
	}
	// Restore elsewhere from the backup, with a new passphrase in the keyring.
	kr2 := &MemKeyring{}
	w2, err := ImportKeyFile(ctx, t.TempDir(), backup, "backup-pass", "", testOpts(kr2))
	if err != nil || w2.Address() != w.Address() {
		t.Fatalf("import backup: %v", err)
	}
	// Another wallet's backup does not match.
	other, _ := Create(ctx, t.TempDir(), "", testOpts(kr))
	if err := other.TestRestore(backup, "backup-pass"); !errors.Is(err, ErrBackupMismatch) {
		t.Fatalf("mismatched backup: %v", err)
	}
}

func TestImportKey(t *testing.T) {
	ctx := context.Background()
	key, _ := crypto.GenerateKey()
	hexKey := hexutil.Encode(crypto.FromECDSA(key))
	w, err := ImportKey(ctx, t.TempDir(), hexKey, "", testOpts(&MemKeyring{}))
	if err != nil || w.Address() != crypto.PubkeyToAddress(key.PublicKey) {
		t.Fatalf("import: %v", err)
	}
	for _, bad := range []string{"", "0x12", strings.Repeat("zz", 32), "0x" + strings.Repeat("0", 64)} {
		_, err := ImportKey(ctx, t.TempDir(), bad, "", testOpts(&MemKeyring{}))
		if !errors.Is(err, ErrBadKey) {
			t.Errorf("import %q: %v, want ErrBadKey", bad, err)
		}
	}
}

func TestBadKeyFiles(t *testing.T) {
	ctx := context.Background()
	kr := &MemKeyring{}
	src, _ := Create(ctx, t.TempDir(), "", testOpts(kr))
	backup := filepath.Join(t.TempDir(), "b.json")
	if err := src.Export(ctx, backup, "s3cret-right"); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(t.TempDir(), "garbage.json")
	os.WriteFile(garbage, []byte("this is not a key file\x00\xff"), 0o600)
	notKey := filepath.Join(t.TempDir(), "other.json")
	os.WriteFile(notKey, []byte(`{"version":3,"address":"nope"}`), 0o600)

	// The target already holds a wallet: every failing import must leave it intact.
	dir := t.TempDir()
	existing, _ := Create(ctx, dir, "", testOpts(kr))
	before, _ := os.ReadFile(filepath.Join(dir, KeyFile))
	fresh := t.TempDir()
	cases := []struct {
		name, dir, path, pass string
		want                  error
	}{
		{"wrong passphrase", fresh, backup, "Xq9-typo", ErrWrongPassphrase},
		{"garbage file", fresh, garbage, "s3cret-right", ErrBadKeyFile},
		{"json but not a key", fresh, notKey, "s3cret-right", ErrBadKeyFile},
		{"over an existing wallet", dir, backup, "s3cret-right", ErrExists},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ImportKeyFile(ctx, c.dir, c.path, c.pass, "", testOpts(kr))
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if strings.Contains(err.Error(), c.pass) && c.pass != "" {
				t.Fatalf("error shows the passphrase: %v", err)
			}
		})
	}
	if after, _ := os.ReadFile(filepath.Join(dir, KeyFile)); string(after) != string(before) {
		t.Fatal("existing key file changed")
	}
	if _, err := os.Stat(filepath.Join(fresh, KeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("failed imports wrote a key file: %v", err)
	}
	if w, err := Open(dir, testOpts(kr)); err != nil || w.Address() != existing.Address() {
		t.Fatalf("existing wallet damaged: %v", err)
	}
	// A garbage wallet key file: Open says so.
	gdir := t.TempDir()
	os.WriteFile(filepath.Join(gdir, KeyFile), []byte("{"), 0o600)
	if _, err := Open(gdir, testOpts(kr)); !errors.Is(err, ErrBadKeyFile) {
		t.Fatalf("open garbage: %v", err)
	}
	if _, err := Open(t.TempDir(), testOpts(kr)); !errors.Is(err, ErrNoWallet) {
		t.Fatalf("open empty dir: %v", err)
	}
}

func TestPayout(t *testing.T) {
	dir := t.TempDir()
	kr := &MemKeyring{}
	w, _ := Create(context.Background(), dir, "", testOpts(kr))
	payout := crypto.PubkeyToAddress(mustKey(t).PublicKey)
	if err := w.SetPayout(payout); err != nil {
		t.Fatal(err)
	}
	w2, _ := Open(dir, testOpts(kr))
	if w2.Payout() != payout {
		t.Fatalf("payout %s after reopen", w2.Payout())
	}
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
