package protocol

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Runtime names understood by nodes.
const RuntimeWASI = "wasi"

// Limits on what the API accepts. The coordinator may be configured lower;
// these are the hard ceilings that every party checks.
const (
	MaxArgs            = 64
	MaxArgBytes        = 4096
	MaxReplicas        = 9
	MaxBatch           = 1000
	DefaultReplicas    = 2
	MaxMemoryBytes     = 4 << 30
	MaxTimeoutMS       = 24 * 3600 * 1000
	MaxOutputBytes     = 256 << 20
	MaxAssignments     = 64
	MaxLongPollSeconds = 60
)

// FailurePrefix starts the output of a job that failed in a way every node
// reproduces (a trap, a non-zero exit, a memory limit): the node reports
// "idlenode: job failed: MESSAGE\n" as the result. Such a line is at most
// MaxFailureBytes long, and a result may be that long even when the job's
// output limit is lower, so that a job with a tiny limit still settles.
const (
	FailurePrefix   = "idlenode: job failed: "
	MaxFailureBytes = 256
)

// ParseFailure reports whether output is a failure line (FailureLine) and
// returns its message, control characters made spaces for a terminal.
func ParseFailure(output []byte) (string, bool) {
	if len(output) > MaxFailureBytes || !bytes.HasPrefix(output, []byte(FailurePrefix)) || !bytes.HasSuffix(output, []byte("\n")) {
		return "", false
	}
	msg := strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, string(output[len(FailurePrefix):len(output)-1]))
	if msg == "" {
		msg = "(no message)"
	}
	return msg, true
}

// FailureLine is the result of a failed job: FailurePrefix, message, and a
// newline, cut to MaxFailureBytes. Every node cuts it the same way.
func FailureLine(message string) []byte {
	b := []byte(FailurePrefix + message)
	if len(b) > MaxFailureBytes-1 {
		b = b[:MaxFailureBytes-1]
	}
	return append(b, '\n')
}

// Job states as they appear on the wire.
const (
	JobOpen   = "open"   // waiting for replicas or results
	JobDone   = "done"   // a quorum agreed; OutputHash is the accepted output
	JobFailed = "failed" // no quorum within the replica cap, or past its deadline
)

// ErrInvalid is wrapped by every Validate error.
var ErrInvalid = errors.New("invalid")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// ValidHash reports whether s is a lower-case hex sha256 digest.
func ValidHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// ParseAmount parses a non-negative decimal integer amount in base units.
func ParseAmount(s string) (*big.Int, error) {
	if s == "" || len(s) > 78 || strings.TrimLeft(s, "0123456789") != "" {
		return nil, invalid("amount %q is not a non-negative decimal integer", truncate(s))
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, invalid("amount %q is not a decimal integer", truncate(s))
	}
	return v, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Limits bound one run of a job on a node.
type Limits struct {
	MemoryBytes int64 `json:"memory_bytes"` // linear memory cap
	TimeoutMS   int64 `json:"timeout_ms"`   // wall-clock cap of one run
	OutputBytes int64 `json:"output_bytes"` // stdout cap; the output blob is at most this
}

// Validate checks the limits are positive and below the ceilings.
func (l Limits) Validate() error {
	switch {
	case l.MemoryBytes <= 0 || l.MemoryBytes > MaxMemoryBytes:
		return invalid("memory_bytes must be in 1..%d", int64(MaxMemoryBytes))
	case l.TimeoutMS <= 0 || l.TimeoutMS > MaxTimeoutMS:
		return invalid("timeout_ms must be in 1..%d", MaxTimeoutMS)
	case l.OutputBytes <= 0 || l.OutputBytes > MaxOutputBytes:
		return invalid("output_bytes must be in 1..%d", MaxOutputBytes)
	}
	return nil
}

// JobSpec is what a requester submits and what a node runs: the module
// reads Input on stdin, gets Args as argv[1:], and its stdout is the output.
type JobSpec struct {
	Runtime          string    `json:"runtime"`            // "wasi"
	Module           string    `json:"module"`             // sha256 of the wasm module blob
	Input            string    `json:"input,omitempty"`    // sha256 of the stdin blob; empty for none
	Args             []string  `json:"args,omitempty"`     // argv[1:]
	Seed             uint64    `json:"seed"`               // what random_get returns is derived from it
	Limits           Limits    `json:"limits"`             //
	RewardPerReplica string    `json:"reward_per_replica"` // base units, decimal
	Replicas         int       `json:"replicas,omitempty"` // 0 means DefaultReplicas
	Deadline         time.Time `json:"deadline"`           // the job fails if not validated by then
}

// Normalize fills defaults.
func (s *JobSpec) Normalize() {
	if s.Replicas == 0 {
		s.Replicas = DefaultReplicas
	}
}

// Validate checks a normalized spec.
func (s JobSpec) Validate() error {
	if s.Runtime != RuntimeWASI {
		return invalid("runtime %q is not supported (want %q)", truncate(s.Runtime), RuntimeWASI)
	}
	if !ValidHash(s.Module) {
		return invalid("module must be a lower-case hex sha256")
	}
	if s.Input != "" && !ValidHash(s.Input) {
		return invalid("input must be empty or a lower-case hex sha256")
	}
	if len(s.Args) > MaxArgs {
		return invalid("at most %d args", MaxArgs)
	}
	n := 0
	for _, a := range s.Args {
		n += len(a)
	}
	if n > MaxArgBytes {
		return invalid("args total at most %d bytes", MaxArgBytes)
	}
	if err := s.Limits.Validate(); err != nil {
		return err
	}
	if _, err := ParseAmount(s.RewardPerReplica); err != nil {
		return fmt.Errorf("reward_per_replica: %w", err)
	}
	if s.Replicas < 1 || s.Replicas > MaxReplicas {
		return invalid("replicas must be in 1..%d", MaxReplicas)
	}
	if s.Deadline.IsZero() {
		return invalid("deadline is required")
	}
	return nil
}

// SubmitRequest is the body of POST /v1/jobs: one or many jobs.
type SubmitRequest struct {
	Jobs []JobSpec `json:"jobs"`
}

// Validate normalizes and checks every job.
func (r *SubmitRequest) Validate() error {
	if len(r.Jobs) == 0 || len(r.Jobs) > MaxBatch {
		return invalid("jobs must hold 1..%d specs", MaxBatch)
	}
	for i := range r.Jobs {
		r.Jobs[i].Normalize()
		if err := r.Jobs[i].Validate(); err != nil {
			return fmt.Errorf("jobs[%d]: %w", i, err)
		}
	}
	return nil
}

// SubmitResponse lists the new job ids in request order.
type SubmitResponse struct {
	JobIDs []string `json:"job_ids"`
}

// JobStatus is GET /v1/jobs/{id}.
type JobStatus struct {
	ID         string    `json:"id"`
	Requester  string    `json:"requester"` // 0x-hex address
	Spec       JobSpec   `json:"spec"`
	State      string    `json:"state"`                 // JobOpen, JobDone, JobFailed
	OutputHash string    `json:"output_hash,omitempty"` // accepted output when done
	Error      string    `json:"error,omitempty"`       // why it failed
	Target     int       `json:"target"`                // replicas wanted now
	Results    int       `json:"results"`               // results received
	CreatedAt  time.Time `json:"created_at"`
	DoneAt     time.Time `json:"done_at,omitzero"`
	// Suspended counts the job's live replicas whose node last said it
	// had suspended them (its owner came back); they keep their leases
	// until the node gives them back or they expire.
	Suspended int `json:"suspended"`
}

// Capabilities describe what a node can run.
type Capabilities struct {
	Cores    int      `json:"cores"`
	MemoryMB int64    `json:"memory_mb"`
	GPUs     int      `json:"gpus"`
	Runtimes []string `json:"runtimes"`
	// BenchmarkMiBps is the node's own hardware benchmark (MiB/s of
	// hashing on every core), 0 when not measured. Informational.
	BenchmarkMiBps int64 `json:"benchmark_mib_per_s,omitempty"`
	// Sandbox names what a job can observe of the node's sandbox (its
	// determinism profile, e.g. how NaNs are canonicalised). Replicas of
	// one job go only to nodes of the same profile, so that nodes of
	// different versions never fail each other's results. Empty: a node
	// from before profiles, matched as before.
	Sandbox string `json:"sandbox,omitempty"`
}

// MaxProfileLen bounds Capabilities.Sandbox.
const MaxProfileLen = 128

// LeaseRequest is the body of POST /v1/leases. The call returns as soon as
// at least one assignment is available, or empty after WaitSeconds.
type LeaseRequest struct {
	Capabilities Capabilities `json:"capabilities"`
	Max          int          `json:"max"`          // at most this many assignments
	WaitSeconds  int          `json:"wait_seconds"` // long-poll time, 0 for none
}

// Validate checks the request.
func (r LeaseRequest) Validate() error {
	if r.Max < 1 || r.Max > MaxAssignments {
		return invalid("max must be in 1..%d", MaxAssignments)
	}
	if r.WaitSeconds < 0 || r.WaitSeconds > MaxLongPollSeconds {
		return invalid("wait_seconds must be in 0..%d", MaxLongPollSeconds)
	}
	if r.Capabilities.Cores < 0 || r.Capabilities.MemoryMB < 0 || r.Capabilities.GPUs < 0 || r.Capabilities.BenchmarkMiBps < 0 {
		return invalid("capabilities must not be negative")
	}
	if len(r.Capabilities.Runtimes) > 16 {
		return invalid("at most 16 runtimes")
	}
	if p := r.Capabilities.Sandbox; len(p) > MaxProfileLen || strings.IndexFunc(p, func(c rune) bool { return c < 0x21 || c > 0x7e }) >= 0 {
		return invalid("sandbox must be at most %d printable ASCII characters without spaces", MaxProfileLen)
	}
	return nil
}

// Assignment is one leased replica of a job.
type Assignment struct {
	LeaseID  string    `json:"lease_id"`
	JobID    string    `json:"job_id"`
	Spec     JobSpec   `json:"spec"`
	Deadline time.Time `json:"deadline"` // heartbeat before this or lose the lease
}

// LeaseResponse is the answer to POST /v1/leases.
type LeaseResponse struct {
	Assignments []Assignment `json:"assignments"`
}

// Replica states a node reports with a heartbeat.
const (
	ReplicaRunning   = "running"   // the job's processes run (or download)
	ReplicaSuspended = "suspended" // the node's owner is back: processes stopped
)

// HeartbeatRequest is the optional body of POST /v1/leases/{id}/heartbeat.
// An empty body, or an empty State, leaves the recorded state as it was.
type HeartbeatRequest struct {
	State string `json:"state,omitempty"` // ReplicaRunning or ReplicaSuspended
}

// Validate checks the state.
func (r HeartbeatRequest) Validate() error {
	switch r.State {
	case "", ReplicaRunning, ReplicaSuspended:
		return nil
	}
	return invalid("state must be %q or %q, not %q", ReplicaRunning, ReplicaSuspended, truncate(r.State))
}

// LeaseState answers a heartbeat.
type LeaseState struct {
	LeaseID  string    `json:"lease_id"`
	Deadline time.Time `json:"deadline"`
}

// Metrics describe one run.
type Metrics struct {
	CPUSeconds      float64 `json:"cpu_seconds"`
	WallSeconds     float64 `json:"wall_seconds"`
	PeakMemoryBytes int64   `json:"peak_memory_bytes"`
	EnergyWh        float64 `json:"energy_wh"`
	EnergyMeasured  bool    `json:"energy_measured"` // false: estimated
}

// Validate rejects negative or non-finite numbers.
func (m Metrics) Validate() error {
	ok := func(f float64) bool { return f >= 0 && f < 1e12 } // also false for NaN
	if !ok(m.CPUSeconds) || !ok(m.WallSeconds) || !ok(m.EnergyWh) || m.PeakMemoryBytes < 0 {
		return invalid("metrics must be finite and non-negative")
	}
	return nil
}

// ResultReport is the body of POST /v1/leases/{id}/result. The output blob
// must have been uploaded first.
type ResultReport struct {
	OutputHash string  `json:"output_hash"`
	Metrics    Metrics `json:"metrics"`
}

// Validate checks the report.
func (r ResultReport) Validate() error {
	if !ValidHash(r.OutputHash) {
		return invalid("output_hash must be a lower-case hex sha256")
	}
	return r.Metrics.Validate()
}

// ResultAck answers a result report. Reporting the same result again
// returns the same ack.
type ResultAck struct {
	JobID    string `json:"job_id"`
	JobState string `json:"job_state"`
	// Verdict of this replica: "pending" (waiting for other replicas),
	// "accepted" (credited), "rejected" (disagreed with the quorum) or
	// "late" (the job was settled without it) or "failed" (no majority
	// within the replica cap).
	Verdict string `json:"verdict"`
}

// Replica verdicts.
const (
	VerdictPending  = "pending"
	VerdictAccepted = "accepted"
	VerdictRejected = "rejected"
	VerdictLate     = "late"
	VerdictFailed   = "failed" // the job failed without a majority
)

// DayEarning is the credit of one UTC day.
type DayEarning struct {
	Day    string `json:"day"` // YYYY-MM-DD
	Amount string `json:"amount"`
}

// JobEarning is the credit for one job.
type JobEarning struct {
	JobID  string    `json:"job_id"`
	Amount string    `json:"amount"`
	At     time.Time `json:"at"`
}

// Earnings is GET /v1/earnings/{address}.
type Earnings struct {
	Address string       `json:"address"`
	Total   string       `json:"total"`
	ByDay   []DayEarning `json:"by_day"`
	Jobs    []JobEarning `json:"jobs"` // newest first, at most 1000
}

// NodeInfo is GET /v1/nodes/{address}: the node's record.
type NodeInfo struct {
	Address string `json:"address"`
	Valid   int64  `json:"valid"`   // accepted replicas
	Invalid int64  `json:"invalid"` // replicas that disagreed with a quorum
	Trusted bool   `json:"trusted"` // gets single-replica jobs
	Flagged bool   `json:"flagged"` // has returned a wrong result
}

// NonceResponse is GET /v1/auth/nonce.
type NonceResponse struct {
	Nonce   string `json:"nonce"`
	Domain  string `json:"domain"` // the domain the SIWE message must name
	URI     string `json:"uri"`
	ChainID uint64 `json:"chain_id"`
}

// LoginRequest is POST /v1/auth/login: a SIWE message and its EIP-191
// personal_sign signature.
type LoginRequest struct {
	Message   string `json:"message"`
	Signature string `json:"signature"` // 0x-hex, 65 bytes
}

// LoginResponse carries a bearer token.
type LoginResponse struct {
	Token     string    `json:"token"`
	Address   string    `json:"address"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ErrorResponse is the body of every 4xx and 5xx answer.
type ErrorResponse struct {
	Error string `json:"error"`
	Code  string `json:"code"` // machine-readable: bad_request, unauthorized, not_found, ...
}
