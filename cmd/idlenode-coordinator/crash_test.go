package main

import (
	"context"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/idlenode/idlenode/coordinator/sim"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// TestMain lets the test binary act as the coordinator binary: the crash
// tests start it again as a child process running main's realMain, so
// they need no separate build of this (large) program.
func TestMain(m *testing.M) {
	if os.Getenv("IDLENODE_COORDINATOR_CHILD") == "1" {
		os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// selfCommand runs this test binary as idlenode-coordinator.
func selfCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "IDLENODE_COORDINATOR_CHILD=1")
	return cmd
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startProc(t *testing.T, addr, dir string) *exec.Cmd {
	t.Helper()
	cmd := selfCommand("serve", "--listen", addr, "--data", dir, "--lease-ttl", "2s", "--log-level", "error", "--rate-limit", "5000")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatal("coordinator did not come up")
	return nil
}

// TestCrashRestart SIGKILLs the real coordinator process mid-run and
// restarts it on the same database: every acknowledged job and credit
// survives, every job ends validated, and nothing is credited twice.
func TestCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the coordinator as a child process for about 10 s")
	}
	dir, addr := t.TempDir(), freeAddr(t)
	url := "http://" + addr
	proc := startProc(t, addr, dir)
	defer func() { _ = proc.Process.Kill() }()
	if n, err := protocol.LoadNetwork(context.Background(), filepath.Join(dir, "network.json")); err != nil || n.CoordinatorURL != url {
		t.Fatalf("network.json: %+v %v", n, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	newC := func() *client.Client {
		sg, _ := client.GenerateKeySigner()
		c, _ := client.New(url, sg)
		return c
	}
	req := newC()
	const jobs = 120
	ids, err := sim.SubmitMany(ctx, req, jobs, "1000", 2)
	if err != nil || len(ids) != jobs {
		t.Fatalf("submit: %d ids, %v", len(ids), err)
	}
	var nodes []*sim.Node
	nctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range 8 {
		n := &sim.Node{Client: newC(), Max: 2, Behavior: sim.Slow, Delay: 20 * time.Millisecond}
		nodes = append(nodes, n)
		wg.Go(func() { _ = n.Run(nctx) })
	}
	defer func() { stop(); wg.Wait() }()

	// Watch acknowledged credits until about a third of the jobs are done.
	seen := map[string]*big.Int{}
	watch := func() int {
		credited := 0
		for _, n := range nodes {
			e, err := req.Earnings(ctx, n.Client.Address())
			if err != nil {
				continue
			}
			v, _ := new(big.Int).SetString(e.Total, 10)
			seen[n.Client.Address().Hex()] = v
			credited += len(e.Jobs)
		}
		return credited
	}
	for watch() < jobs/2 {
		if ctx.Err() != nil {
			t.Fatal("no progress before the crash")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = proc.Wait()
	t.Logf("killed with %d credited replicas observed", func() (n int) {
		for _, v := range seen {
			n += int(new(big.Int).Quo(v, big.NewInt(1000)).Int64())
		}
		return
	}())
	time.Sleep(300 * time.Millisecond) // nodes see a dead coordinator
	proc = startProc(t, addr, dir)

	// Everything acknowledged is there.
	for _, n := range nodes {
		e, err := req.Earnings(ctx, n.Client.Address())
		if err != nil {
			t.Fatal(err)
		}
		v, _ := new(big.Int).SetString(e.Total, 10)
		if v.Cmp(seen[n.Client.Address().Hex()]) < 0 {
			t.Fatalf("node %s had %s before the crash, %s after", n.Client.Address().Hex(), seen[n.Client.Address().Hex()], v)
		}
	}
	sts, err := client.WaitJobs(ctx, req, ids, 100*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	wg.Wait()
	perJob := map[string]int{}
	pairs := map[string]bool{}
	for _, n := range nodes {
		e, err := req.Earnings(ctx, n.Client.Address())
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range e.Jobs {
			k := n.Client.Address().Hex() + j.JobID
			if pairs[k] || j.Amount != "1000" {
				t.Fatalf("double or wrong credit: %+v", j)
			}
			pairs[k] = true
			perJob[j.JobID]++
		}
	}
	for _, st := range sts {
		if st.State != protocol.JobDone {
			t.Fatalf("job %s %s: %s", st.ID, st.State, st.Error)
		}
		if c := perJob[st.ID]; c < st.Target/2+1 || c > st.Results {
			t.Fatalf("job %s credited %d times with target %d and %d results", st.ID, c, st.Target, st.Results)
		}
	}
	// Graceful shutdown on SIGTERM.
	if err := proc.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- proc.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no exit 15 s after SIGTERM")
	}
}

// TestDemoEarns starts `serve --demo` and one node that runs each tile as
// a native child process of the tile program: the node earns within a
// minute of joining.
func TestDemoEarns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tile program and its wasm module")
	}
	tile := filepath.Join(t.TempDir(), "tile")
	if msg, err := exec.Command("go", "build", "-o", tile, "../../examples/mandelbrot/tile").CombinedOutput(); err != nil {
		t.Fatalf("build tile: %v %s", err, msg)
	}
	dir, addr := t.TempDir(), freeAddr(t)
	cmd := selfCommand("serve", "--listen", addr, "--data", dir, "--demo", "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	n, err := protocol.LoadNetwork(ctx, filepath.Join(dir, "network.json"))
	for err != nil && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
		n, err = protocol.LoadNetwork(ctx, filepath.Join(dir, "network.json"))
	}
	if err != nil {
		t.Fatal(err)
	}
	var nodes []*sim.Node
	var wg sync.WaitGroup
	nctx, stop := context.WithCancel(ctx)
	defer func() { stop(); wg.Wait() }()
	for range 2 { // two nodes: demo jobs want two replicas
		sg, _ := client.GenerateKeySigner()
		c, _ := client.New(n.CoordinatorURL, sg)
		node := &sim.Node{Client: c, Max: 2, Run1: func(ctx context.Context, s protocol.JobSpec) ([]byte, error) {
			return exec.CommandContext(ctx, tile, s.Args...).Output()
		}}
		nodes = append(nodes, node)
		wg.Go(func() { _ = node.Run(nctx) })
	}
	start := time.Now()
	for {
		e, err := nodes[0].Client.Earnings(ctx, nodes[0].Client.Address())
		if err == nil && e.Total != "0" {
			t.Logf("first credit after %s: %s", time.Since(start).Round(time.Millisecond), e.Total)
			return
		}
		if ctx.Err() != nil {
			t.Fatal("node earned nothing within a minute")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
