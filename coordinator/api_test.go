package coordinator_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/coordinator"
	"github.com/idlenode/idlenode/coordinator/sim"
	"github.com/idlenode/idlenode/coordinator/store/sqlite"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// raw sends a request and returns status, body; it asserts every error
// answer is JSON with a code.
func raw(t testing.TB, method, url, token string, body []byte) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var e protocol.ErrorResponse
		if err := json.Unmarshal(data, &e); err != nil || e.Code == "" || e.Error == "" {
			t.Fatalf("%s %s: %d with non-JSON error body %q", method, url, resp.StatusCode, data)
		}
	}
	return resp.StatusCode, data
}

func login(t *testing.T, env *testEnv, sg client.Signer) string {
	t.Helper()
	return loginTB(t, env, sg)
}

func loginTB(t testing.TB, env *testEnv, sg client.Signer) string {
	t.Helper()
	_, body := raw(t, "GET", env.url+"/v1/auth/nonce", "", nil)
	var n protocol.NonceResponse
	if err := json.Unmarshal(body, &n); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	msg := protocol.SIWEMessage{Domain: n.Domain, Address: sg.Address(), URI: n.URI, ChainID: n.ChainID, Nonce: n.Nonce, IssuedAt: now}.String()
	sig, _ := sg.SignMessage([]byte(msg))
	b, _ := json.Marshal(protocol.LoginRequest{Message: msg, Signature: "0x" + hex.EncodeToString(sig)})
	code, body := raw(t, "POST", env.url+"/v1/auth/login", "", b)
	if code != 200 {
		t.Fatalf("login: %d %s", code, body)
	}
	var lr protocol.LoginResponse
	_ = json.Unmarshal(body, &lr)
	return lr.Token
}

func TestSignIn(t *testing.T) {
	env := start(t, nil)
	sg, _ := client.GenerateKeySigner()
	other, _ := client.GenerateKeySigner()
	_, body := raw(t, "GET", env.url+"/v1/auth/nonce", "", nil)
	var n protocol.NonceResponse
	_ = json.Unmarshal(body, &n)
	now := time.Now().UTC().Truncate(time.Second)
	good := protocol.SIWEMessage{Domain: n.Domain, Address: sg.Address(), URI: n.URI, ChainID: n.ChainID, Nonce: n.Nonce, IssuedAt: now}
	signed := func(m protocol.SIWEMessage, by client.Signer) []byte {
		sig, _ := by.SignMessage([]byte(m.String()))
		b, _ := json.Marshal(protocol.LoginRequest{Message: m.String(), Signature: "0x" + hex.EncodeToString(sig)})
		return b
	}
	wrongDomain := good
	wrongDomain.Domain = "evil.example"
	stale := good
	stale.IssuedAt = now.Add(-time.Hour)
	forged := good
	forged.Nonce = "00112233445566778899aabbccddeeff00112233445566778899aabb"
	for name, body := range map[string][]byte{
		"other signer":  signed(good, other),
		"wrong domain":  signed(wrongDomain, sg),
		"stale":         signed(stale, sg),
		"forged nonce":  signed(forged, sg),
		"garbage":       []byte(`{"message":"hello","signature":"0x00"}`),
		"not json":      []byte(`{{{`),
		"unknown field": []byte(`{"message":"x","signature":"y","admin":true}`),
	} {
		if code, b := raw(t, "POST", env.url+"/v1/auth/login", "", body); code != 401 && code != 400 {
			t.Errorf("%s: status %d %s, want 400/401", name, code, b)
		}
	}
	if code, b := raw(t, "POST", env.url+"/v1/auth/login", "", signed(good, sg)); code != 200 {
		t.Fatalf("good login: %d %s", code, b)
	}
	if code, _ := raw(t, "POST", env.url+"/v1/auth/login", "", signed(good, sg)); code != 401 {
		t.Fatalf("nonce reused: %d, want 401", code)
	}
	// No token, a forged token, a good one.
	if code, _ := raw(t, "POST", env.url+"/v1/leases", "", []byte(`{}`)); code != 401 {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := raw(t, "POST", env.url+"/v1/leases", "AAAA.BBBB", []byte(`{}`)); code != 401 {
		t.Fatalf("forged token: %d", code)
	}
	tok := login(t, env, sg)
	if code, b := raw(t, "POST", env.url+"/v1/leases", tok, []byte(`{"capabilities":{"runtimes":["wasi"]},"max":1}`)); code != 200 {
		t.Fatalf("lease with token: %d %s", code, b)
	}
}

func TestBadInputIs4xx(t *testing.T) {
	env := start(t, func(c *coordinator.Config) { c.MaxBlobBytes = 1024; c.MaxBodyBytes = 4096 })
	sg, _ := client.GenerateKeySigner()
	tok := login(t, env, sg)
	h := client.HashBytes([]byte("abc"))
	cases := []struct {
		method, path string
		body         string
		want         int
	}{
		{"GET", "/v1/nope", "", 404},
		{"DELETE", "/v1/jobs", "", 404},
		{"GET", "/v1/jobs/zzz", "", 404},
		{"GET", "/v1/jobs/0123456789abcdef0123456789abcdef", "", 404},
		{"GET", "/v1/blobs/xyz", "", 400},
		{"GET", "/v1/blobs/" + h, "", 404},
		{"PUT", "/v1/blobs/" + h, "abd", 400},
		{"PUT", "/v1/blobs/" + h, strings.Repeat("a", 2000), 413},
		{"POST", "/v1/jobs", `{"jobs":[]}`, 400},
		{"POST", "/v1/jobs", `{"jobs":[{"runtime":"docker"}]}`, 400},
		{"POST", "/v1/jobs", `[1,2,3]`, 400},
		{"POST", "/v1/jobs", `{"jobs":[` + strings.Repeat(`{"runtime":"wasi"},`, 400) + `{}]}`, 413},
		{"POST", "/v1/jobs", `{"jobs":[{"runtime":"wasi","module":"` + h + `","limits":{"memory_bytes":1,"timeout_ms":1,"output_bytes":1},"reward_per_replica":"-5","deadline":"2030-01-01T00:00:00Z"}]}`, 400},
		{"POST", "/v1/jobs", `{"jobs":[{"runtime":"wasi","module":"` + h + `","limits":{"memory_bytes":1,"timeout_ms":1,"output_bytes":1},"reward_per_replica":"5","deadline":"2030-01-01T00:00:00Z"}]}`, 400}, // blob not uploaded
		{"POST", "/v1/leases", `{"max":0}`, 400},
		{"POST", "/v1/leases", `{"max":1,"wait_seconds":1000}`, 400},
		{"POST", "/v1/leases/0123456789abcdef0123456789abcdef/heartbeat", "", 404},
		{"POST", "/v1/leases/0123456789abcdef0123456789abcdef/result", `{"output_hash":"` + h + `"}`, 400},
		{"POST", "/v1/leases/0123456789abcdef0123456789abcdef/result", `{"output_hash":"nope"}`, 400},
		{"GET", "/v1/earnings/0x12", "", 400},
		{"GET", "/v1/nodes/hello", "", 400},
		{"GET", "/v1/vouchers/0x0000000000000000000000000000000000000001", "", 404},
	}
	for _, c := range cases {
		code, body := raw(t, c.method, env.url+c.path, tok, []byte(c.body))
		if code != c.want {
			t.Errorf("%s %s %.40q: %d %s, want %d", c.method, c.path, c.body, code, body, c.want)
		}
	}
}

// fakeChain implements the three hooks.
type fakeChain struct {
	mu      sync.Mutex
	stake   map[common.Address]*big.Int
	slashed []string
}

var (
	_ coordinator.VoucherSigner = (*fakeChain)(nil)
	_ coordinator.StakeReader   = (*fakeChain)(nil)
	_ coordinator.Slasher       = (*fakeChain)(nil)
)

func (f *fakeChain) SignVoucher(_ context.Context, a common.Address, c *big.Int) (protocol.Voucher, error) {
	return protocol.Voucher{Account: a.Hex(), CumulativeAmount: c.String(), ChainID: 1337, Signature: "0xsig"}, nil
}

func (f *fakeChain) StakeOf(_ context.Context, a common.Address) (*big.Int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v := f.stake[a]; v != nil {
		return v, nil
	}
	return new(big.Int), nil
}

func (f *fakeChain) Slash(_ context.Context, a common.Address, amount *big.Int, evidence []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.slashed = append(f.slashed, a.Hex()+" "+amount.String()+" "+string(evidence))
	return nil
}

// TestRoundTrip drives one job through the client: submit, lease by two
// nodes, heartbeat, report twice, vouchers, stake bonus and slashing.
func TestRoundTrip(t *testing.T) {
	chain := &fakeChain{stake: map[common.Address]*big.Int{}}
	env := start(t, func(c *coordinator.Config) {
		c.Vouchers, c.Stake, c.Slasher = chain, chain, chain
		c.StakeUnit = big.NewInt(100)
	})
	ctx := context.Background()
	req, a, b, x := newClient(t, env.url), newClient(t, env.url), newClient(t, env.url), newClient(t, env.url)
	chain.stake[a.Address()] = big.NewInt(250) // tier 2: +10%
	chain.stake[x.Address()] = big.NewInt(1000)
	ids, err := sim.SubmitMany(ctx, req, 1, "1000", 2)
	if err != nil {
		t.Fatal(err)
	}
	lease := func(c *client.Client) protocol.Assignment {
		as, err := c.Lease(ctx, protocol.LeaseRequest{Capabilities: protocol.Capabilities{Runtimes: []string{"wasi"}}, Max: 4, WaitSeconds: 1})
		if err != nil || len(as) != 1 {
			t.Fatalf("lease: %v %v", as, err)
		}
		return as[0]
	}
	la, lx := lease(a), lease(x)
	if as, _ := b.Lease(ctx, protocol.LeaseRequest{Capabilities: protocol.Capabilities{Runtimes: []string{"wasi"}}, Max: 4}); len(as) != 0 {
		t.Fatal("a third replica was leased")
	}
	st, err := a.Heartbeat(ctx, la.LeaseID)
	if err != nil || !st.Deadline.After(time.Now()) {
		t.Fatalf("heartbeat: %+v %v", st, err)
	}
	if _, err := b.Heartbeat(ctx, la.LeaseID); err == nil {
		t.Fatal("foreign heartbeat accepted")
	}
	report := func(c *client.Client, l protocol.Assignment, out []byte) protocol.ResultAck {
		h, err := c.PutBlob(ctx, out)
		if err != nil {
			t.Fatal(err)
		}
		ack, err := c.Report(ctx, l.LeaseID, protocol.ResultReport{OutputHash: h, Metrics: protocol.Metrics{WallSeconds: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return ack
	}
	good := sim.Output(la.Spec)
	if ack := report(x, lx, []byte("wrong")); ack.Verdict != protocol.VerdictPending {
		t.Fatalf("ack = %+v", ack)
	}
	report(a, la, good)
	lb := lease(b) // no majority: a third replica is offered
	if ack := report(b, lb, good); ack.Verdict != protocol.VerdictAccepted || ack.JobState != protocol.JobDone {
		t.Fatalf("ack = %+v", ack)
	}
	if ack := report(b, lb, good); ack.Verdict != protocol.VerdictAccepted {
		t.Fatalf("replayed ack = %+v", ack)
	}
	if _, err := x.Report(ctx, lx.LeaseID, protocol.ResultReport{OutputHash: client.HashBytes(good)}); !errors.Is(err, client.ErrConflict) {
		t.Fatalf("changed result: %v, want conflict", err)
	}
	js, _ := req.Job(ctx, ids[0])
	out, err := req.GetBlob(ctx, js.OutputHash, 1<<20)
	if err != nil || !bytes.Equal(out, good) {
		t.Fatalf("output %q %v", out, err)
	}
	ea, _ := req.Earnings(ctx, a.Address())
	eb, _ := req.Earnings(ctx, b.Address())
	if ea.Total != "1100" || eb.Total != "1000" || len(ea.ByDay) != 1 || ea.ByDay[0].Amount != "1100" {
		t.Fatalf("earnings a %+v b %+v", ea, eb)
	}
	v, err := req.Voucher(ctx, a.Address())
	if err != nil || v.CumulativeAmount != "1100" {
		t.Fatalf("voucher %+v %v", v, err)
	}
	env.srv.Wait()
	chain.mu.Lock()
	defer chain.mu.Unlock()
	if len(chain.slashed) != 1 || !strings.HasPrefix(chain.slashed[0], x.Address().Hex()+" 100 ") || !strings.Contains(chain.slashed[0], ids[0]) {
		t.Fatalf("slashed = %q", chain.slashed)
	}
}

func TestDeadCoordinatorError(t *testing.T) {
	c, _ := client.New("http://127.0.0.1:1", nil)
	_, err := c.Job(context.Background(), "0123456789abcdef0123456789abcdef")
	if !errors.Is(err, client.ErrUnavailable) || !strings.Contains(err.Error(), "http://127.0.0.1:1") {
		t.Fatalf("err = %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	env := start(t, func(c *coordinator.Config) { c.RateLimit, c.RateBurst = 0.01, 2 })
	codes := []int{}
	for range 3 {
		code, _ := raw(t, "GET", env.url+"/v1/auth/nonce", "", nil)
		codes = append(codes, code)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("codes = %v, want 200 200 429", codes)
	}
}

func TestTokenRefreshAndMetrics(t *testing.T) {
	env := start(t, func(c *coordinator.Config) { c.TokenTTL = time.Second })
	c := newClient(t, env.url)
	ctx := context.Background()
	if _, err := c.PutBlob(ctx, []byte("one")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the token has expired
	if _, err := c.PutBlob(ctx, []byte("two")); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	code, body := raw(t, "GET", env.url+"/metrics", "", nil)
	if code != 200 || !strings.Contains(string(body), `idlenode_http_requests_total{code="204",route="PUT /v1/blobs/{hash}"} 2`) {
		t.Fatalf("metrics: %d\n%s", code, body)
	}
}

func TestStakeTiers(t *testing.T) {
	unit := big.NewInt(100)
	for _, c := range []struct {
		stake int64
		tier  int
		bp    int64
	}{{0, 0, 0}, {99, 0, 0}, {100, 1, 500}, {250, 2, 1000}, {100000, 5, 2500}, {-5, 0, 0}} {
		tier := coordinator.StakeTier(big.NewInt(c.stake), unit)
		if tier != c.tier || coordinator.BonusBP(tier) != c.bp {
			t.Errorf("stake %d: tier %d bonus %d, want %d %d", c.stake, tier, coordinator.BonusBP(tier), c.tier, c.bp)
		}
	}
	if coordinator.StakeTier(big.NewInt(500), nil) != 0 || coordinator.StakeTier(nil, unit) != 0 {
		t.Error("nil stake or unit gave a tier")
	}
}

// TestShutdownEndsLongPolls: Run returns promptly when its context ends,
// answering waiting long polls with no assignments.
func TestShutdownEndsLongPolls(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "c.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv, err := coordinator.New(coordinator.Config{Store: st, DataDir: dir, Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	c := newClient(t, srv.URL())
	polled := make(chan error, 1)
	go func() {
		as, err := c.Lease(context.Background(), protocol.LeaseRequest{Capabilities: protocol.Capabilities{Runtimes: []string{"wasi"}}, Max: 1, WaitSeconds: 60})
		if err == nil && len(as) != 0 {
			err = errors.New("got work from an empty queue")
		}
		polled <- err
	}()
	time.Sleep(300 * time.Millisecond) // the poll is waiting
	start := time.Now()
	cancel()
	if err := <-polled; err != nil {
		t.Fatalf("long poll: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("shutdown took %s", d)
	}
}

// TestLeaseBySandboxProfile: a job's replicas go to nodes of one sandbox
// profile; a malformed profile is refused.
func TestLeaseBySandboxProfile(t *testing.T) {
	env := start(t, nil)
	ctx := context.Background()
	req, a, b, c := newClient(t, env.url), newClient(t, env.url), newClient(t, env.url), newClient(t, env.url)
	if _, err := sim.SubmitMany(ctx, req, 1, "1000", 2); err != nil {
		t.Fatal(err)
	}
	leaseAs := func(cl *client.Client, profile string) ([]protocol.Assignment, error) {
		return cl.Lease(ctx, protocol.LeaseRequest{Capabilities: protocol.Capabilities{Runtimes: []string{"wasi"}, Sandbox: profile}, Max: 4})
	}
	if as, err := leaseAs(a, "idlenode-wasi-p1/1;instrument-2"); err != nil || len(as) != 1 {
		t.Fatalf("first lease: %v %v", as, err)
	}
	if as, err := leaseAs(b, "idlenode-wasi-p1/2;instrument-3"); err != nil || len(as) != 0 {
		t.Fatalf("a node of another profile got %v (%v)", as, err)
	}
	if as, err := leaseAs(c, "idlenode-wasi-p1/1;instrument-2"); err != nil || len(as) != 1 {
		t.Fatalf("a node of the same profile got %v (%v)", as, err)
	}
	var apiErr *client.APIError
	if _, err := leaseAs(b, "has space"); !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
		t.Fatalf("malformed profile: %v, want 400", err)
	}
}
