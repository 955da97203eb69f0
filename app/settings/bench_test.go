package settings

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/idlenode/idlenode/wallet"
)

// BenchmarkStoreGet: the core reads the settings on every decision, ten
// times a second while jobs run.
func BenchmarkStoreGet(b *testing.B) {
	dir := b.TempDir()
	if _, err := wallet.Create(context.Background(), filepath.Join(dir, "wallet"), "correct horse battery", wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true}); err != nil {
		b.Fatal(err)
	}
	st, err := Open(filepath.Join(dir, "settings.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = st.Get()
	}
}
