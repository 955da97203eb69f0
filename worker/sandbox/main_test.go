package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TestMain lets the test binary play the sandbox child: Runner's default
// command is this executable plus "sandbox child", as in the real binary.
func TestMain(m *testing.M) {
	if len(os.Args) >= 3 && os.Args[1] == "sandbox" && os.Args[2] == "child" {
		os.Exit(Main(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	}
	dir, err := os.MkdirTemp("", "sandbox-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testDir holds what the tests share: built guests and a compile cache.
var testDir string

var guests sync.Map // name -> *guestBuild

type guestBuild struct {
	once sync.Once
	path string
	err  error
}

// buildGuest builds testdata/guests/NAME for wasip1 once per test run.
func buildGuest(tb testing.TB, name string) string {
	tb.Helper()
	v, _ := guests.LoadOrStore(name, &guestBuild{})
	g := v.(*guestBuild)
	g.once.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			g.err = fmt.Errorf("no go tool to build the guest: %w", err)
			return
		}
		g.path = filepath.Join(testDir, name+".wasm")
		cmd := exec.Command(gobin, "build", "-o", g.path, "./testdata/guests/"+name)
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			g.err = fmt.Errorf("build guest %s: %v\n%s", name, err, out)
		}
	})
	if g.err != nil {
		tb.Fatal(g.err)
	}
	return g.path
}

// testRunner runs children from this test binary with a shared cache.
func testRunner() *Runner {
	return &Runner{CacheDir: filepath.Join(testDir, "cache")}
}
