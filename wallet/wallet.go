package wallet

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/idlenode/idlenode/internal/atomicfile"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/google/uuid"
)

// File names inside a wallet directory.
const (
	KeyFile      = "keystore.json"
	SettingsFile = "wallet.json"
	HistoryFile  = "history.json"
)

// KeyringService is the service name under which passphrases are stored;
// the user name is the wallet's lower-case 0x address.
const KeyringService = "idlenode-wallet"

var (
	// ErrNoWallet means the directory holds no key file yet.
	ErrNoWallet = errors.New("no wallet in this directory")
	// ErrExists means a wallet already exists and would be overwritten.
	ErrExists = errors.New("a wallet already exists here")
	// ErrWrongPassphrase means the passphrase does not decrypt the key file.
	ErrWrongPassphrase = errors.New("wrong passphrase for the key file")
	// ErrBadKeyFile means a file is not a readable keystore key file.
	ErrBadKeyFile = errors.New("not a valid keystore key file")
	// ErrBadKey means an imported private key is malformed.
	ErrBadKey = errors.New("not a valid private key")
	// ErrPassphraseNeeded means no keyring holds the passphrase and the
	// caller gave no way to ask for it.
	ErrPassphraseNeeded = errors.New("passphrase needed")
	// ErrBackupExists means the backup file named already exists.
	ErrBackupExists = errors.New("the backup file already exists")
	// ErrBackupMismatch means a backup decrypts to another address.
	ErrBackupMismatch = errors.New("backup holds another key")
)

// PromptFunc asks the owner for the keystore passphrase; reason says why
// (for example that no keyring service runs). It returns
// ErrPassphraseNeeded if it cannot ask.
type PromptFunc func(ctx context.Context, reason string) (string, error)

// Options configure a Wallet. The zero value uses the OS keyring, no
// prompt, standard scrypt and no logging.
type Options struct {
	Keyring Keyring
	Prompt  PromptFunc
	Log     *slog.Logger
	// LightScrypt uses go-ethereum's light scrypt parameters: tests only.
	LightScrypt bool
}

func (o Options) withDefaults() Options {
	if o.Keyring == nil {
		o.Keyring = OSKeyring{}
	}
	if o.Prompt == nil {
		o.Prompt = func(context.Context, string) (string, error) { return "", ErrPassphraseNeeded }
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

func (o Options) scrypt() (n, p int) {
	if o.LightScrypt {
		return keystore.LightScryptN, keystore.LightScryptP
	}
	return keystore.StandardScryptN, keystore.StandardScryptP
}

// Wallet is one key in a directory. Its methods are safe for concurrent use.
type Wallet struct {
	dir  string
	opts Options
	addr common.Address

	mu       sync.Mutex // guards settings and history files
	settings settings
}

type settings struct {
	Address string `json:"address"`
	Payout  string `json:"payout_address,omitempty"`
	// PassphraseInKeyring records whether the passphrase was stored in the
	// OS keyring (it is never stored here).
	PassphraseInKeyring bool `json:"passphrase_in_keyring"`
}

// Open opens the wallet in dir; ErrNoWallet if there is none.
func Open(dir string, opts Options) (*Wallet, error) {
	opts = opts.withDefaults()
	raw, err := os.ReadFile(filepath.Join(dir, KeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open wallet in %s: %w", dir, ErrNoWallet)
	}
	if err != nil {
		return nil, fmt.Errorf("open wallet: %w", err)
	}
	addr, err := keyFileAddress(raw)
	if err != nil {
		return nil, fmt.Errorf("open wallet: %s: %w", filepath.Join(dir, KeyFile), err)
	}
	w := &Wallet{dir: dir, opts: opts, addr: addr}
	if b, err := os.ReadFile(filepath.Join(dir, SettingsFile)); err == nil {
		if err := json.Unmarshal(b, &w.settings); err != nil {
			opts.Log.Warn("Wallet settings unreadable, using defaults", "err", err)
			w.settings = settings{}
		}
	}
	w.settings.Address = addr.Hex()
	if w.settings.Payout != "" && !common.IsHexAddress(w.settings.Payout) {
		opts.Log.Warn("Ignoring invalid payout address in wallet settings")
		w.settings.Payout = ""
	}
	return w, nil
}

// keyFileAddress reads the address a keystore file claims, checking the
// file's shape without decrypting it.
func keyFileAddress(raw []byte) (common.Address, error) {
	var kf struct {
		Address string          `json:"address"`
		Crypto  json.RawMessage `json:"crypto"`
		Version int             `json:"version"`
	}
	if err := json.Unmarshal(raw, &kf); err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadKeyFile, err)
	}
	if kf.Version != 3 || len(kf.Crypto) == 0 || !common.IsHexAddress(kf.Address) {
		return common.Address{}, fmt.Errorf("%w: missing version 3, crypto or address", ErrBadKeyFile)
	}
	return common.HexToAddress(kf.Address), nil
}

// Create makes a new key in dir. With an empty passphrase a random one is
// generated and kept in the keyring only (the owner never types it; export
// a backup to keep the key safe); with no usable keyring that fails with
// ErrNoKeyring and the caller must give a passphrase. A given passphrase is
// also stored in the keyring where one works.
func Create(ctx context.Context, dir string, passphrase string, opts Options) (*Wallet, error) {
	key, err := crypto.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("create wallet: %w", err)
	}
	defer zeroKey(key)
	w, err := install(ctx, dir, key, passphrase, opts)
	if err != nil {
		return nil, fmt.Errorf("create wallet: %w", err)
	}
	return w, nil
}

// ImportKey makes a wallet in dir from a hex private key (with or without
// 0x). Passphrase handling is as in Create.
func ImportKey(ctx context.Context, dir string, hexKey string, passphrase string, opts Options) (*Wallet, error) {
	b, err := decodeHexKey(hexKey)
	if err != nil {
		return nil, fmt.Errorf("import key: %w", err)
	}
	key, err := crypto.ToECDSA(b)
	clear(b)
	if err != nil {
		return nil, fmt.Errorf("import key: %w", ErrBadKey)
	}
	defer zeroKey(key)
	w, err := install(ctx, dir, key, passphrase, opts)
	if err != nil {
		return nil, fmt.Errorf("import key: %w", err)
	}
	return w, nil
}

func decodeHexKey(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "0x")
	if len(s) != 64 {
		return nil, fmt.Errorf("%w: want 64 hex digits", ErrBadKey)
	}
	b := make([]byte, 32)
	for i := 0; i < 32; i++ {
		hi, ok1 := unhex(s[2*i])
		lo, ok2 := unhex(s[2*i+1])
		if !ok1 || !ok2 {
			clear(b)
			return nil, fmt.Errorf("%w: not hex", ErrBadKey)
		}
		b[i] = hi<<4 | lo
	}
	return b, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// ImportKeyFile makes a wallet in dir from a keystore file (another
// wallet's or a backup) encrypted with filePassphrase. The key is
// re-encrypted with passphrase, handled as in Create.
func ImportKeyFile(ctx context.Context, dir, path, filePassphrase, passphrase string, opts Options) (*Wallet, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("import key file: %w", err)
	}
	k, err := decryptKeyFile(raw, filePassphrase)
	if err != nil {
		return nil, fmt.Errorf("import key file %s: %w", path, err)
	}
	defer zeroKey(k.PrivateKey)
	w, err := install(ctx, dir, k.PrivateKey, passphrase, opts)
	if err != nil {
		return nil, fmt.Errorf("import key file: %w", err)
	}
	return w, nil
}

func decryptKeyFile(raw []byte, passphrase string) (*keystore.Key, error) {
	if _, err := keyFileAddress(raw); err != nil {
		return nil, err
	}
	k, err := keystore.DecryptKey(raw, passphrase)
	if errors.Is(err, keystore.ErrDecrypt) {
		return nil, ErrWrongPassphrase
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKeyFile, err)
	}
	return k, nil
}

// install writes key to dir encrypted with passphrase (or a generated one),
// refusing to overwrite a wallet.
func install(ctx context.Context, dir string, key *ecdsa.PrivateKey, passphrase string, opts Options) (*Wallet, error) {
	opts = opts.withDefaults()
	keyPath := filepath.Join(dir, KeyFile)
	if _, err := os.Stat(keyPath); err == nil {
		return nil, fmt.Errorf("%s: %w", keyPath, ErrExists)
	}
	addr := crypto.PubkeyToAddress(key.PublicKey)
	generated := passphrase == ""
	if generated {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		passphrase = base64.RawURLEncoding.EncodeToString(b[:])
		clear(b[:])
	}
	inKeyring := false
	if err := opts.Keyring.Set(KeyringService, strings.ToLower(addr.Hex()), passphrase); err != nil {
		if generated {
			return nil, fmt.Errorf("%w; choose a passphrase instead", err)
		}
		opts.Log.Warn("Passphrase not stored in the OS keyring; it will be asked for", "err", err)
	} else {
		inKeyring = true
	}
	n, p := opts.scrypt()
	id, err := uuid.NewRandom()
	if err != nil {
		return nil, err
	}
	enc, err := keystore.EncryptKey(&keystore.Key{Id: id, Address: addr, PrivateKey: key}, passphrase, n, p)
	if err != nil {
		return nil, fmt.Errorf("encrypt key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := writeFileExclusive(keyPath, enc); err != nil {
		return nil, err
	}
	w := &Wallet{dir: dir, opts: opts, addr: addr,
		settings: settings{Address: addr.Hex(), PassphraseInKeyring: inKeyring}}
	if err := w.saveSettings(); err != nil {
		return nil, err
	}
	opts.Log.Info("Wallet key stored", "address", addr.Hex(), "passphraseInKeyring", inKeyring)
	return w, nil
}

// writeFileExclusive creates path with mode 0600, failing if it exists,
// and syncs it.
func writeFileExclusive(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w", path, ErrExists)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// writeFileAtomic replaces path through a synced temporary file.
func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	return atomicfile.Write(path, b, mode)
}

func (w *Wallet) saveSettings() error {
	b, err := json.MarshalIndent(w.settings, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(w.dir, SettingsFile), append(b, '\n'), 0o600)
}

// Address is the wallet's account (used to sign in to the coordinator).
func (w *Wallet) Address() common.Address { return w.addr }

// Dir is the wallet directory.
func (w *Wallet) Dir() string { return w.dir }

// readSettingsFile reads dir's wallet.json; an unreadable or missing file
// gives the zero settings and false.
func readSettingsFile(dir string) (settings, bool) {
	var s settings
	b, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if err != nil || json.Unmarshal(b, &s) != nil {
		return settings{}, false
	}
	if s.Payout != "" && !common.IsHexAddress(s.Payout) {
		s.Payout = ""
	}
	return s, true
}

// reload picks up wallet.json as another process (the CLI, the node's
// settings) left it; the caller holds mu.
func (w *Wallet) reload() {
	if s, ok := readSettingsFile(w.dir); ok {
		w.settings.Payout, w.settings.PassphraseInKeyring = s.Payout, s.PassphraseInKeyring
	}
}

// ReadPayout reads the payout address of the wallet in dir without opening
// its key file: ErrNoWallet if dir holds no wallet, the zero address if it
// has no payout address.
func ReadPayout(dir string) (common.Address, error) {
	if _, err := os.Stat(filepath.Join(dir, KeyFile)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return common.Address{}, fmt.Errorf("read payout address in %s: %w", dir, ErrNoWallet)
		}
		return common.Address{}, fmt.Errorf("read payout address: %w", err)
	}
	s, _ := readSettingsFile(dir)
	if s.Payout == "" {
		return common.Address{}, nil
	}
	return common.HexToAddress(s.Payout), nil
}

// Payout is the receive-only address rewards are claimed to, or the zero
// address when they go to Address. It is read from wallet.json each time,
// so a change made elsewhere (`idlenode wallet address --set-payout`, the
// node's settings) applies to the next claim of a running node.
func (w *Wallet) Payout() common.Address {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reload()
	if w.settings.Payout == "" {
		return common.Address{}
	}
	return common.HexToAddress(w.settings.Payout)
}

// SetPayout sets the receive-only payout address; the zero address clears it.
func (w *Wallet) SetPayout(a common.Address) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reload()
	old := w.settings.Payout
	if a == (common.Address{}) {
		w.settings.Payout = ""
	} else {
		w.settings.Payout = a.Hex()
	}
	if err := w.saveSettings(); err != nil {
		w.settings.Payout = old
		return fmt.Errorf("set payout address: %w", err)
	}
	return nil
}

// passphrase finds the keystore passphrase: the keyring first, then the
// prompt, saying why the keyring did not answer.
func (w *Wallet) passphrase(ctx context.Context) (string, error) {
	p, err := w.opts.Keyring.Get(KeyringService, strings.ToLower(w.addr.Hex()))
	if err == nil {
		return p, nil
	}
	reason := "the OS keyring holds no passphrase for this wallet"
	if errors.Is(err, ErrNoKeyring) {
		reason = err.Error()
	}
	p, perr := w.opts.Prompt(ctx, reason)
	if perr != nil {
		if errors.Is(perr, ErrPassphraseNeeded) {
			return "", fmt.Errorf("%w: %s", ErrPassphraseNeeded, reason)
		}
		return "", perr
	}
	return p, nil
}

// withKey decrypts the key, runs f and zeroes the key.
func (w *Wallet) withKey(ctx context.Context, f func(*ecdsa.PrivateKey) error) error {
	raw, err := os.ReadFile(filepath.Join(w.dir, KeyFile))
	if err != nil {
		return fmt.Errorf("read key file: %w", err)
	}
	pass, err := w.passphrase(ctx)
	if err != nil {
		return err
	}
	k, err := decryptKeyFile(raw, pass)
	if err != nil {
		return err
	}
	defer zeroKey(k.PrivateKey)
	if k.Address != w.addr {
		return fmt.Errorf("%w: key file address changed", ErrBadKeyFile)
	}
	return f(k.PrivateKey)
}

// CheckPassphrase decrypts the key once (to confirm a typed passphrase).
func (w *Wallet) CheckPassphrase(ctx context.Context) error {
	return w.withKey(ctx, func(*ecdsa.PrivateKey) error { return nil })
}

// VerifyPassphrase checks that passphrase decrypts the key, without
// keeping or storing anything: ErrWrongPassphrase when it does not.
func (w *Wallet) VerifyPassphrase(passphrase string) error {
	raw, err := os.ReadFile(filepath.Join(w.dir, KeyFile))
	if err != nil {
		return fmt.Errorf("read key file: %w", err)
	}
	k, err := decryptKeyFile(raw, passphrase)
	if err != nil {
		return err
	}
	zeroKey(k.PrivateKey)
	if k.Address != w.addr {
		return fmt.Errorf("%w: key file address changed", ErrBadKeyFile)
	}
	return nil
}

// HasPassphraseInKeyring reports whether the OS keyring answers with a
// passphrase for this wallet (it is not checked against the key).
func (w *Wallet) HasPassphraseInKeyring() bool {
	_, err := w.opts.Keyring.Get(KeyringService, strings.ToLower(w.addr.Hex()))
	return err == nil
}

// RememberPassphrase stores passphrase in the keyring after checking that
// it decrypts the key.
func (w *Wallet) RememberPassphrase(passphrase string) error {
	if err := w.VerifyPassphrase(passphrase); err != nil {
		return fmt.Errorf("remember passphrase: %w", err)
	}
	if err := w.opts.Keyring.Set(KeyringService, strings.ToLower(w.addr.Hex()), passphrase); err != nil {
		return fmt.Errorf("remember passphrase: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reload()
	w.settings.PassphraseInKeyring = true
	return w.saveSettings()
}

// SignMessage signs msg with EIP-191 (personal_sign): the signature over
// keccak256("\x19Ethereum Signed Message:\n" + len + msg), 65 bytes with
// v in {27, 28}, as Sign-In with Ethereum expects.
func (w *Wallet) SignMessage(ctx context.Context, msg []byte) ([]byte, error) {
	var sig []byte
	err := w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		var err error
		sig, err = crypto.Sign(accounts.TextHash(msg), k)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sign message: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

// Export writes a backup of the key to path, encrypted with
// backupPassphrase (standard scrypt unless the wallet uses light scrypt),
// readable only by the owner. It refuses to overwrite path.
func (w *Wallet) Export(ctx context.Context, path, backupPassphrase string) error {
	if backupPassphrase == "" {
		return fmt.Errorf("export wallet: the backup needs a passphrase")
	}
	// Checked before the key is unlocked; the exclusive create below
	// still guards against a file appearing meanwhile.
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("export wallet: %w: %s is not overwritten; choose another file", ErrBackupExists, path)
	}
	err := w.withKey(ctx, func(k *ecdsa.PrivateKey) error {
		id, err := uuid.NewRandom()
		if err != nil {
			return err
		}
		n, p := w.opts.scrypt()
		enc, err := keystore.EncryptKey(&keystore.Key{Id: id, Address: w.addr, PrivateKey: k}, backupPassphrase, n, p)
		if err != nil {
			return err
		}
		return writeFileExclusive(path, enc)
	})
	if errors.Is(err, ErrExists) {
		return fmt.Errorf("export wallet: %w: %s is not overwritten; choose another file", ErrBackupExists, path)
	}
	if err != nil {
		return fmt.Errorf("export wallet: %w", err)
	}
	return nil
}

// TestRestore checks that the backup at path decrypts with passphrase to
// this wallet's key, without installing it anywhere.
func (w *Wallet) TestRestore(path, passphrase string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("test backup: %w", err)
	}
	k, err := decryptKeyFile(raw, passphrase)
	if err != nil {
		return fmt.Errorf("test backup %s: %w", path, err)
	}
	defer zeroKey(k.PrivateKey)
	if got := crypto.PubkeyToAddress(k.PrivateKey.PublicKey); got != w.addr {
		return fmt.Errorf("test backup: %w: %s", ErrBackupMismatch, got.Hex())
	}
	return nil
}

// zeroKey overwrites the private scalar in place.
func zeroKey(k *ecdsa.PrivateKey) {
	if k == nil || k.D == nil {
		return
	}
	b := k.D.Bits()
	clear(b)
}
