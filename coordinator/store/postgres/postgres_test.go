//go:build unix

package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/coordinator/store/postgres"
	"github.com/idlenode/idlenode/coordinator/store/storetest"
	"github.com/idlenode/idlenode/protocol"
)

// server returns the DSN of a PostgreSQL server for tests: $IDLENODE_TEST_POSTGRES
// if set, else a private throwaway cluster started from the local
// PostgreSQL binaries (as the postgres user when running as root); it
// skips the test when neither is available.
func server(t *testing.T) string {
	if dsn := os.Getenv("IDLENODE_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Skip("no PostgreSQL: set IDLENODE_TEST_POSTGRES to a DSN or install postgresql")
	}
	bin := filepath.Dir(bins[len(bins)-1])
	var cred *syscall.Credential
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run the server")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(filepath.Join(bin, name), args...)
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		return c
	}
	data := filepath.Join(dir, "data")
	if out, err := run("initdb", "-D", data, "-U", "idlenode", "--auth=trust", "-E", "UTF8").CombinedOutput(); err != nil {
		t.Skipf("initdb failed, skipping: %v %s", err, out)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	srv := run("postgres", "-D", data, "-p", strconv.Itoa(port), "-k", dir, "-h", "127.0.0.1", "-c", "fsync=on")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGINT) // fast shutdown
		_ = srv.Wait()
	})
	dsn := fmt.Sprintf("postgres://idlenode@127.0.0.1:%d/postgres?sslmode=disable", port)
	db, _ := sql.Open("pgx", dsn)
	defer db.Close()
	for i := 0; ; i++ {
		if err := db.Ping(); err == nil {
			break
		} else if i > 100 {
			t.Fatalf("postgres did not start: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return dsn
}

var dbSeq atomic.Int64

// TestConformance runs the store suite, each subtest in a fresh database.
func TestConformance(t *testing.T) {
	dsn := server(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	storetest.Run(t, func(t *testing.T) store.Store {
		name := fmt.Sprintf("idlenode_test_%d_%d", os.Getpid(), dbSeq.Add(1))
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		s, err := postgres.Open(context.Background(), replaceDB(dsn, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.Close()
			_, _ = admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		})
		return s
	})
}

func replaceDB(dsn, name string) string {
	// dsn ends in /postgres?sslmode=disable (ours) or is the caller's URL.
	i := len(dsn)
	if q := indexByte(dsn, '?'); q >= 0 {
		i = q
	}
	j := i
	for j > 0 && dsn[j-1] != '/' {
		j--
	}
	return dsn[:j] + name + dsn[i:]
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := postgres.Open(ctx, "postgres://nobody@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"); err == nil {
		t.Fatal("opened an unreachable server")
	}
}

// TestTwoCoordinators: two stores over one database (two coordinator
// processes) lease concurrently: no job gets more replicas than it wants,
// and never two to one node.
func TestTwoCoordinators(t *testing.T) {
	dsn := server(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("idlenode_two_%d", os.Getpid())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
	ctx := context.Background()
	a, err := postgres.Open(ctx, replaceDB(dsn, name))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, replaceDB(dsn, name)) // migrations again: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := time.Now()
	var jobs []store.NewJob
	for i := range 40 {
		jobs = append(jobs, store.NewJob{ID: fmt.Sprintf("job%02d", i), Requester: "0xR", Cap: 4, Spec: storetestSpec(now)})
	}
	if err := a.CreateJobs(ctx, jobs, now, nil); err != nil {
		t.Fatal(err)
	}
	var seq atomic.Int64
	newID := func() string { return fmt.Sprintf("lease%06d", seq.Add(1)) }
	type got struct{ job, node string }
	results := make(chan got, 1000)
	done := make(chan error, 16)
	for i := range 16 {
		s := a
		if i%2 == 1 {
			s = b
		}
		go func() {
			node := fmt.Sprintf("node%d", i%8) // each node on both coordinators
			for range 5 {
				ls, err := s.Lease(ctx, store.LeaseQuery{Node: node, Max: 3, Now: now, TTL: time.Hour, NewID: newID})
				if err != nil {
					done <- err
					return
				}
				for _, l := range ls {
					results <- got{l.JobID, node}
				}
			}
			done <- nil
		}()
	}
	for range 16 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	close(results)
	perJob := map[string]int{}
	pairs := map[got]bool{}
	for g := range results {
		if pairs[g] {
			t.Fatalf("node %s leased job %s twice", g.node, g.job)
		}
		pairs[g] = true
		perJob[g.job]++
	}
	for j, n := range perJob {
		if n > 2 {
			t.Fatalf("job %s leased %d times, wants 2", j, n)
		}
	}
	if len(pairs) != 80 {
		t.Fatalf("%d replicas leased, want all 80", len(pairs))
	}
}

func storetestSpec(now time.Time) protocol.JobSpec {
	return protocol.JobSpec{Runtime: protocol.RuntimeWASI, Module: fmt.Sprintf("%064x", 1), Seed: 1,
		Limits:           protocol.Limits{MemoryBytes: 1 << 20, TimeoutMS: 1000, OutputBytes: 1024},
		RewardPerReplica: "10", Replicas: 2, Deadline: now.Add(time.Hour)}
}

// TestConcurrentMigrations: coordinators started at the same moment on an
// empty database both open it (their migrations are serialised, not
// raced into duplicate-type errors), and the schema is there once.
func TestConcurrentMigrations(t *testing.T) {
	dsn := server(t)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	for round := range 3 {
		name := fmt.Sprintf("idlenode_race_%d_%d", os.Getpid(), round)
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		const n = 4
		stores := make(chan *postgres.Store, n)
		errs := make(chan error, n)
		start := make(chan struct{})
		for range n {
			go func() {
				<-start
				s, err := postgres.Open(ctx, replaceDB(dsn, name))
				if err != nil {
					errs <- err
					return
				}
				stores <- s
			}()
		}
		close(start)
		var failed []error
		for range n {
			select {
			case s := <-stores:
				defer s.Close()
			case err := <-errs:
				failed = append(failed, err)
			}
		}
		if len(failed) > 0 {
			t.Fatalf("round %d: %d of %d concurrent opens failed: %v", round, len(failed), n, failed)
		}
		db, err := sql.Open("pgx", replaceDB(dsn, name))
		if err != nil {
			t.Fatal(err)
		}
		var versions, totals int
		if err := db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&versions); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT count(*) FROM ledger_totals`).Scan(&totals); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if versions != len(postgres.Dialect.Migrations) || totals != 1 {
			t.Fatalf("round %d: %d migrations recorded (want %d), %d ledger_totals rows (want 1)", round, versions, len(postgres.Dialect.Migrations), totals)
		}
	}
}
