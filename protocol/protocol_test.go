package protocol_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/protocol"
)

func goodSpec() protocol.JobSpec {
	return protocol.JobSpec{Runtime: "wasi", Module: strings.Repeat("ab", 32), Seed: 7,
		Limits:           protocol.Limits{MemoryBytes: 1 << 20, TimeoutMS: 1000, OutputBytes: 1024},
		RewardPerReplica: "1000000000000000000000", Deadline: time.Now().Add(time.Hour)}
}

func TestJobSpecValidate(t *testing.T) {
	s := goodSpec()
	s.Normalize()
	if err := s.Validate(); err != nil || s.Replicas != protocol.DefaultReplicas {
		t.Fatalf("good spec: %v (replicas %d)", err, s.Replicas)
	}
	bad := map[string]func(*protocol.JobSpec){
		"runtime":  func(s *protocol.JobSpec) { s.Runtime = "docker" },
		"module":   func(s *protocol.JobSpec) { s.Module = "ABAB" },
		"input":    func(s *protocol.JobSpec) { s.Input = strings.Repeat("AB", 32) },
		"reward":   func(s *protocol.JobSpec) { s.RewardPerReplica = "1.5" },
		"negative": func(s *protocol.JobSpec) { s.RewardPerReplica = "-1" },
		"replicas": func(s *protocol.JobSpec) { s.Replicas = 10 },
		"memory":   func(s *protocol.JobSpec) { s.Limits.MemoryBytes = 0 },
		"timeout":  func(s *protocol.JobSpec) { s.Limits.TimeoutMS = -1 },
		"args":     func(s *protocol.JobSpec) { s.Args = make([]string, 100) },
		"deadline": func(s *protocol.JobSpec) { s.Deadline = time.Time{} },
	}
	for name, mod := range bad {
		s := goodSpec()
		s.Normalize()
		mod(&s)
		if err := s.Validate(); !errors.Is(err, protocol.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func TestSIWERoundTrip(t *testing.T) {
	m := protocol.SIWEMessage{Domain: "127.0.0.1:8080", Address: common.HexToAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
		Statement: "Sign in.", URI: "http://127.0.0.1:8080", ChainID: 1337, Nonce: "abcdef0123456789",
		IssuedAt: time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC), ExpirationTime: time.Date(2026, 11, 25, 4, 5, 0, 0, time.UTC)}
	want := "127.0.0.1:8080 wants you to sign in with your Ethereum account:\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n\nSign in.\n\n" +
		"URI: http://127.0.0.1:8080\nVersion: 1\nChain ID: 1337\nNonce: abcdef0123456789\nIssued At: 2026-11-25T04:00:00Z\nExpiration Time: 2026-11-25T04:05:00Z"
	if got := m.String(); got != want {
		t.Fatalf("String() =\n%s\nwant\n%s", got, want)
	}
	back, err := protocol.ParseSIWE(want)
	if err != nil || back != m {
		t.Fatalf("ParseSIWE = %+v, %v", back, err)
	}
	lower := strings.Replace(want, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", 1)
	if _, err := protocol.ParseSIWE(lower); err == nil {
		t.Fatal("non-checksummed address accepted")
	}
}

func FuzzParseSIWE(f *testing.F) {
	f.Add("example.com wants you to sign in with your Ethereum account:\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n\n\nURI: http://x\nVersion: 1\nChain ID: 1\nNonce: 12345678\nIssued At: 2026-11-25T04:00:00Z")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := protocol.ParseSIWE(s)
		if err != nil {
			return
		}
		again, err := protocol.ParseSIWE(m.String())
		if err != nil || again != m {
			t.Fatalf("re-parse of %q: %+v, %v", m.String(), again, err)
		}
	})
}

func FuzzDecodeSubmit(f *testing.F) {
	b, _ := json.Marshal(protocol.SubmitRequest{Jobs: []protocol.JobSpec{goodSpec()}})
	f.Add(b)
	f.Add([]byte(`{"jobs":[{"runtime":"wasi","replicas":-1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r protocol.SubmitRequest
		if json.Unmarshal(data, &r) != nil {
			return
		}
		if err := r.Validate(); err != nil {
			if !errors.Is(err, protocol.ErrInvalid) {
				t.Fatalf("Validate error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, s := range r.Jobs {
			if s.Replicas < 1 || s.Limits.MemoryBytes <= 0 {
				t.Fatalf("validated spec out of range: %+v", s)
			}
		}
	})
}

func TestLoadNetwork(t *testing.T) {
	dir := t.TempDir()
	good := `{"name":"dev","coordinator_url":"http://127.0.0.1:8080","chain_id":1337,"token":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","future_field":1}`
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	n, err := protocol.LoadNetwork(context.Background(), write("good.json", good))
	if err != nil || n.Name != "dev" || n.ChainID != 1337 {
		t.Fatalf("LoadNetwork = %+v, %v", n, err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(good)) }))
	defer ts.Close()
	if n, err := protocol.LoadNetwork(context.Background(), ts.URL); err != nil || n.CoordinatorURL != "http://127.0.0.1:8080" {
		t.Fatalf("LoadNetwork(url) = %+v, %v", n, err)
	}
	for name, body := range map[string]string{
		"garbage":   "{{",
		"no name":   `{"coordinator_url":"http://x"}`,
		"bad url":   `{"name":"x","coordinator_url":"ftp://x"}`,
		"bad token": `{"name":"x","coordinator_url":"http://x","token":"0x12"}`,
	} {
		if _, err := protocol.LoadNetwork(context.Background(), write("bad.json", body)); !errors.Is(err, protocol.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := protocol.LoadNetwork(context.Background(), filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("missing file loaded")
	}
}

func TestParseAmount(t *testing.T) {
	for _, s := range []string{"", "-1", "1e5", "0x10", " 1", strings.Repeat("9", 100)} {
		if _, err := protocol.ParseAmount(s); err == nil {
			t.Errorf("ParseAmount(%q) accepted", s)
		}
	}
	v, err := protocol.ParseAmount("1000000000000000000000000")
	if err != nil || v.String() != "1000000000000000000000000" {
		t.Fatalf("ParseAmount big = %v, %v", v, err)
	}
}

func TestHeartbeatRequestValidate(t *testing.T) {
	for _, s := range []string{"", protocol.ReplicaRunning, protocol.ReplicaSuspended} {
		if err := (protocol.HeartbeatRequest{State: s}).Validate(); err != nil {
			t.Errorf("state %q: %v", s, err)
		}
	}
	for _, s := range []string{"paused", "Suspended", " running", strings.Repeat("x", 1000)} {
		err := (protocol.HeartbeatRequest{State: s}).Validate()
		if !errors.Is(err, protocol.ErrInvalid) {
			t.Errorf("state %.20q: %v, want ErrInvalid", s, err)
		} else if len(err.Error()) > 200 {
			t.Errorf("error not truncated: %d bytes", len(err.Error()))
		}
	}
	// An empty JSON object is a valid body: the state stays as it was.
	var r protocol.HeartbeatRequest
	if err := json.Unmarshal([]byte(`{}`), &r); err != nil || r.Validate() != nil || r.State != "" {
		t.Fatalf("empty body: %+v %v", r, err)
	}
	if b, _ := json.Marshal(protocol.HeartbeatRequest{State: protocol.ReplicaSuspended}); string(b) != `{"state":"suspended"}` {
		t.Fatalf("wire form %s", b)
	}
}

func TestFailureLine(t *testing.T) {
	FailureLine, FailurePrefix, MaxFailureBytes := protocol.FailureLine, protocol.FailurePrefix, protocol.MaxFailureBytes
	if got := string(FailureLine("trap: unreachable")); got != "idlenode: job failed: trap: unreachable\n" {
		t.Errorf("short: %q", got)
	}
	long := FailureLine(strings.Repeat("x", 1000))
	if len(long) != MaxFailureBytes || long[len(long)-1] != '\n' || !strings.HasPrefix(string(long), FailurePrefix) {
		t.Errorf("long: %d bytes %q…", len(long), long[:40])
	}
}

func TestParseFailure(t *testing.T) {
	if msg, ok := protocol.ParseFailure(protocol.FailureLine("trap:\tunreachable")); !ok || msg != "trap: unreachable" {
		t.Errorf("round trip: %q %v", msg, ok)
	}
	for _, out := range []string{"", "tile bytes", "idlenode: job failed: no newline", string(protocol.FailureLine("x")) + "more"} {
		if _, ok := protocol.ParseFailure([]byte(out)); ok {
			t.Errorf("%q taken for a failure line", out)
		}
	}
}
