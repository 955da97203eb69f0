// Package sqlstore implements store.Store over database/sql for SQL
// databases that speak SQLite's or PostgreSQL's dialect; the sqlite and
// postgres packages open the connections and supply the Dialect. One
// writer goroutine owns the write connection and group-commits: units
// queued together share one transaction and one commit.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"sync"
	"time"

	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/protocol"
)

// Store implements store.Store.
type Store struct {
	w *sql.DB // one connection: all writes
	r *sql.DB // readers
	d Dialect

	mu      sync.Mutex
	ops     chan *op      // units for the writer goroutine
	quit    chan struct{} // closed by Close
	stopped chan struct{} // closed when the writer has returned
	closeMu sync.Once

	stmts   map[string]*sql.Stmt // prepared on w, reused by every transaction
	pending map[string]bool      // seen in a transaction, to prepare after it
}

// wtx is a write transaction whose statements are prepared once.
type wtx struct {
	tx *sql.Tx
	s  *Store
}

// stmt returns the cached statement for q, or nil: a query first seen
// inside a transaction runs unprepared and is prepared after the commit,
// when the single write connection is free again.
func (s *Store) stmt(q string) *sql.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.stmts[q]
	if !ok {
		s.pending[q] = true
	}
	return st
}

func (s *Store) preparePending(ctx context.Context) {
	s.mu.Lock()
	qs := make([]string, 0, len(s.pending))
	for q := range s.pending {
		qs = append(qs, q)
	}
	s.pending = map[string]bool{}
	s.mu.Unlock()
	for _, q := range qs {
		st, err := s.w.PrepareContext(ctx, s.d.Bind(q))
		if err != nil {
			continue // it runs unprepared next time too
		}
		s.mu.Lock()
		if _, dup := s.stmts[q]; dup {
			st.Close()
		} else {
			s.stmts[q] = st
		}
		s.mu.Unlock()
	}
}

func (t wtx) ExecContext(_ context.Context, q string, args ...any) (sql.Result, error) {
	ctx := context.Background()
	if st := t.s.stmt(q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.s.d.Bind(q), args...)
}

func (t wtx) QueryContext(_ context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx := context.Background()
	if st := t.s.stmt(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.s.d.Bind(q), args...)
}

func (t wtx) QueryRowContext(_ context.Context, q string, args ...any) *sql.Row {
	ctx := context.Background()
	if st := t.s.stmt(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.s.d.Bind(q), args...)
}

// Dialect is what differs between databases.
type Dialect struct {
	Name       string
	Migrations []string            // applied in order, each once; never edit a released one
	Bind       func(string) string // rewrites ? placeholders, nil to keep them
	IsUnique   func(error) bool    // a unique-constraint violation
	// LockSuffix ends the query that picks jobs to lease, e.g. "FOR UPDATE
	// SKIP LOCKED" where several coordinators share the database.
	LockSuffix string
	// RowLock ends a SELECT of a row the unit then updates, e.g. "FOR
	// UPDATE" where several coordinators share the database; "" where
	// one writer serialises every unit (SQLite).
	RowLock string
	// MigrationLock, when set, is the statement that begins the unit
	// migrating the schema and filling the ledger totals, and holds a lock
	// until it commits, e.g. "SELECT pg_advisory_xact_lock(…)" where
	// several coordinators may open one empty database at once (their
	// CREATE TABLEs would otherwise race). "" where the database's own
	// write lock serialises them (SQLite, BEGIN IMMEDIATE).
	MigrationLock string
}

// MigrationLeaseSuspended records each lease's replica state (1:
// suspended by its node). The same statement serves every dialect, which
// each append it to their Migrations.
const MigrationLeaseSuspended = `ALTER TABLE leases ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;`

// MigrationJobProfile records the sandbox profile that holds each job's
// replicas (empty for none yet); every dialect appends it.
const MigrationJobProfile = `ALTER TABLE jobs ADD COLUMN profile TEXT NOT NULL DEFAULT '';`

// MigrationLedgerTotals keeps each job's reserve (the most it may still
// credit while open) and one row of running totals: every credit ever
// written and the reserves of open jobs. Amounts are decimal text. New
// fills the row from the existing data the first time.
const MigrationLedgerTotals = `ALTER TABLE jobs ADD COLUMN reserve TEXT NOT NULL DEFAULT '0';
	CREATE TABLE ledger_totals (id INTEGER PRIMARY KEY, credited TEXT NOT NULL, reserved TEXT NOT NULL);`

// New wraps a write pool (it is limited to one connection) and a read
// pool, runs the migrations, and starts the writer.
func New(ctx context.Context, w, r *sql.DB, d Dialect) (*Store, error) {
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if d.Bind == nil {
		d.Bind = func(q string) string { return q }
	}
	s := &Store{w: w, r: r, d: d, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{},
		ops: make(chan *op), quit: make(chan struct{}), stopped: make(chan struct{})}
	go s.writer()
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the migrations not yet applied and writes the ledger
// totals if missing, as one unit behind the dialect's MigrationLock: two
// coordinators opening one new database at once, the second waits for
// the first and finds the schema done.
func (s *Store) migrate(ctx context.Context) error {
	return s.tx(ctx, func(tx wtx) error {
		if s.d.MigrationLock != "" {
			if _, err := tx.ExecContext(ctx, s.d.MigrationLock); err != nil {
				return fmt.Errorf("migrate: lock: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		for i, m := range s.d.Migrations {
			v := i + 1
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
				return fmt.Errorf("migrate to version %d: %w", v, err)
			}
			if n > 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, m); err != nil {
				return fmt.Errorf("migrate to version %d: %w", v, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version) VALUES (?)`, v); err != nil {
				return fmt.Errorf("migrate to version %d: %w", v, err)
			}
		}
		if err := ensureTotals(ctx, tx); err != nil {
			return fmt.Errorf("ledger totals: %w", err)
		}
		return nil
	})
}

// Close closes the database.
func (s *Store) Close() error {
	s.closeMu.Do(func() { close(s.quit) })
	<-s.stopped
	s.mu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = map[string]*sql.Stmt{}
	s.mu.Unlock()
	return errors.Join(s.r.Close(), s.w.Close())
}

// op is one store method's transaction body waiting for the writer.
type op struct {
	ctx  context.Context
	fn   func(wtx) error
	done chan error
}

// maxBatch bounds how many operations share one commit.
const maxBatch = 128

// tx runs fn as one atomic unit. Units queued at the same time share one
// SQLite transaction and one commit (group commit: one fsync for many
// acknowledged writes); each runs inside its own savepoint, so a failing
// unit leaves no trace while its neighbours commit. fn returns only after
// the commit is durable (per the synchronous setting).
func (s *Store) tx(ctx context.Context, fn func(wtx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &op{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.ops <- o:
	case <-s.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued the unit may already be committing: wait for the verdict
	// so that an acknowledged write is never reported as failed.
	return <-o.done
}

var errClosed = errors.New("store closed")

// writer owns the write connection and commits batches of units.
func (s *Store) writer() {
	defer close(s.stopped)
	for {
		var batch []*op
		select {
		case o := <-s.ops:
			batch = append(batch, o)
		case <-s.quit:
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case o := <-s.ops:
				batch = append(batch, o)
			default:
				break fill
			}
		}
		s.commit(batch)
	}
}

func (s *Store) commit(batch []*op) {
	bg := context.Background()
	errs := make([]error, len(batch))
	tx, err := s.w.BeginTx(bg, nil)
	if err != nil {
		for _, o := range batch {
			o.done <- err
		}
		return
	}
	w := wtx{tx: tx, s: s}
	for i, o := range batch {
		if err := o.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.ExecContext(bg, `SAVEPOINT unit`); err != nil {
			errs[i] = err
			continue
		}
		// Statements run without the caller's cancellation: an interrupt
		// would roll back the whole shared transaction.
		if err := o.fn(w); err != nil {
			errs[i] = err
			if _, rerr := tx.ExecContext(bg, `ROLLBACK TO unit`); rerr != nil {
				errs[i] = errors.Join(err, rerr)
			}
		}
		if _, err := tx.ExecContext(bg, `RELEASE unit`); err != nil && errs[i] == nil {
			errs[i] = err
		}
	}
	if err := tx.Commit(); err != nil {
		for _, o := range batch {
			o.done <- fmt.Errorf("commit: %w", err)
		}
		return
	}
	s.mu.Lock()
	n := len(s.pending)
	s.mu.Unlock()
	if n > 0 {
		s.preparePending(bg)
	}
	for i, o := range batch {
		o.done <- errs[i]
	}
}

func ms(t time.Time) int64 { return t.UnixMilli() }
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// ensureTotals writes the ledger_totals row from the data when there is
// none (a database from before MigrationLedgerTotals): the sum of the
// credits, and the worst case of each open job as its reserve.
func ensureTotals(ctx context.Context, tx wtx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ledger_totals`).Scan(&n); err != nil || n > 0 {
		return err
	}
	credited := new(big.Int)
	rows, err := tx.QueryContext(ctx, `SELECT amount FROM credits`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			rows.Close()
			return err
		}
		v, ok := new(big.Int).SetString(a, 10)
		if !ok {
			rows.Close()
			return fmt.Errorf("stored credit %q is not an integer", a)
		}
		credited.Add(credited, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	type open struct {
		id, reward string
		cap        int
	}
	var jobs []open
	rows, err = tx.QueryContext(ctx, `SELECT id, reward, cap FROM jobs WHERE state = 'open'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var j open
		if err := rows.Scan(&j.id, &j.reward, &j.cap); err != nil {
			rows.Close()
			return err
		}
		jobs = append(jobs, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	reserved := new(big.Int)
	for _, j := range jobs {
		reward, ok := new(big.Int).SetString(j.reward, 10)
		if !ok {
			return fmt.Errorf("stored reward of %s is not an integer", j.id)
		}
		w := store.WorstCase(reward, j.cap)
		reserved.Add(reserved, w)
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET reserve = ? WHERE id = ?`, w.String(), j.id); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ledger_totals (id, credited, reserved) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`,
		credited.String(), reserved.String())
	return err
}

// loadTotals reads the ledger_totals row for an update in the same unit
// (locked where several writers share the database).
func (s *Store) loadTotals(ctx context.Context, tx wtx) (store.Commitments, error) {
	var cs, rs string
	if err := tx.QueryRowContext(ctx, `SELECT credited, reserved FROM ledger_totals WHERE id = 1 `+s.d.RowLock).Scan(&cs, &rs); err != nil {
		return store.Commitments{}, fmt.Errorf("ledger totals: %w", err)
	}
	return parseTotals(cs, rs)
}

func parseTotals(cs, rs string) (store.Commitments, error) {
	c, ok1 := new(big.Int).SetString(cs, 10)
	r, ok2 := new(big.Int).SetString(rs, 10)
	if !ok1 || !ok2 {
		return store.Commitments{}, fmt.Errorf("ledger totals %q, %q are not integers", cs, rs)
	}
	return store.Commitments{Credited: c, Reserved: r}, nil
}

// addTotals adds to the running totals; nil adds nothing.
func (s *Store) addTotals(ctx context.Context, tx wtx, credited, reserved *big.Int) error {
	if (credited == nil || credited.Sign() == 0) && (reserved == nil || reserved.Sign() == 0) {
		return nil
	}
	t, err := s.loadTotals(ctx, tx)
	if err != nil {
		return err
	}
	if credited != nil {
		t.Credited.Add(t.Credited, credited)
	}
	if reserved != nil {
		t.Reserved.Add(t.Reserved, reserved)
	}
	_, err = tx.ExecContext(ctx, `UPDATE ledger_totals SET credited = ?, reserved = ? WHERE id = 1`, t.Credited.String(), t.Reserved.String())
	return err
}

// Commitments implements store.Store.
func (s *Store) Commitments(ctx context.Context) (store.Commitments, error) {
	var cs, rs string
	err := s.r.QueryRowContext(ctx, `SELECT credited, reserved FROM ledger_totals WHERE id = 1`).Scan(&cs, &rs)
	if err != nil {
		return store.Commitments{}, fmt.Errorf("commitments: %w", err)
	}
	return parseTotals(cs, rs)
}

// CreateJobs implements store.Store.
func (s *Store) CreateJobs(ctx context.Context, jobs []store.NewJob, now time.Time, limit *big.Int) error {
	err := s.tx(ctx, func(tx wtx) error {
		asked := new(big.Int)
		for _, j := range jobs {
			if j.Reserve != nil && j.Reserve.Sign() > 0 {
				asked.Add(asked, j.Reserve)
			}
		}
		if limit != nil || asked.Sign() > 0 {
			t, err := s.loadTotals(ctx, tx)
			if err != nil {
				return err
			}
			if limit != nil {
				if c := t.Total(); new(big.Int).Add(c, asked).Cmp(limit) > 0 {
					return &store.BudgetError{Limit: new(big.Int).Set(limit), Committed: c, Asked: asked}
				}
			}
			if asked.Sign() > 0 {
				t.Reserved.Add(t.Reserved, asked)
				if _, err := tx.ExecContext(ctx, `UPDATE ledger_totals SET reserved = ? WHERE id = 1`, t.Reserved.String()); err != nil {
					return err
				}
			}
		}
		for _, j := range jobs {
			reserve := "0"
			if j.Reserve != nil && j.Reserve.Sign() > 0 {
				reserve = j.Reserve.String()
			}
			spec, err := json.Marshal(j.Spec)
			if err != nil {
				return err
			}
			cp := max(j.Cap, j.Spec.Replicas)
			if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, requester, spec, reward, mem_bytes, out_bytes, replicas, target, cap, deadline, created_at, reserve)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, j.ID, j.Requester, string(spec), j.Spec.RewardPerReplica, j.Spec.Limits.MemoryBytes,
				j.Spec.Limits.OutputBytes, j.Spec.Replicas, j.Spec.Replicas, cp, ms(j.Spec.Deadline), ms(now), reserve); err != nil {
				if s.d.IsUnique(err) {
					return fmt.Errorf("job %s: %w", j.ID, store.ErrDuplicate)
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create jobs: %w", err)
	}
	return nil
}

const jobCols = `id, requester, spec, state, target, cap, active, results, output_hash, error, created_at, done_at,
	(SELECT count(*) FROM leases l WHERE l.job_id = jobs.id AND l.state = 'active' AND l.suspended = 1)`

type scanner interface{ Scan(...any) error }

func scanJob(r scanner) (store.Job, error) {
	var j store.Job
	var spec string
	var created, done int64
	if err := r.Scan(&j.ID, &j.Requester, &spec, &j.State, &j.Target, &j.Cap, &j.Active, &j.Results, &j.OutputHash, &j.Error, &created, &done, &j.Suspended); err != nil {
		return j, err
	}
	if err := json.Unmarshal([]byte(spec), &j.Spec); err != nil {
		return j, fmt.Errorf("decode stored spec of %s: %w", j.ID, err)
	}
	j.CreatedAt, j.DoneAt = fromMS(created), fromMS(done)
	return j, nil
}

// Job implements store.Store.
func (s *Store) Job(ctx context.Context, id string) (store.Job, error) {
	j, err := scanJob(s.r.QueryRowContext(ctx, s.d.Bind(`SELECT `+jobCols+` FROM jobs WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("job %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("get job: %w", err)
	}
	return j, nil
}

func expireTx(ctx context.Context, tx wtx, now time.Time) (store.ExpireStats, error) {
	var st store.ExpireStats
	rows, err := tx.QueryContext(ctx, `SELECT id, job_id FROM leases WHERE state = 'active' AND deadline <= ?`, ms(now))
	if err != nil {
		return st, err
	}
	var ids, jobs []string
	for rows.Next() {
		var id, job string
		if err := rows.Scan(&id, &job); err != nil {
			rows.Close()
			return st, err
		}
		ids, jobs = append(ids, id), append(jobs, job)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	for i := range ids {
		if err := requeue(ctx, tx, ids[i], jobs[i], "expired"); err != nil {
			return st, err
		}
	}
	st.Leases = len(ids)
	rows, err = tx.QueryContext(ctx, `UPDATE jobs SET state = 'failed', error = 'deadline passed before a quorum', done_at = ?
		WHERE state = 'open' AND deadline <= ? RETURNING reserve`, ms(now), ms(now))
	if err != nil {
		return st, err
	}
	released := new(big.Int)
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return st, err
		}
		v, ok := new(big.Int).SetString(r, 10)
		if !ok {
			rows.Close()
			return st, fmt.Errorf("stored reserve %q is not an integer", r)
		}
		released.Sub(released, v)
		st.Jobs++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	if released.Sign() != 0 {
		return st, tx.s.addTotals(ctx, tx, nil, released)
	}
	return st, nil
}

// requeue ends an active lease; a job whose replication was lowered for a
// trusted node goes back to full replication if that node produced nothing.
func requeue(ctx context.Context, tx wtx, leaseID, jobID, state string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE leases SET state = ? WHERE id = ?`, state, leaseID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE jobs SET active = active - 1,
		target = CASE WHEN adaptive = 1 AND results = 0 AND active = 1 THEN replicas ELSE target END,
		adaptive = CASE WHEN adaptive = 1 AND results = 0 AND active = 1 THEN 0 ELSE adaptive END
		WHERE id = ?`, jobID)
	return err
}

// Expire implements store.Store.
func (s *Store) Expire(ctx context.Context, now time.Time) (store.ExpireStats, error) {
	var st store.ExpireStats
	err := s.tx(ctx, func(tx wtx) error {
		var err error
		st, err = expireTx(ctx, tx, now)
		return err
	})
	if err != nil {
		return st, fmt.Errorf("expire leases: %w", err)
	}
	return st, nil
}

// Lease implements store.Store.
func (s *Store) Lease(ctx context.Context, q store.LeaseQuery) ([]store.Lease, error) {
	var out []store.Lease
	err := s.tx(ctx, func(tx wtx) error {
		out = out[:0]
		if _, err := expireTx(ctx, tx, q.Now); err != nil {
			return err
		}
		mem := q.MemoryBytes
		if mem <= 0 {
			mem = 1 << 62
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, spec, replicas, results, active, adaptive FROM jobs
			WHERE state = 'open' AND active + results < target AND mem_bytes <= ? AND deadline > ?
			AND (profile = '' OR profile = ? OR (results = 0 AND active = 0))
			AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.job_id = jobs.id AND l.node = ?)
			ORDER BY seq LIMIT ? `+s.d.LockSuffix, mem, ms(q.Now), q.Profile, q.Node, q.Max)
		if err != nil {
			return err
		}
		type pick struct {
			id, spec                            string
			replicas, results, active, adaptive int
		}
		var picks []pick
		for rows.Next() {
			var p pick
			if err := rows.Scan(&p.id, &p.spec, &p.replicas, &p.results, &p.active, &p.adaptive); err != nil {
				rows.Close()
				return err
			}
			picks = append(picks, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(picks) == 0 {
			return nil
		}
		trusted := false
		if q.TrustAfter > 0 {
			n, err := nodeTx(ctx, tx, q.Node)
			if err != nil {
				return err
			}
			trusted = n.Trusted(q.TrustAfter)
		}
		deadline := q.Now.Add(q.TTL)
		for _, p := range picks {
			id := q.NewID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO leases (id, job_id, node, deadline, created_at) VALUES (?, ?, ?, ?, ?)`,
				id, p.id, q.Node, ms(deadline), ms(q.Now)); err != nil {
				return err
			}
			single := trusted && p.replicas == 2 && p.results == 0 && p.active == 0 && p.adaptive == 0 &&
				(q.SpotCheck == nil || !q.SpotCheck())
			if single {
				_, err = tx.ExecContext(ctx, `UPDATE jobs SET active = active + 1, target = 1, adaptive = 1, profile = ? WHERE id = ?`, q.Profile, p.id)
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE jobs SET active = active + 1, profile = ? WHERE id = ?`, q.Profile, p.id)
			}
			if err != nil {
				return err
			}
			var spec protocol.JobSpec
			if err := json.Unmarshal([]byte(p.spec), &spec); err != nil {
				return fmt.Errorf("decode stored spec of %s: %w", p.id, err)
			}
			out = append(out, store.Lease{ID: id, JobID: p.id, Node: q.Node, Spec: spec, Deadline: deadline})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("lease jobs: %w", err)
	}
	return out, nil
}

func leaseOwner(ctx context.Context, tx wtx, leaseID, node string) (job, state string, err error) {
	var owner string
	err = tx.QueryRowContext(ctx, `SELECT job_id, node, state FROM leases WHERE id = ?`, leaseID).Scan(&job, &owner, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("lease %s: %w", leaseID, store.ErrNotFound)
	}
	if err != nil {
		return "", "", err
	}
	if owner != node {
		return "", "", fmt.Errorf("lease %s: %w", leaseID, store.ErrNotYours)
	}
	return job, state, nil
}

// Heartbeat implements store.Store.
func (s *Store) Heartbeat(ctx context.Context, leaseID, node string, deadline, now time.Time, state string) error {
	suspended := -1 // keep
	switch state {
	case "":
	case protocol.ReplicaRunning:
		suspended = 0
	case protocol.ReplicaSuspended:
		suspended = 1
	default:
		return fmt.Errorf("heartbeat: state %q: %w", state, protocol.ErrInvalid)
	}
	err := s.tx(ctx, func(tx wtx) error {
		_, state, err := leaseOwner(ctx, tx, leaseID, node)
		if err != nil {
			return err
		}
		var dl int64
		if err := tx.QueryRowContext(ctx, `SELECT deadline FROM leases WHERE id = ?`, leaseID).Scan(&dl); err != nil {
			return err
		}
		if state != "active" || dl <= ms(now) {
			return fmt.Errorf("lease %s is %s: %w", leaseID, stateWord(state, dl, now), store.ErrLeaseGone)
		}
		if suspended < 0 {
			_, err = tx.ExecContext(ctx, `UPDATE leases SET deadline = ? WHERE id = ?`, ms(deadline), leaseID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE leases SET deadline = ?, suspended = ? WHERE id = ?`, ms(deadline), suspended, leaseID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

func stateWord(state string, dl int64, now time.Time) string {
	if state == "active" && dl <= ms(now) {
		return "expired"
	}
	return state
}

// GiveBack implements store.Store.
func (s *Store) GiveBack(ctx context.Context, leaseID, node string, now time.Time) error {
	err := s.tx(ctx, func(tx wtx) error {
		job, state, err := leaseOwner(ctx, tx, leaseID, node)
		if err != nil {
			return err
		}
		if state != "active" {
			return fmt.Errorf("lease %s is %s: %w", leaseID, state, store.ErrLeaseGone)
		}
		return requeue(ctx, tx, leaseID, job, "given_back")
	})
	if err != nil {
		return fmt.Errorf("give back: %w", err)
	}
	return nil
}

// Report implements store.Store.
func (s *Store) Report(ctx context.Context, r store.Report) (store.Outcome, error) {
	var out store.Outcome
	err := s.tx(ctx, func(tx wtx) error {
		out = store.Outcome{}
		job, state, err := leaseOwner(ctx, tx, r.LeaseID, r.Node)
		if err != nil {
			return err
		}
		out.JobID = job
		var prevHash, prevVerdict string
		err = tx.QueryRowContext(ctx, `SELECT output_hash, verdict FROM results WHERE lease_id = ?`, r.LeaseID).Scan(&prevHash, &prevVerdict)
		switch {
		case err == nil:
			if prevHash != r.OutputHash {
				return fmt.Errorf("lease %s: %w", r.LeaseID, store.ErrConflict)
			}
			if err := tx.QueryRowContext(ctx, `SELECT state FROM jobs WHERE id = ?`, job).Scan(&out.JobState); err != nil {
				return err
			}
			out.Verdict, out.Replay = prevVerdict, true
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if state != "active" {
			// An expired or given-back lease's replica went back to the
			// queue; counting a late result could let it stand in for a
			// replica the job has since handed to someone else (and to a
			// trusted node alone).
			return fmt.Errorf("lease %s is %s: %w", r.LeaseID, state, store.ErrLeaseGone)
		}
		var reward, reserve, jobState string
		var target, cp, active, results int
		var outMax int64
		if err := tx.QueryRowContext(ctx, `SELECT reward, reserve, state, target, cap, active, results, out_bytes FROM jobs WHERE id = ?`, job).
			Scan(&reward, &reserve, &jobState, &target, &cp, &active, &results, &outMax); err != nil {
			return err
		}
		// A failure line may be longer than a tiny limit (protocol.FailureLine).
		if outMax > 0 && r.OutputBytes > max(outMax, protocol.MaxFailureBytes) {
			return fmt.Errorf("lease %s: %d bytes, limit %d: %w", r.LeaseID, r.OutputBytes, outMax, store.ErrTooLarge)
		}
		metrics, _ := json.Marshal(r.Metrics)
		verdict := protocol.VerdictPending
		if jobState != protocol.JobOpen {
			verdict = protocol.VerdictLate
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO results (lease_id, job_id, node, output_hash, metrics, bonus_bp, verdict, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.LeaseID, job, r.Node, r.OutputHash, string(metrics), r.BonusBP, verdict, ms(r.Now)); err != nil {
			return err
		}
		active--
		if _, err := tx.ExecContext(ctx, `UPDATE leases SET state = 'reported' WHERE id = ?`, r.LeaseID); err != nil {
			return err
		}
		out.JobState, out.Verdict = jobState, verdict
		if jobState != protocol.JobOpen {
			return nil // settled without it: kept for the record, never credited
		}
		results++
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET active = ?, results = ? WHERE id = ?`, active, results, job); err != nil {
			return err
		}
		return s.settle(ctx, tx, job, reward, reserve, target, cp, active, r, &out)
	})
	if err != nil {
		return out, fmt.Errorf("report result: %w", err)
	}
	return out, nil
}

// settle applies the quorum rule after a result; a job that settles or
// fails releases its reserve from the ledger totals, and its credits take
// its place.
func (s *Store) settle(ctx context.Context, tx wtx, job, rewardS, reserveS string, target, cp, active int, r store.Report, out *store.Outcome) error {
	reserve, ok := new(big.Int).SetString(reserveS, 10)
	if !ok {
		return fmt.Errorf("stored reserve of %s is not an integer", job)
	}
	type res struct {
		lease, node, hash string
		bonus             int64
	}
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, node, output_hash, bonus_bp FROM results WHERE job_id = ? AND verdict = 'pending' ORDER BY created_at, lease_id`, job)
	if err != nil {
		return err
	}
	var all []res
	var hashes []string
	for rows.Next() {
		var x res
		if err := rows.Scan(&x.lease, &x.node, &x.hash, &x.bonus); err != nil {
			rows.Close()
			return err
		}
		all, hashes = append(all, x), append(hashes, x.hash)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	d := store.Decide(target, cp, active, hashes)
	switch {
	case d.Accept:
		reward, ok := new(big.Int).SetString(rewardS, 10)
		if !ok {
			return fmt.Errorf("stored reward of %s is not an integer", job)
		}
		out.Settled, out.AcceptedHash, out.JobState = true, d.Hash, protocol.JobDone
		out.Credited = map[string]*big.Int{}
		credited := new(big.Int)
		day := r.Now
		for _, x := range all {
			v := protocol.VerdictRejected
			if x.hash == d.Hash {
				v = protocol.VerdictAccepted
				amt := store.CreditAmount(reward, x.bonus)
				if _, err := tx.ExecContext(ctx, `INSERT INTO credits (job_id, node, amount, at) VALUES (?, ?, ?, ?)`, job, x.node, amt.String(), ms(day)); err != nil {
					return err
				}
				out.Credited[x.node] = amt
				credited.Add(credited, amt)
				if err := bump(ctx, tx, x.node, "valid"); err != nil {
					return err
				}
			} else {
				out.Rejected = append(out.Rejected, store.Rejected{Node: x.node, OutputHash: x.hash})
				if err := bump(ctx, tx, x.node, "invalid"); err != nil {
					return err
				}
			}
			if x.lease == r.LeaseID {
				out.Verdict = v
			}
			if _, err := tx.ExecContext(ctx, `UPDATE results SET verdict = ? WHERE lease_id = ?`, v, x.lease); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', output_hash = ?, done_at = ? WHERE id = ?`, d.Hash, ms(r.Now), job); err != nil {
			return err
		}
		return s.addTotals(ctx, tx, credited, reserve.Neg(reserve))
	case d.MoreTarget > 0:
		out.MoreReplicas = true
		_, err = tx.ExecContext(ctx, `UPDATE jobs SET target = ? WHERE id = ?`, d.MoreTarget, job)
		return err
	case d.Fail:
		out.Settled, out.JobState, out.Verdict = true, protocol.JobFailed, protocol.VerdictFailed
		if _, err := tx.ExecContext(ctx, `UPDATE results SET verdict = 'failed' WHERE job_id = ? AND verdict = 'pending'`, job); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', error = ?, done_at = ? WHERE id = ?`,
			fmt.Sprintf("no majority among %d replicas", len(all)), ms(r.Now), job); err != nil {
			return err
		}
		return s.addTotals(ctx, tx, nil, reserve.Neg(reserve))
	}
	return nil
}

func bump(ctx context.Context, tx wtx, node, col string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO nodes (address, `+col+`) VALUES (?, 1)
		ON CONFLICT(address) DO UPDATE SET `+col+` = nodes.`+col+` + 1`, node)
	return err
}

func nodeTx(ctx context.Context, tx wtx, node string) (store.NodeStats, error) {
	n := store.NodeStats{Address: node}
	err := tx.QueryRowContext(ctx, `SELECT valid, invalid FROM nodes WHERE address = ?`, node).Scan(&n.Valid, &n.Invalid)
	if errors.Is(err, sql.ErrNoRows) {
		return n, nil
	}
	return n, err
}

// Node implements store.Store.
func (s *Store) Node(ctx context.Context, node string) (store.NodeStats, error) {
	n := store.NodeStats{Address: node}
	err := s.r.QueryRowContext(ctx, s.d.Bind(`SELECT valid, invalid FROM nodes WHERE address = ?`), node).Scan(&n.Valid, &n.Invalid)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("get node: %w", err)
	}
	return n, nil
}

// Credits implements store.Store.
func (s *Store) Credits(ctx context.Context, node string, limit int) ([]store.Credit, *big.Int, error) {
	rows, err := s.r.QueryContext(ctx, s.d.Bind(`SELECT job_id, amount, at FROM credits WHERE node = ? ORDER BY at DESC, job_id`), node)
	if err != nil {
		return nil, nil, fmt.Errorf("list credits: %w", err)
	}
	defer rows.Close()
	total := new(big.Int)
	var out []store.Credit
	for rows.Next() {
		var c store.Credit
		var amt string
		var at int64
		if err := rows.Scan(&c.JobID, &amt, &at); err != nil {
			return nil, nil, fmt.Errorf("list credits: %w", err)
		}
		v, ok := new(big.Int).SetString(amt, 10)
		if !ok {
			return nil, nil, fmt.Errorf("list credits: stored amount %q is not an integer", amt)
		}
		total.Add(total, v)
		if limit <= 0 || len(out) < limit {
			c.Amount, c.At = v, fromMS(at)
			out = append(out, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list credits: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out, total, nil
}

// Stats implements store.Store.
func (s *Store) Stats(ctx context.Context) (store.Stats, error) {
	var st store.Stats
	err := s.r.QueryRowContext(ctx, s.d.Bind(`SELECT
		(SELECT count(*) FROM jobs WHERE state = 'open'),
		(SELECT count(*) FROM jobs WHERE state = 'done'),
		(SELECT count(*) FROM jobs WHERE state = 'failed'),
		(SELECT count(*) FROM results),
		(SELECT count(*) FROM credits),
		(SELECT count(*) FROM leases WHERE state = 'active'),
		(SELECT count(*) FROM leases WHERE state = 'active' AND suspended = 1)`)).Scan(&st.Open, &st.Done, &st.Failed, &st.Results, &st.Credited, &st.ActiveLeases, &st.SuspendedLeases)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	return st, nil
}

// Meta implements store.Store.
func (s *Store) Meta(ctx context.Context, key string) ([]byte, error) {
	return lookup[[]byte](ctx, s, `SELECT value FROM meta WHERE key = ?`, key, "meta", "get meta")
}

// lookup reads the one value query selects for key; no row is
// store.ErrNotFound ("what KEY: not found"), another failure "op: err".
func lookup[T any](ctx context.Context, s *Store, query, key, what, op string) (T, error) {
	var v T
	err := s.r.QueryRowContext(ctx, s.d.Bind(query), key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("%s %s: %w", what, key, store.ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("%s: %w", op, err)
	}
	return v, nil
}

// SetMeta implements store.Store.
func (s *Store) SetMeta(ctx context.Context, key string, value []byte) error {
	if err := s.tx(ctx, func(tx wtx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	}); err != nil {
		return fmt.Errorf("set meta: %w", err)
	}
	return nil
}

// PutBlob implements store.Store.
func (s *Store) PutBlob(ctx context.Context, hash string, data []byte) error {
	if err := s.tx(ctx, func(tx wtx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, size, data) VALUES (?, ?, ?) ON CONFLICT(hash) DO NOTHING`, hash, len(data), data)
		return err
	}); err != nil {
		return fmt.Errorf("put blob: %w", err)
	}
	return nil
}

// Blob implements store.Store.
func (s *Store) Blob(ctx context.Context, hash string) ([]byte, error) {
	return lookup[[]byte](ctx, s, `SELECT data FROM blobs WHERE hash = ?`, hash, "blob", "get blob")
}

// BlobSize implements store.Store.
func (s *Store) BlobSize(ctx context.Context, hash string) (int64, error) {
	return lookup[int64](ctx, s, `SELECT size FROM blobs WHERE hash = ?`, hash, "blob", "blob size")
}
