package sandbox

import (
	"bytes"
	"encoding/binary"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
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
	if e, err := c.load(name); e != nil || err != nil {
		t.Fatalf("empty cache: hit=%v err=%v", e != nil, err)
	}
	artifact := bytes.Repeat([]byte("native code "), 300_000) // several MAC chunks
	if err := c.store(name, artifact); err != nil {
		t.Fatal(err)
	}
	e, err := c.load(name)
	if err != nil || e == nil {
		t.Fatalf("load after store: hit=%v err=%v", e != nil, err)
	}
	if !bytes.Equal(e.data, artifact) {
		t.Error("loaded bytes differ")
	}
	if e.path != "" {
		if b, err := os.ReadFile(e.path); err != nil || !bytes.Equal(b, artifact) {
			t.Errorf("descriptor path %s: %v, equal=%v", e.path, err, bytes.Equal(b, artifact))
		}
	}
	e.release()
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, c.path(name): 0o600, c.macPath(name): 0o600, filepath.Join(dir, "cache.key"): 0o600} {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
			}
		}
	}

	type tamper struct {
		macFile bool
		f       func([]byte) []byte
	}
	tampers := map[string]tamper{
		"flipped code":   {false, func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		"flipped chunk":  {false, func(b []byte) []byte { b[len(b)/2] ^= 1; return b }},
		"truncated code": {false, func(b []byte) []byte { return b[:len(b)-1] }},
		"empty code":     {false, func(b []byte) []byte { return nil }},
		"flipped mac":    {true, func(b []byte) []byte { b[len(b)-1] ^= 1; return b }},
		"other magic":    {true, func(b []byte) []byte { b[0] = 'X'; return b }},
		"short mac":      {true, func(b []byte) []byte { return b[:len(b)-1] }},
	}
	for what, tm := range tampers {
		t.Run(what, func(t *testing.T) {
			if err := c.store(name, artifact); err != nil {
				t.Fatal(err)
			}
			path := c.path(name)
			if tm.macFile {
				path = c.macPath(name)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tm.f(b), 0o600); err != nil {
				t.Fatal(err)
			}
			e, err := c.load(name)
			if e != nil || !errors.Is(err, ErrCacheTampered) {
				t.Fatalf("tampered entry: hit=%v err=%v", e != nil, err)
			}
			for _, p := range []string{c.path(name), c.macPath(name)} {
				if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("tampered entry not removed: %s: %v", p, err)
				}
			}
		})
	}
	// An artifact without its MAC is a miss, not a hit.
	if err := c.store(name, artifact); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(c.macPath(name)); err != nil {
		t.Fatal(err)
	}
	if e, err := c.load(name); e != nil || err != nil {
		t.Errorf("artifact without MAC: hit=%v err=%v", e != nil, err)
	}

	// An entry made under another key (e.g. copied from elsewhere) fails.
	other, err := openCache(filepath.Join(t.TempDir(), "other"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := other.store(name, artifact); err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]string{{other.path(name), c.path(name)}, {other.macPath(name), c.macPath(name)}} {
		b, _ := os.ReadFile(p[0])
		if err := os.WriteFile(p[1], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if e, err := c.load(name); e != nil || !errors.Is(err, ErrCacheTampered) {
		t.Errorf("foreign entry: hit=%v err=%v", e != nil, err)
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
		{ModulePath: "m.wasm", Args: []string{"ok", "a\x00b"}},
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

// FuzzPollOneoff feeds poll_oneoff arbitrary guest memory and arguments:
// it must answer with an errno, never panic, and never write outside the
// memory it was given.
func FuzzPollOneoff(f *testing.F) {
	sleep := make([]byte, 256)
	sleep[8] = 0                                   // clock
	binary.LittleEndian.PutUint64(sleep[24:], 5e6) // 5 ms
	f.Add(sleep, int32(0), int32(64), int32(1), int32(128))
	fd := make([]byte, 256)
	fd[8] = 1
	f.Add(fd, int32(0), int32(100), int32(1), int32(200))
	f.Add([]byte{}, int32(-1), int32(-1), int32(-5), int32(1<<30))
	f.Fuzz(func(t *testing.T, mem []byte, in, out, nsubs, nevents int32) {
		if nsubs > 1<<12 {
			nsubs = 1 << 12 // bounded by len(mem) anyway; keep the fuzzer fast
		}
		var clocks [4]uint64
		before := clocks
		errno := pollOneoff(mem, &clocks, in, out, nsubs, nevents)
		if errno != errnoSuccess && errno != errnoFault && errno != errnoInval {
			t.Fatalf("errno %d", errno)
		}
		if errno != errnoSuccess && clocks != before {
			t.Fatal("a failed poll moved the clocks")
		}
	})
}

// TestCacheKeyRace: caches opened at once on one folder agree on the key,
// so no one's entries look tampered to the others.
func TestCacheKeyRace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	const n = 8
	caches := make([]*cache, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range caches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			caches[i], errs[i] = openCache(dir, slog.New(slog.DiscardHandler))
		}()
	}
	wg.Wait()
	for i := range caches {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(caches[i].key, caches[0].key) {
			t.Fatalf("cache %d has another key", i)
		}
	}
}
