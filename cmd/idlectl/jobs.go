package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/idlenode/idlenode/internal/atomicfile"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
	"github.com/idlenode/idlenode/worker/sandbox/instrument"
)

// manifestJob is one job in a manifest file; paths are relative to the
// manifest; zero fields take the command-line defaults.
type manifestJob struct {
	Module      string   `json:"module"`
	Input       string   `json:"input,omitempty"`
	Args        []string `json:"args,omitempty"`
	Seed        uint64   `json:"seed,omitempty"`
	Replicas    int      `json:"replicas,omitempty"`
	Reward      string   `json:"reward,omitempty"`
	MemoryBytes int64    `json:"memory_bytes,omitempty"`
	TimeoutMS   int64    `json:"timeout_ms,omitempty"`
	OutputBytes int64    `json:"output_bytes,omitempty"`
}

func cmdSubmit(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("submit", stderr)
	var d manifestJob
	manifest := fs.String("manifest", "", "JSON file: a list of jobs {module, input, args, seed, replicas, reward, memory_bytes, timeout_ms, output_bytes}")
	fs.StringVar(&d.Module, "module", "", "wasm module file (one job)")
	fs.StringVar(&d.Input, "input", "", "stdin file for the job")
	fs.Uint64Var(&d.Seed, "seed", 0, "seed (default random)")
	fs.IntVar(&d.Replicas, "replicas", protocol.DefaultReplicas, "replicas per job: each job needs this many nodes' results (1 on a one-node network)")
	fs.StringVar(&d.Reward, "reward", "1000", "reward per replica in base units")
	fs.Int64Var(&d.MemoryBytes, "memory", 256<<20, "memory limit in bytes")
	timeout := fs.Duration("timeout", time.Minute, "run time limit")
	fs.Int64Var(&d.OutputBytes, "output-limit", 16<<20, "output limit in bytes")
	deadline := fs.Duration("deadline", time.Hour, "the job fails if not validated within this")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	d.TimeoutMS = timeout.Milliseconds()
	d.Args = fs.Args()
	var jobs []manifestJob
	base := "."
	switch {
	case *manifest != "" && d.Module != "":
		fmt.Fprintln(stderr, "submit: pass --module or --manifest, not both")
		return errUsage
	case *manifest != "":
		data, err := os.ReadFile(*manifest)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields() // a misspelt key must not fall back to a default
		if err := dec.Decode(&jobs); err != nil {
			return fmt.Errorf("manifest %s: not a JSON list of jobs: %w", *manifest, err)
		}
		if len(jobs) == 0 {
			return fmt.Errorf("manifest %s lists no jobs", *manifest)
		}
		base = filepath.Dir(*manifest)
	case d.Module != "":
		jobs = []manifestJob{{Module: d.Module, Input: d.Input, Args: d.Args, Seed: d.Seed}}
	default:
		fmt.Fprintln(stderr, "submit: pass --module FILE or --manifest FILE")
		fs.Usage()
		return errUsage
	}
	// Every file is read and checked, and every job validated, before
	// anything goes over the network: a local mistake costs nothing.
	hashes := map[string]string{} // path: sha256
	var paths []string            // in order of first use
	// hash reads file p once, after check (when given) accepts it.
	hash := func(p string, check func([]byte) error) (string, error) {
		if p == "" {
			return "", nil
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(base, p)
		}
		if h, ok := hashes[p]; ok {
			return h, nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		if check != nil {
			if err := check(data); err != nil {
				return "", fmt.Errorf("%s: %w", p, err)
			}
		}
		h := client.HashBytes(data)
		hashes[p] = h
		paths = append(paths, p)
		return h, nil
	}
	specs := make([]protocol.JobSpec, len(jobs))
	for i, j := range jobs {
		if j.Module == "" {
			return fmt.Errorf("job %d has no module", i)
		}
		mod, err := hash(j.Module, checkModule)
		if err != nil {
			return fmt.Errorf("job %d: %w", i, err)
		}
		in, err := hash(j.Input, nil)
		if err != nil {
			return fmt.Errorf("job %d: %w", i, err)
		}
		or := func(v, def int64) int64 {
			if v == 0 {
				return def
			}
			return v
		}
		s := protocol.JobSpec{Runtime: protocol.RuntimeWASI, Module: mod, Input: in, Args: j.Args, Seed: j.Seed,
			Limits: protocol.Limits{MemoryBytes: or(j.MemoryBytes, d.MemoryBytes), TimeoutMS: or(j.TimeoutMS, d.TimeoutMS),
				OutputBytes: or(j.OutputBytes, d.OutputBytes)},
			RewardPerReplica: j.Reward, Replicas: j.Replicas, Deadline: time.Now().Add(*deadline)}
		if s.RewardPerReplica == "" {
			s.RewardPerReplica = d.Reward
		}
		if s.Replicas == 0 {
			s.Replicas = d.Replicas
		}
		if s.Seed == 0 {
			s.Seed = client.RandomSeed()
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("job %d: %w", i, err)
		}
		specs[i] = s
	}
	c, err := g.client(ctx, true)
	if err != nil {
		return err
	}
	// Files are read again to upload, one at a time, rather than all
	// kept in memory.
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if client.HashBytes(data) != hashes[p] {
			return fmt.Errorf("%s changed while it was being submitted", p)
		}
		if _, err := c.PutBlob(ctx, data); err != nil {
			return err
		}
	}
	for start := 0; start < len(specs); start += protocol.MaxBatch {
		ids, err := c.Submit(ctx, specs[start:min(start+protocol.MaxBatch, len(specs))]...)
		if err != nil {
			return submitRefused(err, start)
		}
		for _, id := range ids {
			fmt.Fprintln(stdout, id)
		}
	}
	return nil
}

func needIDs(fs *flag.FlagSet, stderr io.Writer) error {
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "%s: name at least one job id\n", fs.Name())
		return errUsage
	}
	return nil
}

// printStatus prints one line for a job; failure is the message of a done
// job whose module failed on every node ("" for any other job), shown in
// place of its state.
func printStatus(w io.Writer, st protocol.JobStatus, failure string) {
	state := st.State
	if failure != "" {
		state = "failed: " + failure
	}
	fmt.Fprintf(w, "%s\t%s\treplicas %d/%d", st.ID, state, st.Results, st.Target)
	if st.Suspended > 0 {
		fmt.Fprintf(w, " (%d paused by their owners)", st.Suspended)
	}
	if st.OutputHash != "" {
		fmt.Fprintf(w, "\toutput %s", st.OutputHash)
	}
	if st.Error != "" {
		fmt.Fprintf(w, "\t%s", st.Error)
	}
	fmt.Fprintln(w)
}

func cmdStatus(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("status", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := needIDs(fs, stderr); err != nil {
		return err
	}
	c, err := g.client(ctx, false)
	if err != nil {
		return err
	}
	for _, id := range fs.Args() {
		st, err := c.Job(ctx, id)
		if err != nil {
			return err
		}
		failure, err := jobFailure(ctx, c, st)
		if err != nil {
			return err
		}
		printStatus(stdout, st, failure)
	}
	return nil
}

func cmdWait(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("wait", stderr)
	timeout := fs.Duration("timeout", 0, "give up after this long (0: never)")
	poll := fs.Duration("poll", time.Second, "poll interval")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := needIDs(fs, stderr); err != nil {
		return err
	}
	c, err := g.client(ctx, false)
	if err != nil {
		return err
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	sts, err := waitJobs(ctx, c, fs.Args(), *poll, "job", stderr, nil)
	if err != nil {
		return err
	}
	failed := 0
	for _, st := range sts {
		failure, err := jobFailure(ctx, c, st)
		if err != nil {
			return err
		}
		printStatus(stdout, st, failure)
		if st.State != protocol.JobDone || failure != "" {
			failed++
		}
	}
	if failed > 0 {
		return exitError{1, fmt.Sprintf("%d of %d jobs failed", failed, len(sts))}
	}
	return nil
}

func cmdResult(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("result", stderr)
	out := fs.String("o", "", "output file (- for stdout)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		fmt.Fprintln(stderr, "result: usage: result ID -o FILE")
		return errUsage
	}
	c, err := g.client(ctx, false)
	if err != nil {
		return err
	}
	st, err := c.Job(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	if st.State != protocol.JobDone {
		return exitError{1, fmt.Sprintf("job %s is %s, no accepted output yet %s", st.ID, st.State, st.Error)}
	}
	// A failure line may be longer than the job's output limit.
	data, err := c.GetBlob(ctx, st.OutputHash, max(st.Spec.Limits.OutputBytes, protocol.MaxFailureBytes))
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = stdout.Write(data)
	} else {
		err = writeFileAtomic(*out, data)
	}
	if err != nil {
		return err
	}
	if msg, ok := protocol.ParseFailure(data); ok {
		return exitError{1, "job failed: " + msg}
	}
	return nil
}

// jobFailure returns the message of a done job whose output is a failure
// line, and "" for any other job. It reads at most MaxFailureBytes of the
// output: a longer one is not a failure line.
func jobFailure(ctx context.Context, c *client.Client, st protocol.JobStatus) (string, error) {
	if st.State != protocol.JobDone || st.OutputHash == "" {
		return "", nil
	}
	data, err := c.GetBlob(ctx, st.OutputHash, protocol.MaxFailureBytes)
	if errors.Is(err, client.ErrTooLarge) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("job %s: %w", st.ID, err)
	}
	msg, _ := protocol.ParseFailure(data)
	return msg, nil
}

// writeFileAtomic replaces path with data.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data, 0o644)
}

func cmdEarnings(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("earnings", stderr)
	jobs := fs.Int("jobs", 10, "list this many recent jobs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || !common.IsHexAddress(fs.Arg(0)) {
		fmt.Fprintln(stderr, "earnings: usage: earnings 0xADDRESS")
		return errUsage
	}
	c, err := g.client(ctx, false)
	if err != nil {
		return err
	}
	e, err := c.Earnings(ctx, common.HexToAddress(fs.Arg(0)))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "address %s\ntotal %s (base units)\n", e.Address, e.Total)
	for _, d := range e.ByDay {
		fmt.Fprintf(stdout, "day %s\t%s\n", d.Day, d.Amount)
	}
	for i, j := range e.Jobs {
		if i >= *jobs {
			break
		}
		fmt.Fprintf(stdout, "job %s\t%s\t%s\n", j.JobID, j.Amount, j.At.Format(time.RFC3339))
	}
	return nil
}

// checkModule refuses, before anything is uploaded or paid for, a module
// every node would refuse: not WebAssembly, or using what the sandbox does
// not run. It applies the sandbox's own module rewrite, which parses the
// whole module.
func checkModule(data []byte) error {
	if len(data) < 8 || string(data[:4]) != "\x00asm" {
		return errors.New("not a WebAssembly module (a .wasm file starts with \\0asm)")
	}
	if _, _, err := instrument.Rewrite(data); err != nil {
		return fmt.Errorf("nodes would refuse this module: %w", err)
	}
	return nil
}

// submitRefused turns the coordinator's refusal of jobs for their reward
// (over its maximum, or more than its reward pool can still cover) into
// its message alone; submitted jobs were printed already.
func submitRefused(err error, submitted int) error {
	var ae *client.APIError
	if !errors.As(err, &ae) {
		return err
	}
	switch ae.Code {
	case "reward_too_high", "pool_insufficient", "pool_unavailable":
	default:
		return err
	}
	msg := "the coordinator refused the jobs: " + ae.Message
	if submitted > 0 {
		msg += fmt.Sprintf(" (the %d jobs before them were submitted)", submitted)
	}
	return exitError{1, msg}
}
