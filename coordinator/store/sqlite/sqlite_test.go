package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/coordinator/store/sqlite"
	"github.com/idlenode/idlenode/coordinator/store/storetest"
	"github.com/idlenode/idlenode/protocol"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Synchronous: "NORMAL"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path, sqlite.Options{}) // migrations run again: must be a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.Meta(ctx, "k"); err != nil || string(v) != "v" {
		t.Fatalf("after reopen meta = %q, %v", v, err)
	}
}

func TestBadSynchronous(t *testing.T) {
	if _, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Synchronous: "OFF"}); err == nil {
		t.Fatal("synchronous=OFF accepted")
	}
}

// TestLedgerTotalsBackfill: a database from before the ledger totals gets
// them from its credits and open jobs when it is opened.
func TestLedgerTotalsBackfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	spec := protocol.JobSpec{Runtime: protocol.RuntimeWASI, Module: strings.Repeat("a", 64),
		Limits:           protocol.Limits{MemoryBytes: 64 << 20, TimeoutMS: 1000, OutputBytes: 1 << 20},
		RewardPerReplica: "1000", Replicas: 1, Deadline: now.Add(time.Hour)}
	if err := s.CreateJobs(ctx, []store.NewJob{{ID: "done", Requester: "0xR", Spec: spec, Cap: 1}, {ID: "open", Requester: "0xR", Spec: spec, Cap: 3}}, now, nil); err != nil {
		t.Fatal(err)
	}
	ls, err := s.Lease(ctx, store.LeaseQuery{Node: "A", Max: 1, Now: now, TTL: time.Minute, NewID: func() string { return "l1" }})
	if err != nil || len(ls) != 1 || ls[0].JobID != "done" {
		t.Fatalf("lease = %+v, %v", ls, err)
	}
	if _, err := s.Report(ctx, store.Report{LeaseID: "l1", Node: "A", OutputHash: strings.Repeat("b", 64), BonusBP: 500, Now: now}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM ledger_totals; UPDATE jobs SET reserve = '0'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Commitments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Credited.String() != "1050" || c.Reserved.String() != "3750" {
		t.Fatalf("backfilled %s credited + %s reserved, want 1050 + 3750", c.Credited, c.Reserved)
	}
}
