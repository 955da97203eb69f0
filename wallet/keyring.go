package wallet

import (
	"errors"
	"fmt"
	"sync"

	"github.com/zalando/go-keyring"
)

// Keyring keeps the keystore passphrase outside the wallet directory. Get
// returns ErrNotInKeyring when nothing is stored and an error wrapping
// ErrNoKeyring when no usable keyring service runs (no session bus, no
// Secret Service, a locked collection); the message says why.
// Implementations are safe for concurrent use.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

var (
	// ErrNoKeyring means the OS keyring cannot be used; ask the owner for
	// the passphrase instead.
	ErrNoKeyring = errors.New("no usable OS keyring")
	// ErrNotInKeyring means the keyring works but holds no passphrase for
	// this wallet.
	ErrNotInKeyring = errors.New("passphrase not in the OS keyring")
)

// OSKeyring is the desktop's keyring: Secret Service (GNOME Keyring,
// KWallet) on Linux, Keychain on macOS, Credential Manager on Windows.
type OSKeyring struct{}

var _ Keyring = OSKeyring{}

func classifyKeyring(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotInKeyring
	}
	// Anything else means the service is missing, unreachable or locked:
	// "dial unix ...: no such file or directory", "The name
	// org.freedesktop.secrets was not provided by any .service files",
	// "failed to unlock correct collection ...". None of it is secret.
	return fmt.Errorf("%w: %v", ErrNoKeyring, err)
}

// Get implements Keyring.
func (OSKeyring) Get(service, user string) (string, error) {
	s, err := keyring.Get(service, user)
	return s, classifyKeyring(err)
}

// Set implements Keyring.
func (OSKeyring) Set(service, user, secret string) error {
	return classifyKeyring(keyring.Set(service, user, secret))
}

// Delete implements Keyring.
func (OSKeyring) Delete(service, user string) error {
	return classifyKeyring(keyring.Delete(service, user))
}

// MemKeyring is an in-memory Keyring for tests. Unavailable makes every
// call fail with ErrNoKeyring, as on a machine without a keyring service.
type MemKeyring struct {
	mu          sync.Mutex
	m           map[string]string
	Unavailable bool
}

var _ Keyring = (*MemKeyring)(nil)

// Get implements Keyring.
func (k *MemKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Unavailable {
		return "", fmt.Errorf("%w: in-memory keyring switched off", ErrNoKeyring)
	}
	s, ok := k.m[service+"\x00"+user]
	if !ok {
		return "", ErrNotInKeyring
	}
	return s, nil
}

// Set implements Keyring.
func (k *MemKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Unavailable {
		return fmt.Errorf("%w: in-memory keyring switched off", ErrNoKeyring)
	}
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"\x00"+user] = secret
	return nil
}

// Delete implements Keyring.
func (k *MemKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.Unavailable {
		return fmt.Errorf("%w: in-memory keyring switched off", ErrNoKeyring)
	}
	if _, ok := k.m[service+"\x00"+user]; !ok {
		return ErrNotInKeyring
	}
	delete(k.m, service+"\x00"+user)
	return nil
}
