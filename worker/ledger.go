package worker

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/idlenode/idlenode/protocol"
)

// ledgerEntry is one job this node finished: what it cost and what it
// should earn. The coordinator's ledger is the truth for earnings; this one
// keeps energy and lets the node show results still pending validation.
type ledgerEntry struct {
	LeaseID     string    `json:"lease_id"`
	JobID       string    `json:"job_id"`
	FinishedAt  time.Time `json:"finished_at"`
	CPUSeconds  float64   `json:"cpu_seconds"`
	WallSeconds float64   `json:"wall_seconds"`
	EnergyWh    float64   `json:"energy_wh"`
	Measured    bool      `json:"measured"`
	CO2Grams    float64   `json:"co2_grams"`
	Reward      string    `json:"reward"`  // base units per replica
	Verdict     string    `json:"verdict"` // pending, accepted, rejected, late, failed, refused
}

// ledger is an append-only JSON-lines file of finished jobs; updates
// append a newer line for the same lease.
type ledger struct {
	path    string
	changed chan struct{}

	mu      sync.Mutex
	entries map[string]*ledgerEntry
	order   []string
	ver     int // bumped on every change, to know when sums are stale

	// The sums over every entry, kept between calls: the state asks for
	// them every second and the ledger only grows.
	sums      Totals
	sumsVer   int
	sumsDay   string
	sumsAt    time.Time
	sumsValid bool
}

// ledgerPath is where a worker with folder dir keeps its ledger.
func ledgerPath(dir string) string { return filepath.Join(dir, "ledger.jsonl") }

// LedgerTotals reads what the worker with folder dir (Config.Dir) has
// done, for a command run while no worker does: jobs, energy and the
// rewards awaiting validation. Validated earnings are the coordinator's
// and stay empty here. It only reads; a worker folder that does not exist
// yet gives zero totals.
func LedgerTotals(dir string, now time.Time) (Totals, error) {
	l, err := openLedger(ledgerPath(dir))
	if err != nil {
		return Totals{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sum(now, now.Format("2006-01-02")), nil
}

func openLedger(path string) (*ledger, error) {
	l := &ledger{path: path, entries: map[string]*ledgerEntry{}, changed: make(chan struct{}, 1)}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open job ledger: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e ledgerEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.LeaseID == "" {
			continue // a torn last line after a crash
		}
		l.put(e)
	}
	return l, nil
}

func (l *ledger) put(e ledgerEntry) {
	l.ver++
	if _, ok := l.entries[e.LeaseID]; !ok {
		l.order = append(l.order, e.LeaseID)
	}
	l.entries[e.LeaseID] = &e
}

func (l *ledger) add(e ledgerEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.put(e)
	l.poke()
	return l.appendLine(e)
}

func (l *ledger) appendLine(e ledgerEntry) error {
	f, err := os.OpenFile(l.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	data, _ := json.Marshal(e)
	_, err = f.Write(append(data, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (l *ledger) poke() {
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

func (l *ledger) setVerdict(leaseID, verdict string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.entries[leaseID]; ok && e.Verdict != verdict {
		e.Verdict = verdict
		l.ver++
		_ = l.appendLine(*e)
	}
}

// settle marks the jobs the coordinator credited as accepted.
func (l *ledger) settle(e protocol.Earnings) {
	credited := make(map[string]bool, len(e.Jobs))
	for _, j := range e.Jobs {
		credited[j.JobID] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range l.order {
		le := l.entries[id]
		if le.Verdict != protocol.VerdictAccepted && credited[le.JobID] {
			le.Verdict = protocol.VerdictAccepted
			l.ver++
			_ = l.appendLine(*le)
		}
	}
}

// totals adds up the ledger for the state, taking earnings from the
// coordinator's view.
func (l *ledger) totals(now time.Time, e protocol.Earnings) Totals {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := Totals{EarnedTotal: orZero(e.Total), EarnedToday: "0", EarnedByDay: e.ByDay}
	today := now.UTC().Format("2006-01-02")
	for _, d := range e.ByDay {
		if d.Day == today {
			t.EarnedToday = d.Amount
		}
	}
	localDay := now.Format("2006-01-02")
	// Pending results age out after a day, so the sums are redone at least
	// once a minute even when nothing changed.
	if !l.sumsValid || l.sumsVer != l.ver || l.sumsDay != localDay || now.Sub(l.sumsAt) > time.Minute {
		l.sums = l.sum(now, localDay)
		l.sumsVer, l.sumsDay, l.sumsAt, l.sumsValid = l.ver, localDay, now, true
	}
	sm := l.sums
	t.JobsDone, t.Pending, t.Measured = sm.JobsDone, sm.Pending, sm.Measured
	t.EnergyTotalWh, t.CO2TotalG, t.EnergyTodayWh, t.CO2TodayG = sm.EnergyTotalWh, sm.CO2TotalG, sm.EnergyTodayWh, sm.CO2TodayG
	return t
}

// sum adds up every entry. Callers hold l.mu.
func (l *ledger) sum(now time.Time, localDay string) Totals {
	var t Totals
	var pending []string
	for _, id := range l.order {
		le := l.entries[id]
		t.JobsDone++
		t.EnergyTotalWh += le.EnergyWh
		t.CO2TotalG += le.CO2Grams
		if le.FinishedAt.Local().Format("2006-01-02") == localDay {
			t.EnergyTodayWh += le.EnergyWh
			t.CO2TodayG += le.CO2Grams
		}
		t.Measured = t.Measured || le.Measured
		if le.Verdict == protocol.VerdictPending && now.Sub(le.FinishedAt) < 24*time.Hour {
			pending = append(pending, le.Reward)
		}
	}
	t.Pending = sumRewards(pending...).String()
	return t
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
