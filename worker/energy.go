package worker

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// EnergyMeter tells what a job cost in energy. Begin is called when the
// job starts, End when it ends with the job's CPU seconds.
type EnergyMeter interface {
	Begin() EnergyMark
	End(m EnergyMark, cpuSeconds, wattsPerCore float64) (wh float64, measured bool)
}

// EnergyMark is a meter reading at a job's start.
type EnergyMark struct {
	microjoules uint64
	busySeconds float64
	at          time.Time
	ok          bool
}

// raplMeter reads the CPU packages' energy counters (Intel RAPL, also
// exposed for AMD) under /sys/class/powercap, and attributes to a job the
// share of the package energy that matches its share of the busy CPU time.
// Where the counters are unreadable (most VMs; root-only on recent kernels)
// it estimates from CPU seconds.
type raplMeter struct {
	root string // "/" in production; a fixture tree in tests
}

// NewEnergyMeter returns the meter for this machine; root "" means "/".
func NewEnergyMeter(root string) EnergyMeter {
	if root == "" {
		root = "/"
	}
	return &raplMeter{root: root}
}

func (r *raplMeter) Begin() EnergyMark {
	uj, ok := r.packageMicrojoules()
	busy, bok := r.busySeconds()
	return EnergyMark{microjoules: uj, busySeconds: busy, at: time.Now(), ok: ok && bok}
}

func (r *raplMeter) End(m EnergyMark, cpuSeconds, wattsPerCore float64) (float64, bool) {
	estimate := cpuSeconds * wattsPerCore / 3600
	if !m.ok {
		return estimate, false
	}
	uj, ok := r.packageMicrojoules()
	busy, bok := r.busySeconds()
	if !ok || !bok {
		return estimate, false
	}
	var delta uint64
	if uj >= m.microjoules {
		delta = uj - m.microjoules
	} else {
		delta = uj + (r.maxRange() - m.microjoules) // the counter wrapped
	}
	busyDelta := busy - m.busySeconds
	if busyDelta <= 0 || cpuSeconds <= 0 {
		return estimate, false
	}
	share := min(1, cpuSeconds/busyDelta)
	return float64(delta) / 3.6e9 * share, true
}

// packageMicrojoules sums the top-level RAPL zones (one per package).
func (r *raplMeter) packageMicrojoules() (uint64, bool) {
	zones, _ := filepath.Glob(filepath.Join(r.root, "sys/class/powercap/intel-rapl:[0-9]*"))
	var total uint64
	n := 0
	for _, z := range zones {
		if strings.Count(filepath.Base(z), ":") != 1 {
			continue // sub-zones (core, uncore, dram) are inside the package
		}
		v, err := readUint(filepath.Join(z, "energy_uj"))
		if err != nil {
			return 0, false
		}
		total += v
		n++
	}
	return total, n > 0
}

func (r *raplMeter) maxRange() uint64 {
	zones, _ := filepath.Glob(filepath.Join(r.root, "sys/class/powercap/intel-rapl:[0-9]*"))
	var total uint64
	for _, z := range zones {
		if strings.Count(filepath.Base(z), ":") == 1 {
			v, _ := readUint(filepath.Join(z, "max_energy_range_uj"))
			total += v
		}
	}
	return total
}

// busySeconds is the machine's total non-idle CPU time from /proc/stat.
func (r *raplMeter) busySeconds() (float64, bool) {
	f, err := os.Open(filepath.Join(r.root, "proc/stat"))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, false
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 5 || fields[0] != "cpu" {
		return 0, false
	}
	var busy uint64
	for i, s := range fields[1:] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, false
		}
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		busy += v
	}
	return float64(busy) / 100, true // USER_HZ is 100 on Linux
}

func readUint(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
}
