package coordinator_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"

	"github.com/idlenode/idlenode/coordinator/sim"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// TestSuspendedHeartbeat: a node's "suspended" heartbeat shows in the
// job's status and in /metrics, an old node's empty heartbeat still
// works and keeps the state, and a bad state is a 400 JSON error.
func TestSuspendedHeartbeat(t *testing.T) {
	env := start(t, nil)
	ctx := context.Background()
	req := newClient(t, env.url)
	ids, err := sim.SubmitMany(ctx, req, 1, "1000", 2)
	if err != nil {
		t.Fatal(err)
	}
	sgA, err := client.GenerateKeySigner()
	if err != nil {
		t.Fatal(err)
	}
	a, err := client.New(env.url, sgA)
	if err != nil {
		t.Fatal(err)
	}
	b := newClient(t, env.url)
	lease := func(c *client.Client) protocol.Assignment {
		as, err := c.Lease(ctx, protocol.LeaseRequest{Capabilities: protocol.Capabilities{Runtimes: []string{"wasi"}}, Max: 1, WaitSeconds: 1})
		if err != nil || len(as) != 1 {
			t.Fatalf("lease: %v %v", as, err)
		}
		return as[0]
	}
	la, lb := lease(a), lease(b)
	gauge := regexp.MustCompile(`(?m)^idlenode_leases_suspended (\S+)$`)
	check := func(step string, want int) {
		t.Helper()
		js, err := req.Job(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if js.Suspended != want {
			t.Errorf("%s: job status suspended = %d, want %d", step, js.Suspended, want)
		}
		code, body := raw(t, "GET", env.url+"/metrics", "", nil)
		m := gauge.FindSubmatch(body)
		if code != 200 || m == nil {
			t.Fatalf("%s: metrics %d without idlenode_leases_suspended", step, code)
		}
		if got := string(m[1]); got != strconv.Itoa(want) {
			t.Errorf("%s: idlenode_leases_suspended = %s, want %d", step, got, want)
		}
	}
	check("fresh", 0)
	// The job's reserve shows as the ledger's reserved gauge: 1000 per
	// replica, 4 replicas at most, +25% at the top tier.
	_, body := raw(t, "GET", env.url+"/metrics", "", nil)
	if m := regexp.MustCompile(`(?m)^idlenode_ledger_reserved_base_units (\S+)$`).FindSubmatch(body); m == nil || string(m[1]) != "5000" {
		t.Errorf("idlenode_ledger_reserved_base_units: %q", m)
	}
	if !regexp.MustCompile(`(?m)^idlenode_ledger_credited_base_units 0$`).Match(body) {
		t.Error("no idlenode_ledger_credited_base_units 0 before any credit")
	}

	st, err := a.HeartbeatState(ctx, la.LeaseID, protocol.ReplicaSuspended)
	if err != nil || st.LeaseID != la.LeaseID || st.Deadline.IsZero() {
		t.Fatalf("suspended heartbeat: %+v %v", st, err)
	}
	check("A suspended", 1)
	if _, err := b.HeartbeatState(ctx, lb.LeaseID, protocol.ReplicaSuspended); err != nil {
		t.Fatal(err)
	}
	check("both suspended", 2)

	// An old node: no body. It still extends the lease and keeps the state.
	before := st.Deadline
	st, err = a.Heartbeat(ctx, la.LeaseID)
	if err != nil || st.Deadline.Before(before) {
		t.Fatalf("empty heartbeat: %+v %v", st, err)
	}
	check("after an empty heartbeat", 2)

	tok := login(t, env, sgA)
	url := env.url + "/v1/leases/" + la.LeaseID + "/heartbeat"
	for _, body := range []string{`{"state":"paused"}`, `{"state":"Suspended"}`, `{"state":1}`, `{"state":"running","extra":true}`, `{"state":"running"} {}`, `[`} {
		if code, resp := raw(t, "POST", url, tok, []byte(body)); code != 400 {
			t.Errorf("heartbeat with %s: %d %s, want 400", body, code, resp)
		}
	}
	check("after bad heartbeats", 2)
	for _, body := range []string{" \n", `{}`} {
		if code, resp := raw(t, "POST", url, tok, []byte(body)); code != 200 {
			t.Errorf("heartbeat with %q: %d %s, want 200", body, code, resp)
		}
	}
	check("after blank heartbeats", 2)

	if _, err := a.HeartbeatState(ctx, la.LeaseID, protocol.ReplicaRunning); err != nil {
		t.Fatal(err)
	}
	check("A resumed", 1)
	if err := b.GiveBack(ctx, lb.LeaseID); err != nil {
		t.Fatal(err)
	}
	check("B gave its suspended lease back", 0)

	if _, err := a.HeartbeatState(ctx, la.LeaseID, "paused"); !errors.Is(err, protocol.ErrInvalid) {
		t.Fatalf("client sent a bad state: %v, want ErrInvalid", err)
	}
}
