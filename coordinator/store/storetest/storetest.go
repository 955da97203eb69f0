// Package storetest is the conformance suite every store.Store
// implementation must pass: run it from the implementation's tests.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/protocol"
)

// Run runs the suite; open returns a fresh, empty store for each subtest.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"LeaseDistinctNodes", testLeaseDistinct},
		{"LeaseMaxAndMemory", testLeaseMaxAndMemory},
		{"LeaseOneProfilePerJob", testProfile},
		{"ExpireRequeues", testExpire},
		{"HeartbeatExtends", testHeartbeat},
		{"HeartbeatRecordsSuspended", testSuspended},
		{"GiveBack", testGiveBack},
		{"QuorumCreditsOnce", testQuorum},
		{"DisagreementAddsReplica", testDisagreement},
		{"CapFailsVisibly", testCap},
		{"ReportIdempotent", testIdempotent},
		{"AdaptiveSingleReplica", testAdaptive},
		{"DeadlineFails", testDeadline},
		{"BonusCredit", testBonus},
		{"Meta", testMeta},
		{"Blobs", testBlobs},
		{"ConcurrentUnitsIsolated", testConcurrent},
		{"CommitmentsWithinLimit", testCommitments},
		{"CommitmentsConcurrentLimit", testCommitmentsConcurrent},
		{"FailureLineOverTinyLimit", testFailureLine},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			tc.fn(t, s)
		})
	}
}

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func hash(s string) string {
	return fmt.Sprintf("%064x", new(big.Int).SetBytes([]byte(s)))[:64]
}

func spec(replicas int) protocol.JobSpec {
	return protocol.JobSpec{
		Runtime: protocol.RuntimeWASI, Module: hash("module"), Seed: 1,
		Limits:           protocol.Limits{MemoryBytes: 64 << 20, TimeoutMS: 1000, OutputBytes: 1 << 20},
		RewardPerReplica: "1000", Replicas: replicas, Deadline: t0.Add(time.Hour),
	}
}

func create(t *testing.T, s store.Store, n, replicas, cap int) []string {
	t.Helper()
	var jobs []store.NewJob
	var ids []string
	for range n {
		id := newID()
		ids = append(ids, id)
		jobs = append(jobs, store.NewJob{ID: id, Requester: "0xReq", Spec: spec(replicas), Cap: cap})
	}
	if err := s.CreateJobs(context.Background(), jobs, t0, nil); err != nil {
		t.Fatalf("CreateJobs: %v", err)
	}
	return ids
}

func lease(t *testing.T, s store.Store, node string, max int, now time.Time) []store.Lease {
	t.Helper()
	ls, err := s.Lease(context.Background(), store.LeaseQuery{Node: node, Max: max, Now: now, TTL: time.Minute, NewID: newID})
	if err != nil {
		t.Fatalf("Lease(%s): %v", node, err)
	}
	return ls
}

func report(t *testing.T, s store.Store, l store.Lease, out string) store.Outcome {
	t.Helper()
	o, err := s.Report(context.Background(), store.Report{LeaseID: l.ID, Node: l.Node, OutputHash: hash(out), Now: t0.Add(time.Second)})
	if err != nil {
		t.Fatalf("Report(%s): %v", l.Node, err)
	}
	return o
}

func total(t *testing.T, s store.Store, node string) string {
	t.Helper()
	_, tot, err := s.Credits(context.Background(), node, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tot.String()
}

func testCreateAndGet(t *testing.T, s store.Store) {
	ids := create(t, s, 2, 2, 4)
	j, err := s.Job(context.Background(), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if j.State != protocol.JobOpen || j.Target != 2 || j.Cap != 4 || j.Spec.Module != hash("module") || j.Requester != "0xReq" {
		t.Fatalf("job = %+v", j)
	}
	if _, err := s.Job(context.Background(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing job: err = %v, want ErrNotFound", err)
	}
	err = s.CreateJobs(context.Background(), []store.NewJob{{ID: ids[0], Requester: "0xReq", Spec: spec(2), Cap: 4}}, t0, nil)
	if !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate id: err = %v, want ErrDuplicate", err)
	}
}

func testLeaseDistinct(t *testing.T, s store.Store) {
	create(t, s, 1, 2, 4)
	a := lease(t, s, "A", 5, t0)
	if len(a) != 1 {
		t.Fatalf("A got %d leases, want 1", len(a))
	}
	if again := lease(t, s, "A", 5, t0); len(again) != 0 {
		t.Fatalf("A got a second replica of the same job")
	}
	if b := lease(t, s, "B", 5, t0); len(b) != 1 {
		t.Fatalf("B got %d, want 1", len(b))
	}
	if c := lease(t, s, "C", 5, t0); len(c) != 0 {
		t.Fatalf("C got %d, want 0 (both replicas out)", len(c))
	}
}

// leaseAs leases for node with sandbox profile.
func leaseAs(t *testing.T, s store.Store, node, profile string, now time.Time) []store.Lease {
	t.Helper()
	ls, err := s.Lease(context.Background(), store.LeaseQuery{Node: node, Profile: profile, Max: 5, Now: now, TTL: time.Minute, NewID: newID})
	if err != nil {
		t.Fatalf("Lease(%s, %s): %v", node, profile, err)
	}
	return ls
}

// testProfile: a job's replicas go to nodes of one sandbox profile, the
// first leaser's, as long as the job has a result or a live lease; then
// any profile may take it over.
func testProfile(t *testing.T, s store.Store) {
	create(t, s, 1, 4, 8)
	if len(leaseAs(t, s, "A", "p1", t0)) != 1 {
		t.Fatal("A (p1) got no lease")
	}
	if len(leaseAs(t, s, "B", "p2", t0)) != 0 {
		t.Fatal("B (p2) got a replica of a job held by p1")
	}
	if len(leaseAs(t, s, "L", "", t0)) != 0 {
		t.Fatal("a node without a profile got a replica of a job held by p1")
	}
	c := leaseAs(t, s, "C", "p1", t0)
	if len(c) != 1 {
		t.Fatal("C (p1) got no lease")
	}
	// Both leases lapse without a result: the job is free again.
	later := t0.Add(2 * time.Minute)
	b := leaseAs(t, s, "B", "p2", later)
	if len(b) != 1 {
		t.Fatal("B (p2) could not take over a job with no result and no live lease")
	}
	if _, err := s.Report(context.Background(), store.Report{LeaseID: b[0].ID, Node: "B", OutputHash: hash("x"), Now: later}); err != nil {
		t.Fatal(err)
	}
	// A result holds the job for p2 even with no live lease.
	if len(leaseAs(t, s, "D", "p1", later)) != 0 {
		t.Fatal("D (p1) got a replica of a job with a p2 result")
	}
	if len(leaseAs(t, s, "E", "p2", later)) != 1 {
		t.Fatal("E (p2) got no replica")
	}
}

func testLeaseMaxAndMemory(t *testing.T, s store.Store) {
	create(t, s, 5, 1, 3)
	ls, err := s.Lease(context.Background(), store.LeaseQuery{Node: "A", Max: 3, MemoryBytes: 32 << 20, Now: t0, TTL: time.Minute, NewID: newID})
	if err != nil || len(ls) != 0 {
		t.Fatalf("small node got %d leases (err %v), want 0", len(ls), err)
	}
	if ls := lease(t, s, "A", 3, t0); len(ls) != 3 {
		t.Fatalf("got %d leases, want max 3", len(ls))
	}
}

func testExpire(t *testing.T, s store.Store) {
	create(t, s, 1, 1, 3)
	a := lease(t, s, "A", 1, t0)
	if len(lease(t, s, "B", 1, t0)) != 0 {
		t.Fatal("B leased a job fully out")
	}
	st, err := s.Expire(context.Background(), t0.Add(2*time.Minute))
	if err != nil || st.Leases != 1 {
		t.Fatalf("Expire = %+v, %v; want 1 lease", st, err)
	}
	if len(lease(t, s, "B", 1, t0.Add(2*time.Minute))) != 1 {
		t.Fatal("expired lease not requeued")
	}
	if err := s.Heartbeat(context.Background(), a[0].ID, "A", t0.Add(3*time.Minute), t0.Add(2*time.Minute), ""); !errors.Is(err, store.ErrLeaseGone) {
		t.Fatalf("heartbeat on expired lease: %v, want ErrLeaseGone", err)
	}
	if _, err := s.Report(context.Background(), store.Report{LeaseID: a[0].ID, Node: "A", OutputHash: hash("late"), Now: t0.Add(2 * time.Minute)}); !errors.Is(err, store.ErrLeaseGone) {
		t.Fatalf("report on expired lease: %v, want ErrLeaseGone", err)
	}
}

func testHeartbeat(t *testing.T, s store.Store) {
	create(t, s, 1, 1, 3)
	a := lease(t, s, "A", 1, t0)
	ctx := context.Background()
	if err := s.Heartbeat(ctx, a[0].ID, "B", t0.Add(5*time.Minute), t0, ""); !errors.Is(err, store.ErrNotYours) {
		t.Fatalf("foreign heartbeat: %v, want ErrNotYours", err)
	}
	if err := s.Heartbeat(ctx, a[0].ID, "A", t0.Add(5*time.Minute), t0.Add(50*time.Second), ""); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Expire(ctx, t0.Add(2*time.Minute)); st.Leases != 0 {
		t.Fatal("extended lease expired")
	}
	if st, _ := s.Expire(ctx, t0.Add(6*time.Minute)); st.Leases != 1 {
		t.Fatal("lease did not expire after the extended deadline")
	}
}

func testSuspended(t *testing.T, s store.Store) {
	ctx := context.Background()
	ids := create(t, s, 1, 2, 3)
	a := lease(t, s, "A", 1, t0)
	b := lease(t, s, "B", 1, t0)
	check := func(step string, wantJob int, wantStats int64) {
		t.Helper()
		j, err := s.Job(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if j.Suspended != wantJob || st.SuspendedLeases != wantStats {
			t.Fatalf("%s: job suspended %d, stats %d; want %d, %d", step, j.Suspended, st.SuspendedLeases, wantJob, wantStats)
		}
	}
	check("fresh", 0, 0)
	hb := func(l store.Lease, node, state string, at time.Duration) {
		t.Helper()
		if err := s.Heartbeat(ctx, l.ID, node, t0.Add(at+time.Minute), t0.Add(at), state); err != nil {
			t.Fatalf("heartbeat %s %q: %v", node, state, err)
		}
	}
	hb(a[0], "A", protocol.ReplicaSuspended, 10*time.Second)
	hb(b[0], "B", protocol.ReplicaSuspended, 10*time.Second)
	check("both suspended", 2, 2)
	hb(a[0], "A", "", 20*time.Second) // an old node's heartbeat keeps the state
	check("empty state", 2, 2)
	hb(b[0], "B", protocol.ReplicaRunning, 20*time.Second)
	check("B resumed", 1, 1)
	if err := s.Heartbeat(ctx, a[0].ID, "A", t0.Add(2*time.Minute), t0.Add(30*time.Second), "paused"); !errors.Is(err, protocol.ErrInvalid) {
		t.Fatalf("unknown state: %v, want ErrInvalid", err)
	}
	check("after a bad state", 1, 1)
	// A suspended lease expires like any other at its deadline.
	if st, _ := s.Expire(ctx, t0.Add(81*time.Second)); st.Leases != 2 {
		t.Fatalf("expired %d leases, want 2 (the suspended one included)", st.Leases)
	}
	check("expired", 0, 0)
}

func testGiveBack(t *testing.T, s store.Store) {
	create(t, s, 1, 1, 3)
	a := lease(t, s, "A", 1, t0)
	ctx := context.Background()
	if err := s.GiveBack(ctx, a[0].ID, "A", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.GiveBack(ctx, a[0].ID, "A", t0); !errors.Is(err, store.ErrLeaseGone) {
		t.Fatalf("second give back: %v, want ErrLeaseGone", err)
	}
	if _, err := s.Report(ctx, store.Report{LeaseID: a[0].ID, Node: "A", OutputHash: hash("x"), Now: t0}); !errors.Is(err, store.ErrLeaseGone) {
		t.Fatalf("report after give back: %v, want ErrLeaseGone", err)
	}
	if len(lease(t, s, "B", 1, t0)) != 1 {
		t.Fatal("given-back lease not requeued")
	}
}

func testQuorum(t *testing.T, s store.Store) {
	ids := create(t, s, 1, 2, 4)
	a, b := lease(t, s, "A", 1, t0), lease(t, s, "B", 1, t0)
	if o := report(t, s, a[0], "out"); o.Verdict != protocol.VerdictPending || o.Settled {
		t.Fatalf("first replica: %+v", o)
	}
	o := report(t, s, b[0], "out")
	if !o.Settled || o.JobState != protocol.JobDone || o.Verdict != protocol.VerdictAccepted || len(o.Credited) != 2 {
		t.Fatalf("second replica: %+v", o)
	}
	j, _ := s.Job(context.Background(), ids[0])
	if j.State != protocol.JobDone || j.OutputHash != hash("out") {
		t.Fatalf("job = %+v", j)
	}
	if total(t, s, "A") != "1000" || total(t, s, "B") != "1000" {
		t.Fatal("credits wrong")
	}
	// replay: no second credit
	if o := report(t, s, a[0], "out"); !o.Replay || o.Verdict != protocol.VerdictAccepted || o.Settled {
		t.Fatalf("replay: %+v", o)
	}
	if total(t, s, "A") != "1000" {
		t.Fatal("replay credited twice")
	}
	cs, _, _ := s.Credits(context.Background(), "A", 0)
	if len(cs) != 1 || cs[0].JobID != ids[0] || cs[0].Amount.String() != "1000" {
		t.Fatalf("ledger = %+v", cs)
	}
	n, _ := s.Node(context.Background(), "A")
	if n.Valid != 1 || n.Invalid != 0 {
		t.Fatalf("node A = %+v", n)
	}
	st, _ := s.Stats(context.Background())
	if st.Done != 1 || st.Results != 2 || st.Credited != 2 {
		t.Fatalf("stats = %+v", st)
	}
}

func testDisagreement(t *testing.T, s store.Store) {
	ids := create(t, s, 1, 2, 4)
	a, cheat := lease(t, s, "A", 1, t0), lease(t, s, "X", 1, t0)
	report(t, s, cheat[0], "wrong")
	if o := report(t, s, a[0], "out"); o.Settled || o.JobState != protocol.JobOpen {
		t.Fatalf("no majority yet but %+v", o)
	}
	j, _ := s.Job(context.Background(), ids[0])
	if j.Target != 3 {
		t.Fatalf("target = %d, want 3", j.Target)
	}
	b := lease(t, s, "B", 1, t0)
	if len(b) != 1 {
		t.Fatal("extra replica not leased")
	}
	o := report(t, s, b[0], "out")
	if !o.Settled || o.AcceptedHash != hash("out") || len(o.Rejected) != 1 || o.Rejected[0].Node != "X" {
		t.Fatalf("outcome = %+v", o)
	}
	if total(t, s, "X") != "0" || total(t, s, "A") != "1000" || total(t, s, "B") != "1000" {
		t.Fatal("credits wrong")
	}
	if n, _ := s.Node(context.Background(), "X"); n.Invalid != 1 || n.Valid != 0 {
		t.Fatalf("cheat = %+v", n)
	}
}

func testCap(t *testing.T, s store.Store) {
	ids := create(t, s, 1, 2, 3)
	for i, out := range []string{"a", "b", "c"} {
		l := lease(t, s, fmt.Sprint("N", i), 1, t0)
		if len(l) != 1 {
			t.Fatalf("replica %d not leased", i)
		}
		report(t, s, l[0], out)
	}
	j, _ := s.Job(context.Background(), ids[0])
	if j.State != protocol.JobFailed || j.Error == "" {
		t.Fatalf("job = %+v, want failed with a reason", j)
	}
	if len(lease(t, s, "N9", 1, t0)) != 0 {
		t.Fatal("failed job leased")
	}
	st, _ := s.Stats(context.Background())
	if st.Credited != 0 {
		t.Fatal("failed job credited")
	}
}

func testIdempotent(t *testing.T, s store.Store) {
	create(t, s, 1, 2, 4)
	a := lease(t, s, "A", 1, t0)
	report(t, s, a[0], "out")
	if o := report(t, s, a[0], "out"); !o.Replay {
		t.Fatal("second report not a replay")
	}
	_, err := s.Report(context.Background(), store.Report{LeaseID: a[0].ID, Node: "A", OutputHash: hash("other"), Now: t0})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("changed result: %v, want ErrConflict", err)
	}
	b := lease(t, s, "B", 1, t0)
	if _, err := s.Report(context.Background(), store.Report{LeaseID: b[0].ID, Node: "B", OutputHash: hash("big"), OutputBytes: 2 << 20, Now: t0}); !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("output over the limit: %v, want ErrTooLarge", err)
	}
	_, err = s.Report(context.Background(), store.Report{LeaseID: a[0].ID, Node: "B", OutputHash: hash("out"), Now: t0})
	if !errors.Is(err, store.ErrNotYours) {
		t.Fatalf("foreign report: %v, want ErrNotYours", err)
	}
	st, _ := s.Stats(context.Background())
	if st.Results != 1 {
		t.Fatalf("results = %d, want 1", st.Results)
	}
}

func testAdaptive(t *testing.T, s store.Store) {
	ctx := context.Background()
	// Earn trust: 2 clean jobs with a partner.
	create(t, s, 2, 2, 4)
	for range 2 {
		report(t, s, lease(t, s, "T", 1, t0)[0], "out")
		report(t, s, lease(t, s, "P", 1, t0)[0], "out")
	}
	ids := create(t, s, 2, 2, 4)
	q := store.LeaseQuery{Node: "T", Max: 1, Now: t0, TTL: time.Minute, NewID: newID, TrustAfter: 2,
		SpotCheck: func() bool { return false }}
	ls, err := s.Lease(ctx, q)
	if err != nil || len(ls) != 1 {
		t.Fatal(ls, err)
	}
	o := report(t, s, ls[0], "solo")
	if !o.Settled || o.JobState != protocol.JobDone || len(o.Credited) != 1 {
		t.Fatalf("trusted single replica: %+v", o)
	}
	// A spot check keeps full replication.
	q.SpotCheck = func() bool { return true }
	ls, _ = s.Lease(ctx, q)
	if len(ls) != 1 || ls[0].JobID != ids[1] {
		t.Fatalf("leases = %+v", ls)
	}
	if o := report(t, s, ls[0], "solo"); o.Settled {
		t.Fatal("spot-checked job settled on one replica")
	}
	// An untrusted node never lowers replication; a lowered job that
	// expires unreported goes back to full replication.
	ids = create(t, s, 1, 2, 4)
	q.SpotCheck = func() bool { return false }
	ls, _ = s.Lease(ctx, q)
	if _, err := s.Expire(ctx, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	j, _ := s.Job(ctx, ids[0])
	if len(ls) != 1 || j.Target != 2 {
		t.Fatalf("after expiry target = %d, want 2", j.Target)
	}
	q.Node, q.Now, q.Max = "U", t0.Add(2*time.Minute), 5
	ls, _ = s.Lease(ctx, q)
	var mine []store.Lease
	for _, l := range ls {
		if l.JobID == ids[0] {
			mine = append(mine, l)
		}
	}
	if len(mine) != 1 {
		t.Fatal("U got no lease of the requeued job")
	}
	if o := report(t, s, mine[0], "solo"); o.Settled {
		t.Fatal("untrusted single result accepted")
	}
}

func testDeadline(t *testing.T, s store.Store) {
	ids := create(t, s, 1, 2, 4)
	lease(t, s, "A", 1, t0)
	st, err := s.Expire(context.Background(), t0.Add(2*time.Hour))
	if err != nil || st.Jobs != 1 {
		t.Fatalf("Expire = %+v, %v", st, err)
	}
	j, _ := s.Job(context.Background(), ids[0])
	if j.State != protocol.JobFailed {
		t.Fatalf("state = %s", j.State)
	}
}

func testBonus(t *testing.T, s store.Store) {
	create(t, s, 1, 2, 4)
	ctx := context.Background()
	a, b := lease(t, s, "A", 1, t0), lease(t, s, "B", 1, t0)
	if _, err := s.Report(ctx, store.Report{LeaseID: a[0].ID, Node: "A", OutputHash: hash("o"), BonusBP: 2500, Now: t0}); err != nil {
		t.Fatal(err)
	}
	report(t, s, b[0], "o")
	if total(t, s, "A") != "1250" || total(t, s, "B") != "1000" {
		t.Fatalf("A %s B %s, want 1250 and 1000", total(t, s, "A"), total(t, s, "B"))
	}
}

func testMeta(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Meta(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing meta: %v", err)
	}
	if err := s.SetMeta(ctx, "k", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "k", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Meta(ctx, "k"); err != nil || string(v) != "v2" {
		t.Fatalf("meta = %q, %v", v, err)
	}
}

func testBlobs(t *testing.T, s store.Store) {
	ctx := context.Background()
	h := hash("blob")
	if _, err := s.Blob(ctx, h); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing blob: %v", err)
	}
	if _, err := s.BlobSize(ctx, h); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing blob size: %v", err)
	}
	for range 2 { // the second put is a no-op
		if err := s.PutBlob(ctx, h, []byte("data\x00bytes")); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := s.Blob(ctx, h); err != nil || string(b) != "data\x00bytes" {
		t.Fatalf("blob = %q, %v", b, err)
	}
	if n, err := s.BlobSize(ctx, h); err != nil || n != 10 {
		t.Fatalf("size = %d, %v", n, err)
	}
}

// testConcurrent: many writers at once (implementations may batch them
// into shared commits); a failing unit leaves no trace and does not take
// its neighbours down.
func testConcurrent(t *testing.T, s store.Store) {
	ids := create(t, s, 1, 2, 4)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Go(func() {
			id := newID()
			if i%2 == 1 {
				id = ids[0] // duplicate: must fail alone
			}
			errs[i] = s.CreateJobs(ctx, []store.NewJob{{ID: id, Requester: "0xReq", Spec: spec(2), Cap: 4}}, t0, nil)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if i%2 == 1 && !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("unit %d: %v, want ErrDuplicate", i, err)
		}
		if i%2 == 0 && err != nil {
			t.Fatalf("unit %d: %v", i, err)
		}
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Open != 21 {
		t.Fatalf("open jobs = %d, %v; want 21", st.Open, err)
	}
	// A canceled caller gets an error and writes nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.CreateJobs(cctx, []store.NewJob{{ID: newID(), Requester: "0xReq", Spec: spec(2), Cap: 4}}, t0, nil); err == nil {
		t.Fatal("canceled create succeeded")
	}
	if st, _ := s.Stats(ctx); st.Open != 21 {
		t.Fatalf("open jobs = %d after a canceled create", st.Open)
	}
}

func commitments(t *testing.T, s store.Store) (credited, reserved string) {
	t.Helper()
	c, err := s.Commitments(context.Background())
	if err != nil {
		t.Fatalf("Commitments: %v", err)
	}
	return c.Credited.String(), c.Reserved.String()
}

func reserved(reward int64, replicas, cap int) store.NewJob {
	sp := spec(replicas)
	sp.RewardPerReplica = fmt.Sprint(reward)
	return store.NewJob{ID: newID(), Requester: "0xReq", Spec: sp, Cap: cap, Reserve: store.WorstCase(big.NewInt(reward), cap)}
}

// testCommitments: a job reserves its worst case while open; a limit
// refuses jobs that would commit more; settling swaps the reserve for
// the credits, failing releases it.
func testCommitments(t *testing.T, s store.Store) {
	ctx := context.Background()
	if c, r := commitments(t, s); c != "0" || r != "0" {
		t.Fatalf("empty store commits %s + %s", c, r)
	}
	if w := store.WorstCase(big.NewInt(1000), 4); w.String() != "5000" {
		t.Fatalf("WorstCase(1000, 4) = %s, want 5000", w)
	}
	a := reserved(1000, 2, 4) // 5000
	if err := s.CreateJobs(ctx, []store.NewJob{a}, t0, nil); err != nil {
		t.Fatal(err)
	}
	if c, r := commitments(t, s); c != "0" || r != "5000" {
		t.Fatalf("after one job: %s + %s, want 0 + 5000", c, r)
	}
	b, d := reserved(1000, 2, 4), reserved(1, 1, 1)
	err := s.CreateJobs(ctx, []store.NewJob{d, b}, t0, big.NewInt(9999))
	var be *store.BudgetError
	if !errors.Is(err, store.ErrOverBudget) || !errors.As(err, &be) {
		t.Fatalf("over the limit: err = %v, want a BudgetError", err)
	}
	if be.Available().String() != "4999" || be.Asked.String() != "5001" || be.Committed.String() != "5000" {
		t.Fatalf("BudgetError = %+v (available %s)", be, be.Available())
	}
	if _, err := s.Job(ctx, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused batch left job %s: %v", d.ID, err)
	}
	if c, r := commitments(t, s); c != "0" || r != "5000" {
		t.Fatalf("after a refusal: %s + %s, want 0 + 5000", c, r)
	}
	if err := s.CreateJobs(ctx, []store.NewJob{b}, t0, big.NewInt(10000)); err != nil {
		t.Fatalf("exactly at the limit: %v", err)
	}
	// Settle a: A with the top bonus, B without: 1250 + 1000 credited.
	la, lb := lease(t, s, "A", 1, t0), lease(t, s, "B", 1, t0)
	if la[0].JobID != a.ID || lb[0].JobID != a.ID {
		t.Fatalf("leased %s and %s, want %s", la[0].JobID, lb[0].JobID, a.ID)
	}
	if _, err := s.Report(ctx, store.Report{LeaseID: la[0].ID, Node: "A", OutputHash: hash("o"), BonusBP: 2500, Now: t0}); err != nil {
		t.Fatal(err)
	}
	if c, r := commitments(t, s); c != "0" || r != "10000" {
		t.Fatalf("one result in: %s + %s, want 0 + 10000", c, r)
	}
	report(t, s, lb[0], "o")
	report(t, s, lb[0], "o") // a replay changes nothing
	if c, r := commitments(t, s); c != "2250" || r != "5000" {
		t.Fatalf("after settling: %s + %s, want 2250 + 5000", c, r)
	}
	// A job that fails without a majority releases its reserve.
	f := reserved(100, 2, 3) // 375
	if err := s.CreateJobs(ctx, []store.NewJob{f}, t0, nil); err != nil {
		t.Fatal(err)
	}
	if l := append(lease(t, s, "A", 1, t0), lease(t, s, "B", 1, t0)...); len(l) != 2 || l[0].JobID != b.ID || l[1].JobID != b.ID {
		t.Fatalf("b's replicas: %+v", l)
	}
	for i, out := range []string{"x", "y", "z"} {
		l := lease(t, s, fmt.Sprint("F", i), 1, t0)
		if len(l) != 1 || l[0].JobID != f.ID {
			t.Fatalf("lease %d = %+v", i, l)
		}
		report(t, s, l[0], out)
	}
	if c, r := commitments(t, s); c != "2250" || r != "5000" {
		t.Fatalf("after a failure: %s + %s, want 2250 + 5000", c, r)
	}
	// b passes its deadline: its reserve is released.
	if st, err := s.Expire(ctx, t0.Add(2*time.Hour)); err != nil || st.Jobs != 1 {
		t.Fatalf("Expire = %+v, %v", st, err)
	}
	if c, r := commitments(t, s); c != "2250" || r != "0" {
		t.Fatalf("after the deadline: %s + %s, want 2250 + 0", c, r)
	}
}

// testCommitmentsConcurrent: concurrent submissions never commit past the
// limit together.
func testCommitmentsConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n = 12
	limit := store.WorstCase(big.NewInt(1000), 4)
	limit.Mul(limit, big.NewInt(5))
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.CreateJobs(ctx, []store.NewJob{reserved(1000, 2, 4)}, t0, limit) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrOverBudget):
			t.Fatalf("CreateJobs: %v", err)
		}
	}
	if ok != 5 {
		t.Fatalf("%d of %d jobs admitted under a limit for 5", ok, n)
	}
	if _, r := commitments(t, s); r != limit.String() {
		t.Fatalf("reserved %s, want %s", r, limit)
	}
}

// testFailureLine: a job whose output limit is smaller than a failure
// line still settles with that line (protocol.FailureLine); anything
// longer than a failure line is still refused.
func testFailureLine(t *testing.T, s store.Store) {
	sp := spec(1)
	sp.Limits.OutputBytes = 1
	id := newID()
	if err := s.CreateJobs(context.Background(), []store.NewJob{{ID: id, Requester: "0xReq", Spec: sp, Cap: 1}}, t0, nil); err != nil {
		t.Fatal(err)
	}
	a := lease(t, s, "A", 1, t0)
	if len(a) != 1 {
		t.Fatalf("leased %d", len(a))
	}
	if _, err := s.Report(context.Background(), store.Report{LeaseID: a[0].ID, Node: "A", OutputHash: hash("long"), OutputBytes: protocol.MaxFailureBytes + 1, Now: t0}); !errors.Is(err, store.ErrTooLarge) {
		t.Fatalf("output longer than a failure line: %v, want ErrTooLarge", err)
	}
	line := protocol.FailureLine("module exited with code 2")
	if _, err := s.Report(context.Background(), store.Report{LeaseID: a[0].ID, Node: "A", OutputHash: hash(string(line)), OutputBytes: int64(len(line)), Now: t0}); err != nil {
		t.Fatalf("failure line over a 1-byte limit: %v", err)
	}
}
