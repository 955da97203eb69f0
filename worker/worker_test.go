package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/coordinator/store/sqlite"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
	"github.com/idlenode/idlenode/worker/sandbox"
)

// TestMain lets the test binary play the sandbox child, as the idlenode
// binary does with `idlenode sandbox child`.
func TestMain(m *testing.M) {
	if len(os.Args) >= 3 && os.Args[1] == "sandbox" && os.Args[2] == "child" {
		os.Exit(sandbox.Main(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	}
	dir, err := os.MkdirTemp("", "worker-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	shared    string // built guest and compile cache, shared by the tests
	guestOnce sync.Once
	guestPath string
	guestErr  error
)

func guest(t *testing.T) []byte {
	t.Helper()
	guestOnce.Do(func() {
		guestPath = filepath.Join(shared, "guest.wasm")
		cmd := exec.Command("go", "build", "-o", guestPath, "./testdata/guest")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			guestErr = fmt.Errorf("build guest: %v\n%s", err, out)
		}
	})
	if guestErr != nil {
		t.Fatal(guestErr)
	}
	b, err := os.ReadFile(guestPath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type env struct {
	t         *testing.T
	url       string
	requester *client.Client
	module    string
}

// startCoordinator runs the real coordinator on SQLite behind a real HTTP
// server, and uploads the guest module.
func startCoordinator(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := coordinator.New(coordinator.Config{Store: st, DataDir: dir, PublicURL: "http://" + ln.Addr().String(),
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		RateLimit: 10000, RateBurst: 10000, LeaseTTL: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; ts.Close(); st.Close() })
	e := &env{t: t, url: ts.URL, requester: newClient(t, ts.URL)}
	e.module, err = e.requester.PutBlob(context.Background(), guest(t))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func newClient(t *testing.T, url string) *client.Client {
	t.Helper()
	sg, err := client.GenerateKeySigner()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(url, sg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) submit(replicas int, args ...string) string {
	e.t.Helper()
	in, err := e.requester.PutBlob(context.Background(), []byte("input of "+strings.Join(args, " ")))
	if err != nil {
		e.t.Fatal(err)
	}
	ids, err := e.requester.Submit(context.Background(), protocol.JobSpec{
		Runtime: protocol.RuntimeWASI, Module: e.module, Input: in, Args: args, Seed: 7,
		Limits:           protocol.Limits{MemoryBytes: 128 << 20, TimeoutMS: 60_000, OutputBytes: 1 << 20},
		RewardPerReplica: "1000000000000000000", Replicas: replicas, Deadline: time.Now().Add(time.Hour),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ids[0]
}

func (e *env) waitJob(id, state string) protocol.JobStatus {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := e.requester.Job(context.Background(), id)
		if err == nil && st.State == state {
			return st
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("job %s not %s: %+v %v", id, state, st, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type node struct {
	w      *Worker
	c      Coordinator
	cancel context.CancelFunc
	done   chan error
	dir    string
}

func newWorker(t *testing.T, c Coordinator, dir string, mod func(*Config)) *Worker {
	t.Helper()
	cfg := Config{
		Dir:         dir,
		Coordinator: c,
		Sandbox:     SandboxRunner{R: &sandbox.Runner{Command: []string{os.Args[0], "sandbox"}, CacheDir: filepath.Join(shared, "cache")}},
		Limits: func() Limits {
			return Limits{Slots: 2, DutyCycle: 100, MemoryBytes: 1 << 30, WattsPerCore: 10, GramsCO2PerKWh: 400}
		},
		Log:       slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: testLogLevel})),
		LeaseWait: time.Second,
		Energy:    NewEnergyMeter(t.TempDir()), // no counters: estimates
	}
	if mod != nil {
		mod(&cfg)
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func startNode(t *testing.T, e *env, c Coordinator, dir string, mod func(*Config)) *node {
	t.Helper()
	if c == nil {
		c = newClient(t, e.url)
	}
	if dir == "" {
		dir = t.TempDir()
	}
	n := &node{w: newWorker(t, c, dir, mod), c: c, done: make(chan error, 1), dir: dir}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	go func() { n.done <- n.w.Run(ctx) }()
	t.Cleanup(n.stop)
	return n
}

func (n *node) stop() {
	if n.cancel != nil {
		n.cancel()
		<-n.done
		n.cancel = nil
	}
}

func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestJobsRunAndValidate(t *testing.T) {
	e := startCoordinator(t)
	a := startNode(t, e, nil, "", nil)
	b := startNode(t, e, nil, "", nil)
	a.w.SetAllowed(true, "idle")
	b.w.SetAllowed(true, "idle")
	var ids []string
	for i := 0; i < 4; i++ {
		ids = append(ids, e.submit(2, "hash", fmt.Sprint(i)))
	}
	ids = append(ids, e.submit(2, "fail"))
	for _, id := range ids {
		st := e.waitJob(id, protocol.JobDone)
		out, err := e.requester.GetBlob(context.Background(), st.OutputHash, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if st.Spec.Args[0] == "fail" {
			if !strings.Contains(string(out), "module exited with code 3") {
				t.Fatalf("failure output: %q", out)
			}
		} else if len(strings.TrimSpace(string(out))) != 64 {
			t.Fatalf("output %q", out)
		}
	}
	// The replica that completes a quorum learns "accepted" from its own
	// report, before the node rereads its earnings (2 s later): wait for
	// the coordinator's total, never more than the ten replicas.
	want := new(big.Int).Mul(big.NewInt(10), big.NewInt(1e18))
	total := new(big.Int)
	waitFor(t, "earnings and ledger", time.Minute, func() bool {
		sa, sb := a.w.Status(), b.w.Status()
		total = new(big.Int).Add(sumRewards(sa.Totals.EarnedTotal), sumRewards(sb.Totals.EarnedTotal))
		if total.Cmp(want) > 0 {
			t.Fatalf("credited %s, more than %s", total, want)
		}
		return sa.Totals.JobsDone+sb.Totals.JobsDone == 10 && total.Cmp(want) == 0 &&
			sa.Totals.Pending == "0" && sb.Totals.Pending == "0"
	})
	sa := a.w.Status()
	if sa.Totals.EnergyTotalWh <= 0 || sa.Totals.Measured {
		t.Fatalf("energy not estimated: %+v", sa.Totals)
	}
	if !sa.Connected || sa.Offline {
		t.Fatalf("connection state: %+v", sa)
	}
	waitFor(t, "the node's record", time.Minute, func() bool { r := a.w.Status().Record; return r.Valid > 0 })
	if r := a.w.Status().Record; r.Flagged || r.Invalid != 0 {
		t.Fatalf("an honest node flagged: %+v", r)
	}
	if js := a.w.Status().RecentJobs; len(js) == 0 || js[0].Amount == "" {
		t.Fatalf("no per-job earnings: %+v", js)
	}
}

// procState reads a process's scheduler state letter from /proc.
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return ""
	}
	return s[i+2 : i+3]
}

func TestSuspendResume(t *testing.T) {
	e := startCoordinator(t)
	n := startNode(t, e, nil, "", nil)
	n.w.SetAllowed(true, "idle")
	id := e.submit(1, "spin", "3000000000")
	waitFor(t, "job running", time.Minute, func() bool {
		js := n.w.Status().Jobs
		return len(js) == 1 && js[0].Status == "running" && len(n.w.Ours()) == 1
	})
	pid := n.w.Ours()[0]
	suspendedAtCoordinator := func() int {
		js, err := e.requester.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return js.Suspended
	}
	if got := suspendedAtCoordinator(); got != 0 {
		t.Fatalf("coordinator shows %d suspended replicas of a running job", got)
	}
	n.w.SetAllowed(false, "Keyboard used")
	// SetAllowed never waits for the network: the node tells the
	// coordinator from the job's lease goroutine, at once.
	waitFor(t, "the coordinator shows the replica suspended", 5*time.Second, func() bool { return suspendedAtCoordinator() == 1 })
	// Every thread has been sent SIGSTOP when SetAllowed returns; /proc may
	// take a moment to show the sleeping ones stopped.
	waitFor(t, "the child stopped", 5*time.Second, func() bool { return procState(pid) == "T" })
	st := n.w.Status()
	if st.Yields != 1 || st.YieldLast <= 0 || st.Jobs[0].Status != "suspended" {
		t.Fatalf("yield not recorded: %+v", st)
	}
	time.Sleep(300 * time.Millisecond)
	if s := procState(pid); s != "T" {
		t.Fatalf("child woke up while suspended: %q", s)
	}
	n.w.SetAllowed(true, "idle")
	if s := procState(pid); s == "T" {
		t.Fatal("child still stopped after resume")
	}
	waitFor(t, "the coordinator shows the replica running", 5*time.Second, func() bool { return suspendedAtCoordinator() == 0 })
	e.waitJob(id, protocol.JobDone)
}

// TestSuspendedStateAfterOutageAndRestart: a suspend the coordinator
// could not hear is told once it is back, and a node restarted with a
// lease the coordinator has as suspended tells it the job runs again.
func TestSuspendedStateAfterOutageAndRestart(t *testing.T) {
	e := startCoordinator(t)
	f := &flaky{Client: newClient(t, e.url)}
	dir := t.TempDir()
	n := startNode(t, e, f, dir, nil)
	n.w.SetAllowed(true, "idle")
	id := e.submit(1, "spin", "30000000000")
	waitFor(t, "job running", time.Minute, func() bool { return len(n.w.Ours()) == 1 })
	suspended := func() int {
		js, err := e.requester.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return js.Suspended
	}
	f.down.Store(true)
	n.w.SetAllowed(false, "Keyboard used")
	if st := n.w.Status(); st.Yields != 1 || st.Jobs[0].Status != "suspended" {
		t.Fatalf("not suspended while offline: %+v", st)
	}
	time.Sleep(time.Second)
	if got := suspended(); got != 0 {
		t.Fatalf("coordinator shows %d suspended while the node could not tell it", got)
	}
	f.down.Store(false)
	waitFor(t, "the coordinator shows the replica suspended after the outage", 10*time.Second, func() bool { return suspended() == 1 })

	n.stop() // quits while suspended: the lease stays, recorded as suspended
	if got := suspended(); got != 1 {
		t.Fatalf("after shutdown the coordinator shows %d suspended, want 1", got)
	}
	again := startNode(t, e, f, dir, nil)
	again.w.SetAllowed(true, "idle")
	waitFor(t, "the job resumed after the restart", time.Minute, func() bool {
		js := again.w.Status().Jobs
		return len(js) == 1 && js[0].Status == "running"
	})
	waitFor(t, "the coordinator shows the restarted replica running", 10*time.Second, func() bool { return suspended() == 0 })
	if js, err := e.requester.Job(context.Background(), id); err != nil || js.State != protocol.JobOpen || len(again.w.Ours()) != 1 {
		t.Fatalf("the job should still run on the node: %+v %v, pids %v", js, err, again.w.Ours())
	}
}

func TestGivesBackAfterGrace(t *testing.T) {
	e := startCoordinator(t)
	n := startNode(t, e, nil, "", func(c *Config) { c.Grace = time.Second })
	n.w.SetAllowed(true, "idle")
	id := e.submit(1, "spin", "3000000000")
	waitFor(t, "job running", time.Minute, func() bool { return len(n.w.Ours()) == 1 })
	n.w.SetAllowed(false, "On battery")
	waitFor(t, "job given back", time.Minute, func() bool { return len(n.w.Status().Jobs) == 0 })
	if entries, _ := os.ReadDir(filepath.Join(n.dir, "jobs")); len(entries) != 0 {
		t.Fatalf("job record left: %v", entries)
	}
	// Another node gets it at once, not after the lease would expire.
	other := startNode(t, e, nil, "", nil)
	other.w.SetAllowed(true, "idle")
	e.waitJob(id, protocol.JobDone)
}

// flaky is the real client with a switch that makes every call fail the
// way a dead coordinator does.
type flaky struct {
	*client.Client
	down     atomic.Bool
	lastCaps atomic.Value // protocol.Capabilities of the last lease request
}

var errDown = fmt.Errorf("dial tcp: connection refused: %w", client.ErrUnavailable)

func (f *flaky) Lease(ctx context.Context, r protocol.LeaseRequest) ([]protocol.Assignment, error) {
	f.lastCaps.Store(r.Capabilities)
	if f.down.Load() {
		return nil, errDown
	}
	return f.Client.Lease(ctx, r)
}
func (f *flaky) Report(ctx context.Context, id string, r protocol.ResultReport) (protocol.ResultAck, error) {
	if f.down.Load() {
		return protocol.ResultAck{}, errDown
	}
	return f.Client.Report(ctx, id, r)
}
func (f *flaky) PutBlob(ctx context.Context, b []byte) (string, error) {
	if f.down.Load() {
		return "", errDown
	}
	return f.Client.PutBlob(ctx, b)
}
func (f *flaky) Heartbeat(ctx context.Context, id string) (protocol.LeaseState, error) {
	if f.down.Load() {
		return protocol.LeaseState{}, errDown
	}
	return f.Client.Heartbeat(ctx, id)
}
func (f *flaky) HeartbeatState(ctx context.Context, id, state string) (protocol.LeaseState, error) {
	if f.down.Load() {
		return protocol.LeaseState{}, errDown
	}
	return f.Client.HeartbeatState(ctx, id, state)
}
func (f *flaky) Earnings(ctx context.Context, a common.Address) (protocol.Earnings, error) {
	if f.down.Load() {
		return protocol.Earnings{}, errDown
	}
	return f.Client.Earnings(ctx, a)
}

func TestOfflineKeepsResults(t *testing.T) {
	e := startCoordinator(t)
	f := &flaky{Client: newClient(t, e.url)}
	n := startNode(t, e, f, "", func(c *Config) { c.MaxBackoff = 2 * time.Second })
	id := e.submit(1, "steps", "15")
	n.w.SetAllowed(true, "idle")
	waitFor(t, "job running", time.Minute, func() bool { return len(n.w.Ours()) == 1 })
	f.down.Store(true)
	waitFor(t, "result kept in the outbox", time.Minute, func() bool {
		entries, _ := os.ReadDir(filepath.Join(n.dir, "outbox"))
		return len(entries) == 2 && len(n.w.Status().Jobs) == 0
	})
	waitFor(t, "offline state", time.Minute, func() bool {
		st := n.w.Status()
		return st.Offline && strings.Contains(st.Problem, "Cannot reach the network")
	})
	f.down.Store(false)
	e.waitJob(id, protocol.JobDone)
	waitFor(t, "outbox flushed", time.Minute, func() bool {
		entries, _ := os.ReadDir(filepath.Join(n.dir, "outbox"))
		return len(entries) == 0
	})
}

func TestRestartResumesFromCheckpoint(t *testing.T) {
	e := startCoordinator(t)
	c := newClient(t, e.url)
	dir := t.TempDir()
	n := startNode(t, e, c, dir, nil)
	id := e.submit(1, "steps", "60")
	n.w.SetAllowed(true, "idle")
	var scratch string
	waitFor(t, "a checkpoint", time.Minute, func() bool {
		js := n.w.Status().Jobs
		if len(js) != 1 {
			return false
		}
		scratch = n.w.scratchDir(js[0].LeaseID)
		_, err := os.Stat(filepath.Join(scratch, "checkpoint"))
		return err == nil
	})
	n.stop() // the node quits mid-job
	cp, err := os.ReadFile(filepath.Join(scratch, "checkpoint"))
	if err != nil {
		t.Fatalf("checkpoint lost at shutdown: %v", err)
	}
	var step int
	fmt.Sscanf(string(cp), "%d", &step)
	if step < 1 || step >= 60 {
		t.Fatalf("checkpoint step %d", step)
	}
	again := startNode(t, e, c, dir, nil) // same identity, same folder
	again.w.SetAllowed(true, "idle")
	st := e.waitJob(id, protocol.JobDone)
	// The same job computed in one go gives the same bytes.
	ref := startNode(t, e, nil, "", nil)
	ref.w.SetAllowed(true, "idle")
	again.w.SetAllowed(false, "busy")
	refID := e.submit(1, "steps", "60")
	refSt := e.waitJob(refID, protocol.JobDone)
	if st.OutputHash != refSt.OutputHash {
		t.Fatalf("resumed output %s differs from an uninterrupted run %s", st.OutputHash, refSt.OutputHash)
	}
}

func TestBlobCacheRejectsCorruption(t *testing.T) {
	e := startCoordinator(t)
	c := newClient(t, e.url)
	bc := &blobCache{dir: t.TempDir()}
	path, err := bc.get(context.Background(), c, e.module, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	path2, err := bc.get(context.Background(), c, e.module, 64<<20)
	if err != nil || path2 != path {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) == "tampered" {
		t.Fatal("corrupted cache entry served")
	}
	if _, err := bc.get(context.Background(), c, "../../etc/passwd", 1<<20); err == nil {
		t.Fatal("accepted a path as a blob address")
	}
	if _, err := bc.get(context.Background(), c, strings.Repeat("ab", 32), 1<<20); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("missing blob: %v", err)
	}
}

func TestEnergyFromRAPL(t *testing.T) {
	root := t.TempDir()
	zone := filepath.Join(root, "sys/class/powercap/intel-rapl:0")
	sub := filepath.Join(root, "sys/class/powercap/intel-rapl:0:0")
	for _, d := range []string{zone, sub, filepath.Join(root, "proc")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(zone, "max_energy_range_uj"), "262143328850\n")
	write(filepath.Join(zone, "energy_uj"), "1000000000\n")
	write(filepath.Join(sub, "energy_uj"), "999\n") // a sub-zone: not added
	write(filepath.Join(root, "proc/stat"), "cpu  1000 0 1000 5000 0 0 0 0 0 0\n")
	m := NewEnergyMeter(root)
	mark := m.Begin()
	// 3600 J = 1 Wh used by the package; 20 s of busy CPU, 10 s of it ours.
	write(filepath.Join(zone, "energy_uj"), "4600000000\n")
	write(filepath.Join(root, "proc/stat"), "cpu  2000 0 2000 5000 0 0 0 0 0 0\n")
	wh, measured := m.End(mark, 10, 10)
	if !measured || wh < 0.499 || wh > 0.501 {
		t.Fatalf("got %.4f Wh measured=%v, want 0.5 measured", wh, measured)
	}
	// Wrap-around of the counter.
	write(filepath.Join(zone, "energy_uj"), "262143328000\n")
	mark = m.Begin()
	write(filepath.Join(zone, "energy_uj"), "3599999150\n")
	write(filepath.Join(root, "proc/stat"), "cpu  3000 0 2000 5000 0 0 0 0 0 0\n")
	if wh, _ := m.End(mark, 10, 10); wh < 0.999 || wh > 1.001 {
		t.Fatalf("wrapped counter: %.4f Wh", wh)
	}
	// No counters: an estimate from CPU seconds and watts per core.
	wh, measured = NewEnergyMeter(t.TempDir()).End(NewEnergyMeter(t.TempDir()).Begin(), 360, 10)
	if measured || wh != 1 {
		t.Fatalf("estimate: %v %v", wh, measured)
	}
}

var testLogLevel = func() slog.Level {
	if os.Getenv("WORKER_TEST_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}()

func TestCapabilitiesCarryTheBenchmark(t *testing.T) {
	e := startCoordinator(t)
	f := &flaky{Client: newClient(t, e.url)}
	n := startNode(t, e, f, "", func(c *Config) {
		c.Capabilities = protocol.Capabilities{Cores: 2, MemoryMB: 512}
		c.Benchmark = func() int64 { return 1234 }
	})
	n.w.SetAllowed(true, "idle")
	waitFor(t, "a lease request", 30*time.Second, func() bool { return f.lastCaps.Load() != nil })
	caps := f.lastCaps.Load().(protocol.Capabilities)
	if caps.BenchmarkMiBps != 1234 || caps.Cores != 2 || caps.MemoryMB != 512 || len(caps.Runtimes) == 0 || caps.Sandbox != sandbox.Profile() {
		t.Fatalf("capabilities sent: %+v", caps)
	}
}

// lockedSigner fails like a wallet whose passphrase is wrong until fixed.
type lockedSigner struct {
	client.Signer
	locked atomic.Bool
}

func (s *lockedSigner) SignMessage(msg []byte) ([]byte, error) {
	if s.locked.Load() {
		return nil, &OwnerActionError{Reason: "The wallet's passphrase is wrong", Err: errors.New("wrong passphrase for the key file")}
	}
	return s.Signer.SignMessage(msg)
}

// A signer only the owner can fix is a setup problem, not an outage; the
// node starts working by itself once it is fixed.
func TestOwnerActionIsSetupNotOffline(t *testing.T) {
	e := startCoordinator(t)
	sg, err := client.GenerateKeySigner()
	if err != nil {
		t.Fatal(err)
	}
	ls := &lockedSigner{Signer: sg}
	ls.locked.Store(true)
	c, err := client.New(e.url, ls)
	if err != nil {
		t.Fatal(err)
	}
	n := startNode(t, e, c, "", func(c *Config) { c.MaxBackoff = 2 * time.Second })
	n.w.SetAllowed(true, "idle")
	waitFor(t, "setup needed", time.Minute, func() bool {
		st := n.w.Status()
		return st.SetupNeeded == "The wallet's passphrase is wrong" && !st.Offline && st.Problem == ""
	})
	ls.locked.Store(false)
	id := e.submit(1, "steps", "2")
	e.waitJob(id, protocol.JobDone)
	if st := n.w.Status(); st.SetupNeeded != "" || !st.Connected {
		t.Fatalf("after the fix: %+v", st)
	}
}
