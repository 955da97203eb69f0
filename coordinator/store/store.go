// Package store defines the coordinator's durable state behind one
// interface: jobs, leases, results, the credit ledger and node records.
// Every method is one transaction: when it returns nil the change is
// durable. Implementations live in subpackages (sqlite) and all pass the
// conformance suite in storetest.
package store

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/idlenode/idlenode/protocol"
)

// Sentinel errors. Implementations wrap them.
var (
	ErrNotFound  = errors.New("not found")
	ErrLeaseGone = errors.New("lease gone") // expired, given back, or already reported
	ErrNotYours  = errors.New("lease belongs to another node")
	ErrConflict  = errors.New("conflicting result for this lease")
	ErrDuplicate = errors.New("duplicate id")
	ErrTooLarge  = errors.New("output over the job's limit")
	// ErrOverBudget: CreateJobs would promise more than its limit; the
	// error is a *BudgetError.
	ErrOverBudget = errors.New("over budget")
)

// MaxBonusBP is the largest reward bonus a credit can carry, in basis
// points (stake tier 5: +25%).
const MaxBonusBP = 2500

// WorstCase is the most a job can ever credit: every replica it may
// issue (cap) accepted, each with the largest bonus. Credits are
// rounded down one by one, so cap × CreditAmount(reward, MaxBonusBP)
// bounds their sum exactly.
func WorstCase(reward *big.Int, cap int) *big.Int {
	return new(big.Int).Mul(CreditAmount(reward, MaxBonusBP), big.NewInt(int64(cap)))
}

// Commitments is what the ledger has promised, in base units.
type Commitments struct {
	Credited *big.Int // every credit ever written
	Reserved *big.Int // the Reserve of every open job
}

// Total is Credited + Reserved.
func (c Commitments) Total() *big.Int { return new(big.Int).Add(c.Credited, c.Reserved) }

// BudgetError is CreateJobs' refusal: Committed (everything credited
// plus the reserve of open jobs) + Asked would exceed Limit.
type BudgetError struct {
	Limit, Committed, Asked *big.Int
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("jobs need up to %s, but only %s of %s is not yet committed", e.Asked, e.Available(), e.Limit)
}

// Unwrap makes errors.Is(err, ErrOverBudget) true.
func (e *BudgetError) Unwrap() error { return ErrOverBudget }

// Available is Limit − Committed, at least 0.
func (e *BudgetError) Available() *big.Int {
	v := new(big.Int).Sub(e.Limit, e.Committed)
	if v.Sign() < 0 {
		v.SetInt64(0)
	}
	return v
}

// NewJob is a job to create. IDs are chosen by the caller.
type NewJob struct {
	ID        string
	Requester string // 0x-hex address, checksummed
	Spec      protocol.JobSpec
	Cap       int // most replicas ever issued before the job fails
	// Reserve is what the job may still credit while it is open, usually
	// WorstCase(reward, Cap); nil is 0. It counts in Commitments until
	// the job settles or fails.
	Reserve *big.Int
}

// Job is a job's row.
type Job struct {
	ID         string
	Requester  string
	Spec       protocol.JobSpec
	State      string // protocol.JobOpen, JobDone, JobFailed
	Target     int    // replicas wanted now
	Cap        int
	Active     int // live leases
	Suspended  int // live leases whose node said it suspended them
	Results    int // results received
	OutputHash string
	Error      string
	CreatedAt  time.Time
	DoneAt     time.Time
}

// LeaseQuery asks for assignments for one node.
type LeaseQuery struct {
	Node        string
	Max         int
	MemoryBytes int64 // 0: any
	Now         time.Time
	TTL         time.Duration
	// TrustAfter is how many accepted replicas without any rejected one
	// make a node trusted (0 disables adaptive replication).
	TrustAfter int64
	// SpotCheck is drawn once per job first leased to a trusted node;
	// true keeps the job's full replication. nil means never.
	SpotCheck func() bool
	NewID     func() string
	// Profile is the node's sandbox profile (protocol.Capabilities.Sandbox).
	// A job's replicas all go to nodes of the profile of its first lease;
	// a job with no result and no live lease takes any profile again. An
	// empty profile matches only jobs no profile holds.
	Profile string
}

// Lease is one assignment.
type Lease struct {
	ID       string
	JobID    string
	Node     string
	Spec     protocol.JobSpec
	Deadline time.Time
}

// Report is one node's result for a lease.
type Report struct {
	LeaseID    string
	Node       string
	OutputHash string
	// OutputBytes is the output blob's size; over the job's
	// limits.output_bytes the report is refused with ErrTooLarge.
	OutputBytes int64
	Metrics     protocol.Metrics
	// BonusBP is the node's reward bonus in basis points (stake), applied
	// if this replica is credited: credit = reward × (10000+BonusBP) / 10000.
	BonusBP int64
	Now     time.Time
}

// Rejected names a node whose result lost to the quorum.
type Rejected struct {
	Node       string
	OutputHash string
}

// Outcome is what Report did.
type Outcome struct {
	JobID    string
	JobState string // protocol.JobOpen, JobDone, JobFailed
	Verdict  string // this replica's protocol.Verdict*
	// Set only by the call that settled the job, never on a replay.
	Settled      bool
	AcceptedHash string
	Credited     map[string]*big.Int // node → amount
	Rejected     []Rejected
	Replay       bool // the same result was reported before
	// MoreReplicas is set when the job needs another replica (no majority).
	MoreReplicas bool
}

// ExpireStats counts what Expire did.
type ExpireStats struct {
	Leases int // leases expired and requeued
	Jobs   int // jobs failed past their deadline
}

// Credit is one ledger line.
type Credit struct {
	JobID  string
	Amount *big.Int
	At     time.Time
}

// NodeStats is a node's record.
type NodeStats struct {
	Address string
	Valid   int64
	Invalid int64
}

// Stats summarise the whole store, for metrics and the bench.
type Stats struct {
	Open, Done, Failed int64
	Results            int64 // all results received
	Credited           int64 // credited replicas
	ActiveLeases       int64
	SuspendedLeases    int64 // active leases whose node said it suspended them
}

// Store is the coordinator's durable state. Implementations are safe for
// concurrent use; every method is atomic and durable on success. Addresses
// are compared as given: callers pass checksummed 0x-hex.
type Store interface {
	// CreateJobs creates jobs atomically. With a non-nil limit it
	// refuses them all with a *BudgetError (ErrOverBudget) when the
	// Commitments' Total plus their Reserves would exceed limit; the
	// check and the insert are one unit, also across coordinators
	// sharing a database.
	CreateJobs(ctx context.Context, jobs []NewJob, now time.Time, limit *big.Int) error
	// Commitments sums the ledger and the reserves of open jobs. A job's
	// reserve is released when it settles (its credits take its place)
	// or fails.
	Commitments(ctx context.Context) (Commitments, error)
	Job(ctx context.Context, id string) (Job, error)
	// Lease hands out at most q.Max replicas of open jobs that still need
	// one, never two replicas of one job to the same node.
	Lease(ctx context.Context, q LeaseQuery) ([]Lease, error)
	// Heartbeat moves an active lease's deadline and records the
	// replica's state (protocol.ReplicaRunning or ReplicaSuspended; ""
	// keeps the recorded one); ErrLeaseGone if it is no longer active,
	// ErrNotYours if node does not hold it. The state never changes the
	// deadline rules.
	Heartbeat(ctx context.Context, leaseID, node string, deadline, now time.Time, state string) error
	// GiveBack requeues an active lease.
	GiveBack(ctx context.Context, leaseID, node string, now time.Time) error
	// Expire requeues leases past their deadline and fails jobs past theirs.
	Expire(ctx context.Context, now time.Time) (ExpireStats, error)
	// Report records a result, validates the job when it can, and credits
	// the agreeing nodes exactly once. The same report again returns the
	// stored verdict with Replay set; a different hash for the same lease
	// is ErrConflict.
	Report(ctx context.Context, r Report) (Outcome, error)
	// Credits lists a node's ledger, newest first, at most limit lines
	// (0: all), and the total over all lines.
	Credits(ctx context.Context, node string, limit int) ([]Credit, *big.Int, error)
	Node(ctx context.Context, node string) (NodeStats, error)
	Stats(ctx context.Context) (Stats, error)
	// PutBlob keeps a small blob by its sha256 (the caller checked the
	// hash); storing one that exists is a no-op. Blob returns it, or
	// ErrNotFound; BlobSize returns its length, or ErrNotFound.
	PutBlob(ctx context.Context, hash string, data []byte) error
	Blob(ctx context.Context, hash string) ([]byte, error)
	BlobSize(ctx context.Context, hash string) (int64, error)
	// Meta and SetMeta keep small named values (the token key).
	Meta(ctx context.Context, key string) ([]byte, error)
	SetMeta(ctx context.Context, key string, value []byte) error
	Close() error
}

// Trusted reports whether a record earns single-replica jobs.
func (n NodeStats) Trusted(after int64) bool {
	return after > 0 && n.Valid >= after && n.Invalid == 0
}

// Decision is the pure quorum rule shared by every implementation.
type Decision struct {
	Accept     bool
	Hash       string // accepted hash
	MoreTarget int    // > 0: raise the target to this
	Fail       bool
}

// Decide applies the quorum rule to a job's result hashes: a hash held by
// target/2+1 results wins; while results are outstanding it waits; with
// all results in and no winner it raises the target by one up to cap, and
// then fails.
func Decide(target, cap, active int, hashes []string) Decision {
	counts := map[string]int{}
	best, bestN := "", 0
	for _, h := range hashes {
		counts[h]++
		if counts[h] > bestN || (counts[h] == bestN && h < best) {
			best, bestN = h, counts[h]
		}
	}
	if bestN >= target/2+1 {
		return Decision{Accept: true, Hash: best}
	}
	if active+len(hashes) < target {
		return Decision{}
	}
	if len(hashes) >= target && target < cap {
		return Decision{MoreTarget: target + 1}
	}
	if len(hashes) >= cap {
		return Decision{Fail: true}
	}
	return Decision{}
}

// CreditAmount is reward × (10000+bonusBP) / 10000, rounded down.
func CreditAmount(reward *big.Int, bonusBP int64) *big.Int {
	v := new(big.Int).Mul(reward, big.NewInt(10000+bonusBP))
	return v.Quo(v, big.NewInt(10000))
}
