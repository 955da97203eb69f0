package sandbox

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestCacheRoundTripAndTamper(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	c, err := openCache(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	name := cacheKey([]byte("\x00asm module"), "engine-1")
	if name == cacheKey([]byte("\x00asm module"), "engine-2") {
		t.Fatal("cache key ignores the engine")
	}
	if _, ok, err := c.load(name); ok || err != nil {
		t.Fatalf("empty cache: ok=%v err=%v", ok, err)
	}
	artifact := bytes.Repeat([]byte("native code "), 100)
	if err := c.store(name, artifact); err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.load(name)
	if err != nil || !ok || !bytes.Equal(got, artifact) {
		t.Fatalf("load after store: ok=%v err=%v equal=%v", ok, err, bytes.Equal(got, artifact))
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, c.path(name): 0o600, filepath.Join(dir, "cache.key"): 0o600} {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
			}
		}
	}

	tampers := map[string]func([]byte) []byte{
		"flipped code": func(b []byte) []byte { b[len(b)-1] ^= 1; return b },
		"flipped mac":  func(b []byte) []byte { b[len(cacheMagic)] ^= 1; return b },
		"truncated":    func(b []byte) []byte { return b[:len(cacheMagic)+10] },
		"other magic":  func(b []byte) []byte { b[0] = 'X'; return b },
		"empty":        func(b []byte) []byte { return nil },
	}
	for what, tamper := range tampers {
		t.Run(what, func(t *testing.T) {
			if err := c.store(name, artifact); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(c.path(name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.path(name), tamper(b), 0o600); err != nil {
				t.Fatal(err)
			}
			got, ok, err := c.load(name)
			if ok || got != nil || !errors.Is(err, ErrCacheTampered) {
				t.Fatalf("tampered entry: ok=%v err=%v", ok, err)
			}
			if _, err := os.Stat(c.path(name)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("tampered entry not removed: %v", err)
			}
		})
	}

	// An entry made under another key (e.g. copied from elsewhere) fails.
	other, err := openCache(filepath.Join(t.TempDir(), "other"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := other.store(name, artifact); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(other.path(name))
	if err := os.WriteFile(c.path(name), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.load(name); ok || !errors.Is(err, ErrCacheTampered) {
		t.Errorf("foreign entry: ok=%v err=%v", ok, err)
	}
}

func TestCacheTightensLooseFolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix modes")
	}
	dir := filepath.Join(t.TempDir(), "c")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := openCache(dir, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v, want 0700", fi.Mode().Perm())
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if _, err := openCache(link, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("a symlinked cache folder was accepted")
	}
}

func TestSpecValidateAndKinds(t *testing.T) {
	bad := []Spec{
		{},
		{ModulePath: "m.wasm", MemoryMB: 5000},
		{ModulePath: "m.wasm", Timeout: -1},
		{ModulePath: "m.wasm", MaxOutputMB: -1},
		{ModulePath: "m.wasm", ScratchMB: -1},
	}
	for _, s := range bad {
		if err := s.Validate(); !errors.Is(err, ErrInvalidSpec) {
			t.Errorf("%+v: %v, want ErrInvalidSpec", s, err)
		}
	}
	if err := (Spec{ModulePath: "m.wasm"}).Validate(); err != nil {
		t.Errorf("minimal spec: %v", err)
	}
	seen := map[int]FailureKind{}
	for k := KindNone; k <= KindCrash; k++ {
		if prev, dup := seen[k.ExitCode()]; dup {
			t.Errorf("%v and %v share exit code %d", prev, k, k.ExitCode())
		}
		seen[k.ExitCode()] = k
		if k.ExitCode() == 2 {
			t.Errorf("%v uses the usage exit code", k)
		}
	}
	if KindTime.String() != "time" || KindTime.ExitCode() != 11 || FailureKind(99).String() != "kind(99)" {
		t.Error("kind names or codes changed")
	}
	if (Result{}).Err() != nil || (Result{Kind: KindTrap, Message: "trap: unreachable"}).Err().Error() != "trap: unreachable" {
		t.Error("Result.Err")
	}
}
