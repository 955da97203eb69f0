package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/wallet"
)

// status runs `idlenode status` on home (no service runs there) and
// returns its text and its JSON state.
func status(t *testing.T, home string) (string, app.State) {
	t.Helper()
	var out, js, errb bytes.Buffer
	if err := runStatus(context.Background(), []string{"--home", home}, &out, &errb); err != nil {
		t.Fatalf("status: %v %s", err, errb.String())
	}
	if err := runStatus(context.Background(), []string{"--home", home, "--json"}, &js, &errb); err != nil {
		t.Fatalf("status --json: %v %s", err, errb.String())
	}
	var st app.State
	if err := json.Unmarshal(js.Bytes(), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, js.String())
	}
	return out.String(), st
}

// With no service running, status says what the node lacks, and once it
// lacks nothing, that the service is stopped, with the work on disk.
func TestStatusWithoutService(t *testing.T) {
	home := t.TempDir()
	out, st := status(t, home)
	if st.State != app.PhaseSetup || st.Reason != setupNoNetwork || !strings.Contains(out, "(service not running") {
		t.Fatalf("fresh home: %v %q\n%s", st.State, st.Reason, out)
	}

	src := filepath.Join(t.TempDir(), "network.json")
	os.WriteFile(src, []byte(testNetwork), 0o600)
	var sink bytes.Buffer
	if err := runJoin(context.Background(), []string{"--home", home, src}, &sink, &sink); err != nil {
		t.Fatal(err)
	}
	if _, st = status(t, home); st.State != app.PhaseSetup || st.Reason != setupNoWallet {
		t.Fatalf("joined, no wallet: %v %q", st.State, st.Reason)
	}

	paths, err := app.DefaultPaths(home)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wallet.Create(context.Background(), paths.Wallet(), "correct horse", wallet.Options{Keyring: &wallet.MemKeyring{}, LightScrypt: true}); err != nil {
		t.Fatal(err)
	}
	// Two finished jobs in the worker's ledger; the second line updates
	// the first job's verdict and must not count it twice.
	now := time.Now().UTC()
	ledger := filepath.Join(workerDir(paths), "ledger.jsonl")
	os.MkdirAll(filepath.Dir(ledger), 0o700)
	lines := []map[string]any{
		{"lease_id": "l1", "job_id": "j1", "finished_at": now, "energy_wh": 0.25, "reward": "1000", "verdict": "pending"},
		{"lease_id": "l2", "job_id": "j2", "finished_at": now, "energy_wh": 0.5, "reward": "700", "verdict": "pending"},
		{"lease_id": "l1", "job_id": "j1", "finished_at": now, "energy_wh": 0.25, "reward": "1000", "verdict": "accepted"},
	}
	var b []byte
	for _, l := range lines {
		j, _ := json.Marshal(l)
		b = append(append(b, j...), '\n')
	}
	if err := os.WriteFile(ledger, b, 0o600); err != nil {
		t.Fatal(err)
	}

	out, st = status(t, home)
	if st.State != app.PhaseStopped || !strings.Contains(st.Reason, "not running: start it with 'idlenode run'") {
		t.Fatalf("ready node: %v %q", st.State, st.Reason)
	}
	if st.Network.Name != "testnet" || st.Network.TokenSymbol != "IDLE" {
		t.Fatalf("network %+v", st.Network)
	}
	if st.Totals.JobsDone != 2 || st.Totals.EnergyTotalWh != 0.75 || st.Totals.PendingTotal != "700" {
		t.Fatalf("totals %+v", st.Totals)
	}
	for _, want := range []string{"State:     stopped", "Network:   testnet at http://127.0.0.1:7070", "Jobs:      0 running, 2 done", "Energy:    0.75 Wh"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Earned:") {
		t.Errorf("earnings shown without the service (the coordinator has them):\n%s", out)
	}
}

// Verbs without arguments refuse extra ones, and pause --for takes 1m to
// 168h, before asking the service anything.
func TestPauseAndStatusRefuseBadArguments(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		run  func(context.Context, []string, io.Writer, io.Writer) error
		args []string
		want string
	}{
		{runPause, []string{"--for", "1ms"}, "give 1m to 168h"},
		{runPause, []string{"--for", "-1h"}, "give 1m to 168h"},
		{runPause, []string{"--for", "200h"}, "give 1m to 168h"},
		{runPause, []string{"extra"}, `unexpected argument "extra"`},
		{runResume, []string{"now"}, `unexpected argument "now"`},
		{runStatus, []string{"x"}, `unexpected argument "x"`},
	} {
		var out, errb bytes.Buffer
		err := tc.run(context.Background(), append([]string{"--home", home}, tc.args...), &out, &errb)
		var ee exitError
		if !errors.As(err, &ee) || ee.Code != 2 || !strings.Contains(ee.Msg, tc.want) {
			t.Errorf("%v: %v, want usage error saying %q", tc.args, err, tc.want)
		}
	}
}

// settings takes --home after the subcommand too, and -h anywhere is help.
func TestSettingsFlagsAfterSubcommand(t *testing.T) {
	home := t.TempDir()
	var out, errb bytes.Buffer
	if err := runSettings(context.Background(), []string{"set", "idle_minutes", "5", "--home", home}, &out, &errb); err != nil {
		t.Fatalf("set … --home: %v %s", err, errb.String())
	}
	out.Reset()
	if err := runSettings(context.Background(), []string{"show", "--home", home}, &out, &errb); err != nil || !strings.Contains(out.String(), "idle_minutes            5") {
		t.Fatalf("show --home: %v %q", err, out.String())
	}
	if err := runSettings(context.Background(), []string{"show", "-h"}, &out, &errb); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("show -h: %v", err)
	}
}
