package main

import (
	"bytes"
	"context"
	"image/png"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/coordinator/sim"
	"github.com/idlenode/idlenode/coordinator/store/sqlite"
	"github.com/idlenode/idlenode/internal/buildinfo"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

func startCoordinator(t *testing.T) (url, dir string) {
	t.Helper()
	dir = t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv, err := coordinator.New(coordinator.Config{Store: st, DataDir: dir, PublicURL: "http://" + ln.Addr().String(),
		Logger: slog.New(slog.DiscardHandler), RateLimit: 1e4, RateBurst: 1e4})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	if err := coordinator.WriteNetwork(dir, protocol.Network{Name: "test", CoordinatorURL: ts.URL}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.Close(); st.Close() })
	return ts.URL, dir
}

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := realMain(args, &out, &errb)
	return code, out.String(), errb.String()
}

// runNodes starts simulated nodes until the test ends.
func runNodes(t *testing.T, url string, n int, work func(*sim.Node)) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range n {
		sg, _ := client.GenerateKeySigner()
		c, _ := client.New(url, sg)
		node := &sim.Node{Client: c, Max: 4}
		if work != nil {
			work(node)
		}
		wg.Go(func() { _ = node.Run(ctx) })
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
}

func TestSubmitWaitResult(t *testing.T) {
	url, dir := startCoordinator(t)
	runNodes(t, url, 3, nil)
	mod := filepath.Join(t.TempDir(), "m.wasm")
	_ = os.WriteFile(mod, []byte("\x00asm\x01\x00\x00\x00"), 0o600)
	net := filepath.Join(dir, "network.json")
	code, out, errs := run(t, "--network", net, "submit", "--module", mod, "--seed", "7", "--", "a", "b")
	if code != 0 {
		t.Fatalf("submit: %d %s", code, errs)
	}
	if !strings.Contains(errs, "ephemeral key") {
		t.Errorf("no notice of the ephemeral key: %q", errs)
	}
	id := strings.TrimSpace(out)
	if code, out, errs = run(t, "--network", net, "wait", "--timeout", "30s", "--poll", "50ms", id); code != 0 || !strings.Contains(out, "done") {
		t.Fatalf("wait: %d %q %q", code, out, errs)
	}
	res := filepath.Join(t.TempDir(), "out.bin")
	if code, _, errs = run(t, "--coordinator", url, "result", id, "-o", res); code != 0 {
		t.Fatalf("result: %d %s", code, errs)
	}
	got, _ := os.ReadFile(res)
	c, _ := client.New(url, nil)
	st, _ := c.Job(context.Background(), id)
	if !bytes.Equal(got, sim.Output(st.Spec)) || st.Spec.Seed != 7 || strings.Join(st.Spec.Args, " ") != "a b" {
		t.Fatalf("result %q for spec %+v", got, st.Spec)
	}
	if code, out, _ = run(t, "--coordinator", url, "status", id); code != 0 || !strings.Contains(out, id+"\tdone") {
		t.Fatalf("status: %d %q", code, out)
	}
	// A manifest of three jobs, with a key file.
	key := filepath.Join(t.TempDir(), "key")
	_ = os.WriteFile(key, []byte("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318\n"), 0o600)
	man := filepath.Join(filepath.Dir(mod), "jobs.json")
	_ = os.WriteFile(man, []byte(`[{"module":"m.wasm","args":["1"]},{"module":"m.wasm","args":["2"],"replicas":1},{"module":"m.wasm","reward":"5"}]`), 0o600)
	code, out, errs = run(t, "--coordinator", url, "--key-file", key, "submit", "--manifest", man)
	if ids := strings.Fields(out); code != 0 || len(ids) != 3 || strings.Contains(errs, "ephemeral") {
		t.Fatalf("manifest submit: %d %q %q", code, out, errs)
	}
	// Modules no node would run and misspelt manifests are refused before
	// anything is uploaded.
	dir2 := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir2, "text.wasm"), []byte("hello, not wasm"), 0o600)
	_ = os.WriteFile(filepath.Join(dir2, "empty.wasm"), nil, 0o600)
	_ = os.WriteFile(filepath.Join(dir2, "cut.wasm"), []byte("\x00asm\x01\x00\x00\x00\x01\x05\x01\x60"), 0o600)
	_ = os.WriteFile(filepath.Join(dir2, "typo.json"), []byte(`[{"module":"`+mod+`","replics":1}]`), 0o600)
	for file, want := range map[string]string{
		"text.wasm":  "not a WebAssembly module",
		"empty.wasm": "not a WebAssembly module",
		"cut.wasm":   "nodes would refuse this module",
		"typo.json":  `unknown field "replics"`,
	} {
		flag := "--module"
		if strings.HasSuffix(file, ".json") {
			flag = "--manifest"
		}
		code, out, errs := run(t, "--coordinator", url, "submit", flag, filepath.Join(dir2, file))
		if code == 0 || out != "" || !strings.Contains(errs, want) {
			t.Errorf("submit %s: code %d out %q stderr %q, want %q", file, code, out, errs, want)
		}
	}
	// Errors: clear, never a panic, exit status 1 or 2.
	for _, args := range [][]string{
		{"--coordinator", url, "status"},
		{"--coordinator", url, "status", "nope"},
		{"--coordinator", url, "earnings", "0x12"},
		{"--coordinator", "http://127.0.0.1:1", "status", id},
		{"--coordinator", url, "--key-file", man, "submit", "--module", mod},
		{"--coordinator", url, "submit", "--module", mod, "--reward", "-1"},
		{"--coordinator", url, "mandelbrot", "--tiles", "7"},
		{"frobnicate"},
	} {
		code, _, errs := run(t, args...)
		if code == 0 || errs == "" || strings.Contains(errs, "panic") || strings.Contains(errs, "4c0883a6") {
			t.Errorf("%v: code %d stderr %q", args, code, errs)
		}
	}
}

// TestMandelbrot renders on the network: nodes run the tile program as a
// native child process for each assignment (the wasm engine is the node's
// business), idlectl splits, waits and assembles.
func TestMandelbrot(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "tile")
	if out, err := exec.Command("go", "build", "-o", bin, "../../examples/mandelbrot/tile").CombinedOutput(); err != nil {
		t.Fatalf("build tile: %v %s", err, out)
	}
	url, _ := startCoordinator(t)
	runNodes(t, url, 3, func(n *sim.Node) {
		n.Run1 = func(ctx context.Context, spec protocol.JobSpec) ([]byte, error) {
			return exec.CommandContext(ctx, bin, spec.Args...).Output()
		}
	})
	mod := filepath.Join(t.TempDir(), "tile.wasm")
	_ = os.WriteFile(mod, []byte("\x00asm\x01\x00\x00\x00 stand-in"), 0o600)
	png1 := filepath.Join(t.TempDir(), "m.png")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = ctx
	code, out, errs := run(t, "--coordinator", url, "mandelbrot", "--size", "128", "--tiles", "16", "--module", mod, "-o", png1)
	if code != 0 {
		t.Fatalf("mandelbrot: %d %q %q", code, out, errs)
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Dx() != 128 {
		t.Fatalf("png: %v %v", img, err)
	}
	if r, g, b, _ := img.At(82, 64).RGBA(); r+g+b != 0 {
		t.Fatal("centre of the cardioid is not black")
	}
}

// TestSubmitRewardRefused: a reward the coordinator refuses ends submit
// with the coordinator's reason, and no job.
func TestSubmitRewardRefused(t *testing.T) {
	_, dir := startCoordinator(t)
	mod := filepath.Join(t.TempDir(), "m.wasm")
	_ = os.WriteFile(mod, []byte("\x00asm\x01\x00\x00\x00"), 0o600)
	code, out, errs := run(t, "--network", filepath.Join(dir, "network.json"), "submit", "--module", mod,
		"--reward", "99999999999999999999999999999999999999999")
	if code != 1 || out != "" || !strings.Contains(errs, "idlectl submit: the coordinator refused the jobs: jobs[0]: reward_per_replica 99999999999999999999999999999999999999999 is over this coordinator's maximum of 1000000000000000000 base units per replica") {
		t.Fatalf("submit: %d %q %q", code, out, errs)
	}
}

// TestFailedJob: a job whose module failed on every node settles with the
// failure line as its output; wait and status say it failed, wait exits 1,
// result writes the line and exits 1.
func TestFailedJob(t *testing.T) {
	url, _ := startCoordinator(t)
	runNodes(t, url, 1, func(n *sim.Node) {
		n.Run1 = func(ctx context.Context, spec protocol.JobSpec) ([]byte, error) {
			return protocol.FailureLine("trap: unreachable"), nil
		}
	})
	mod := filepath.Join(t.TempDir(), "m.wasm")
	_ = os.WriteFile(mod, []byte("\x00asm\x01\x00\x00\x00"), 0o600)
	// An output limit below the failure line's length: the line is still the result.
	code, out, errs := run(t, "--coordinator", url, "submit", "--module", mod, "--replicas", "1", "--output-limit", "10")
	if code != 0 {
		t.Fatalf("submit: %d %s", code, errs)
	}
	id := strings.TrimSpace(out)
	code, out, errs = run(t, "--coordinator", url, "wait", "--timeout", "30s", "--poll", "50ms", id)
	if code != 1 || !strings.Contains(out, id+"\tfailed: trap: unreachable\t") || !strings.Contains(errs, "1 of 1 jobs failed") {
		t.Fatalf("wait: %d %q %q", code, out, errs)
	}
	if code, out, errs = run(t, "--coordinator", url, "status", id); code != 0 || !strings.Contains(out, id+"\tfailed: trap: unreachable\t") {
		t.Fatalf("status: %d %q %q", code, out, errs)
	}
	line := string(protocol.FailureLine("trap: unreachable"))
	if code, out, errs = run(t, "--coordinator", url, "result", id, "-o", "-"); code != 1 || out != line ||
		errs != "idlectl result: job failed: trap: unreachable\n" {
		t.Fatalf("result -o -: %d %q %q", code, out, errs)
	}
	res := filepath.Join(t.TempDir(), "out.bin")
	if code, _, errs = run(t, "--coordinator", url, "result", id, "-o", res); code != 1 || !strings.Contains(errs, "job failed: trap: unreachable") {
		t.Fatalf("result -o FILE: %d %q", code, errs)
	}
	if got, _ := os.ReadFile(res); string(got) != line {
		t.Fatalf("result file %q", got)
	}
}

// TestTooFewNodesHint: on a one-node network, jobs that need two nodes'
// results never settle; wait and mandelbrot say so once.
func TestTooFewNodesHint(t *testing.T) {
	old := hintAfter
	hintAfter = 300 * time.Millisecond
	t.Cleanup(func() { hintAfter = old })
	url, _ := startCoordinator(t)
	runNodes(t, url, 1, nil)
	mod := filepath.Join(t.TempDir(), "m.wasm")
	_ = os.WriteFile(mod, []byte("\x00asm\x01\x00\x00\x00"), 0o600)
	code, out, errs := run(t, "--coordinator", url, "submit", "--module", mod)
	if code != 0 {
		t.Fatalf("submit: %d %s", code, errs)
	}
	id := strings.TrimSpace(out)
	hint := "waiting for more nodes: each job needs 2 nodes' results (replicas); a network with fewer nodes needs --replicas 1\n"
	code, out, errs = run(t, "--coordinator", url, "wait", "--timeout", "1500ms", "--poll", "50ms", id)
	if code != 1 || strings.Count(errs, hint) != 1 {
		t.Fatalf("wait: %d %q %q", code, out, errs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := cmdMandelbrot(ctx, &globals{coordinator: url, stderr: &stderr}, []string{"--size", "16", "--tiles", "4", "--module", mod,
		"-o", filepath.Join(t.TempDir(), "m.png")}, &stdout, &stderr)
	if err == nil || strings.Count(stderr.String(), strings.Replace(hint, "each job", "each tile", 1)) != 1 {
		t.Fatalf("mandelbrot: %v %q", err, stderr.String())
	}
}

// TestLocalChecksFirst: local mistakes (a missing file, an output folder
// that is not there, a bad grid) are reported before any network call;
// the coordinator here is unreachable, so reaching it would say so.
func TestLocalChecksFirst(t *testing.T) {
	dir := t.TempDir()
	mod := filepath.Join(dir, "m.wasm")
	_ = os.WriteFile(mod, []byte("\x00asm\x01\x00\x00\x00"), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "missing.json"), []byte(`[{"module":"m.wasm"},{"module":"m.wasm","input":"nope.bin"}]`), 0o600)
	notDir := filepath.Join(dir, "file")
	_ = os.WriteFile(notDir, nil, 0o600)
	const down = "http://127.0.0.1:1"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"submit", "--module", filepath.Join(dir, "nonexist.wasm")}, "nonexist.wasm: no such file"},
		{[]string{"submit", "--manifest", filepath.Join(dir, "missing.json")}, "nope.bin: no such file"},
		{[]string{"mandelbrot", "--size", "16", "--tiles", "4", "--module", mod, "-o", filepath.Join(dir, "nonexistent", "x.png")},
			"idlectl mandelbrot: output folder " + filepath.Join(dir, "nonexistent") + " does not exist\n"},
		{[]string{"mandelbrot", "--size", "16", "--tiles", "4", "--module", mod, "-o", filepath.Join(notDir, "x.png")}, "is not a folder"},
		{[]string{"mandelbrot", "--size", "16", "--tiles", "4", "--module", mod, "-o", dir}, "is a folder"},
		{[]string{"mandelbrot", "--tiles", "5"}, "idlectl mandelbrot: bad grid: 5 tiles"},
	} {
		code, out, errs := run(t, append([]string{"--coordinator", down}, c.args...)...)
		if code == 0 || out != "" || !strings.Contains(errs, c.want) || strings.Contains(errs, "ephemeral") ||
			strings.Contains(errs, "127.0.0.1:1") || strings.Contains(errs, "mandelbrot: mandelbrot") {
			t.Errorf("%v: code %d out %q stderr %q, want %q", c.args, code, out, errs, c.want)
		}
	}
}

// TestHelp: every verb's -h names its arguments and says what it does;
// no command is a usage error; --version and version print the build.
func TestHelp(t *testing.T) {
	for verb, want := range map[string]string{
		"submit":     "usage: idlectl [global flags] submit (--module FILE | --manifest FILE) [flags] [-- ARGS...]\n",
		"status":     "usage: idlectl [global flags] status ID...\n",
		"wait":       "usage: idlectl [global flags] wait [flags] ID...\n",
		"result":     "usage: idlectl [global flags] result ID -o FILE\n",
		"earnings":   "usage: idlectl [global flags] earnings [flags] ADDRESS\n",
		"mandelbrot": "usage: idlectl [global flags] mandelbrot [flags]\n",
		"version":    "usage: idlectl [global flags] version\n",
	} {
		code, out, errs := run(t, verb, "-h")
		lines := strings.Split(errs, "\n")
		if code != 0 || out != "" || !strings.HasPrefix(errs, want) || len(lines) < 3 || len(lines[2]) < 20 {
			t.Errorf("%s -h: %d %q %q", verb, code, out, errs)
		}
	}
	code, out, errs := run(t)
	if code != 2 || out != "" || !strings.Contains(errs, "usage: idlectl") {
		t.Errorf("no command: %d %q %q", code, out, errs)
	}
	if code, out, _ := run(t, "help"); code != 0 || !strings.Contains(out, "submit (--module FILE | --manifest FILE)") {
		t.Errorf("help: %d %q", code, out)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errs := run(t, args...)
		if code != 0 || out != buildinfo.String("idlectl")+"\n" || errs != "" {
			t.Errorf("%v: %d %q %q", args, code, out, errs)
		}
	}
}
