// Package sqlite is the coordinator's store on SQLite (modernc.org/sqlite,
// pure Go) in WAL mode. With synchronous=FULL (the default) a write is on
// disk before the call returns; NORMAL survives process crashes only. One
// connection writes, group-committing concurrent units; several read.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/coordinator/store/sqlstore"
)

// Store implements store.Store.
type Store = sqlstore.Store

var _ store.Store = (*Store)(nil)

// Options tune the store.
type Options struct {
	// Synchronous is SQLite's synchronous pragma: "FULL" (default, durable
	// across power loss) or "NORMAL" (durable across process crashes only).
	Synchronous string
}

// Open opens or creates the database at path and migrates it.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	sync := opts.Synchronous
	if sync == "" {
		sync = "FULL"
	}
	if sync != "FULL" && sync != "NORMAL" {
		return nil, fmt.Errorf("open store: synchronous must be FULL or NORMAL, not %q", sync)
	}
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(" + sync + ")", "busy_timeout(10000)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s, err := sqlstore.New(ctx, w, r, Dialect)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// ownerOnly creates the database file readable and writable by its owner
// only (0600) before SQLite opens it, and tightens one (with its -wal and
// -shm files) that an older version left readable by others: it holds the
// key that signs sign-in tokens. SQLite gives the -wal and -shm files it
// creates the database file's mode.
func ownerOnly(path string) error {
	if path == "" || strings.HasPrefix(path, ":memory:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return err
			}
		}
	}
	return nil
}

// Dialect is SQLite's.
var Dialect = sqlstore.Dialect{
	Name:       "sqlite",
	Migrations: migrations,
	IsUnique: func(err error) bool {
		return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "constraint failed: UNIQUE"))
	},
}

// migrations are applied in order, each once; never edit a released one.
var migrations = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
	CREATE TABLE jobs (
		seq INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		requester TEXT NOT NULL,
		spec TEXT NOT NULL,
		reward TEXT NOT NULL,
		mem_bytes INTEGER NOT NULL,
		replicas INTEGER NOT NULL,
		target INTEGER NOT NULL,
		cap INTEGER NOT NULL,
		active INTEGER NOT NULL DEFAULT 0,
		results INTEGER NOT NULL DEFAULT 0,
		adaptive INTEGER NOT NULL DEFAULT 0,
		state TEXT NOT NULL DEFAULT 'open',
		output_hash TEXT NOT NULL DEFAULT '',
		error TEXT NOT NULL DEFAULT '',
		deadline INTEGER NOT NULL,
		created_at INTEGER NOT NULL,
		done_at INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX jobs_wanting ON jobs(seq) WHERE state = 'open' AND active + results < target;
	CREATE INDEX jobs_open_deadline ON jobs(deadline) WHERE state = 'open';
	CREATE TABLE leases (
		id TEXT PRIMARY KEY,
		job_id TEXT NOT NULL REFERENCES jobs(id),
		node TEXT NOT NULL,
		state TEXT NOT NULL DEFAULT 'active',
		deadline INTEGER NOT NULL,
		created_at INTEGER NOT NULL,
		UNIQUE (job_id, node)
	);
	CREATE INDEX leases_active_deadline ON leases(deadline) WHERE state = 'active';
	CREATE TABLE results (
		lease_id TEXT PRIMARY KEY REFERENCES leases(id),
		job_id TEXT NOT NULL REFERENCES jobs(id),
		node TEXT NOT NULL,
		output_hash TEXT NOT NULL,
		metrics TEXT NOT NULL,
		bonus_bp INTEGER NOT NULL,
		verdict TEXT NOT NULL,
		created_at INTEGER NOT NULL
	);
	CREATE INDEX results_job ON results(job_id);
	CREATE TABLE credits (
		job_id TEXT NOT NULL REFERENCES jobs(id),
		node TEXT NOT NULL,
		amount TEXT NOT NULL,
		at INTEGER NOT NULL,
		PRIMARY KEY (job_id, node)
	);
	CREATE INDEX credits_node ON credits(node, at);
	CREATE TABLE nodes (
		address TEXT PRIMARY KEY,
		valid INTEGER NOT NULL DEFAULT 0,
		invalid INTEGER NOT NULL DEFAULT 0
	);`,
	`CREATE TABLE blobs (hash TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL);`,
	`ALTER TABLE jobs ADD COLUMN out_bytes INTEGER NOT NULL DEFAULT 0;`,
	sqlstore.MigrationLeaseSuspended,
	sqlstore.MigrationJobProfile,
	sqlstore.MigrationLedgerTotals,
}
