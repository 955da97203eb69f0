// Package postgres is the coordinator's store on PostgreSQL (pgx), for
// several coordinators over one database: jobs are picked for leasing with
// FOR UPDATE SKIP LOCKED, so two coordinators never hand out the same
// replica. It shares its implementation with the SQLite store (sqlstore)
// and passes the same conformance suite.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"

	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/coordinator/store/sqlstore"
)

// Store implements store.Store.
type Store = sqlstore.Store

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or
// key=value string) and migrates it. Every commit is durable as far as
// the server's synchronous_commit setting makes it (on by default).
func Open(ctx context.Context, dsn string) (*Store, error) {
	w, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	r, err := sql.Open("pgx", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	r.SetMaxOpenConns(8)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	s, err := sqlstore.New(ctx, w, r, Dialect)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	return s, nil
}

// Dialect is PostgreSQL's.
var Dialect = sqlstore.Dialect{
	Name:       "postgres",
	Migrations: migrations,
	Bind:       bind,
	IsUnique: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	},
	LockSuffix: "FOR UPDATE OF jobs SKIP LOCKED",
	RowLock:    "FOR UPDATE",
	// Coordinators opening one database at once migrate it one after the
	// other (the key is "idlenode" in ASCII); released at commit.
	MigrationLock: "SELECT pg_advisory_xact_lock(7594314054553789541)",
}

// bind rewrites ? placeholders as $1, $2, ... (no query has a literal ?).
func bind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

var migrations = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value BYTEA NOT NULL);
	CREATE TABLE jobs (
		seq BIGSERIAL PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		requester TEXT NOT NULL,
		spec TEXT NOT NULL,
		reward TEXT NOT NULL,
		mem_bytes BIGINT NOT NULL,
		replicas INTEGER NOT NULL,
		target INTEGER NOT NULL,
		cap INTEGER NOT NULL,
		active INTEGER NOT NULL DEFAULT 0,
		results INTEGER NOT NULL DEFAULT 0,
		adaptive INTEGER NOT NULL DEFAULT 0,
		state TEXT NOT NULL DEFAULT 'open',
		output_hash TEXT NOT NULL DEFAULT '',
		error TEXT NOT NULL DEFAULT '',
		deadline BIGINT NOT NULL,
		created_at BIGINT NOT NULL,
		done_at BIGINT NOT NULL DEFAULT 0
	);
	CREATE INDEX jobs_wanting ON jobs(seq) WHERE state = 'open' AND active + results < target;
	CREATE INDEX jobs_open_deadline ON jobs(deadline) WHERE state = 'open';
	CREATE TABLE leases (
		id TEXT PRIMARY KEY,
		job_id TEXT NOT NULL REFERENCES jobs(id),
		node TEXT NOT NULL,
		state TEXT NOT NULL DEFAULT 'active',
		deadline BIGINT NOT NULL,
		created_at BIGINT NOT NULL,
		UNIQUE (job_id, node)
	);
	CREATE INDEX leases_active_deadline ON leases(deadline) WHERE state = 'active';
	CREATE TABLE results (
		lease_id TEXT PRIMARY KEY REFERENCES leases(id),
		job_id TEXT NOT NULL REFERENCES jobs(id),
		node TEXT NOT NULL,
		output_hash TEXT NOT NULL,
		metrics TEXT NOT NULL,
		bonus_bp BIGINT NOT NULL,
		verdict TEXT NOT NULL,
		created_at BIGINT NOT NULL
	);
	CREATE INDEX results_job ON results(job_id);
	CREATE TABLE credits (
		job_id TEXT NOT NULL REFERENCES jobs(id),
		node TEXT NOT NULL,
		amount TEXT NOT NULL,
		at BIGINT NOT NULL,
		PRIMARY KEY (job_id, node)
	);
	CREATE INDEX credits_node ON credits(node, at);
	CREATE TABLE nodes (
		address TEXT PRIMARY KEY,
		valid BIGINT NOT NULL DEFAULT 0,
		invalid BIGINT NOT NULL DEFAULT 0
	);`,
	`CREATE TABLE blobs (hash TEXT PRIMARY KEY, size BIGINT NOT NULL, data BYTEA NOT NULL);`,
	`ALTER TABLE jobs ADD COLUMN out_bytes BIGINT NOT NULL DEFAULT 0;`,
	sqlstore.MigrationLeaseSuspended,
	sqlstore.MigrationJobProfile,
	sqlstore.MigrationLedgerTotals,
}
