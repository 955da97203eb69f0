//go:build cgo && linux

package sandbox

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestChildPriorityAndOSCaps reads the running child's threads and limits
// from /proc: every thread at nice 19 under SCHED_IDLE, the file size cap
// at the scratch limit and a data cap in place.
func TestChildPriorityAndOSCaps(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	p, err := testRunner().Start(context.Background(), Spec{ModulePath: wasm, Args: []string{"spin"}, ScratchMB: 16, MemoryMB: 32})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	limits := filepath.Join("/proc", strconv.Itoa(p.Pid()), "limits")
	deadline := time.Now().Add(60 * time.Second)
	var fsize, data string
	for {
		b, err := os.ReadFile(limits)
		if err != nil {
			t.Fatal(err)
		}
		// The child sets one cap, then the other: wait for both.
		fsize, data = limitLine(b, "Max file size"), limitLine(b, "Max data size")
		if fsize != "unlimited" && data != "unlimited" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the child never capped its file size and data (file size %s, data %s)", fsize, data)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if fsize != strconv.Itoa(16<<20) {
		t.Errorf("Max file size %s, want %d", fsize, 16<<20)
	}
	if n, err := strconv.ParseInt(data, 10, 64); err != nil || n < 32<<20 || n > 8<<30 {
		t.Errorf("Max data size %q, want a cap above the memory limit", data)
	}
	tasks, err := os.ReadDir(filepath.Join("/proc", strconv.Itoa(p.Pid()), "task"))
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.Pid()), "task", task.Name(), "stat"))
		if err != nil {
			continue
		}
		f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+1:])
		// f[0] is field 3 of proc(5): nice is field 19, policy field 41.
		if nice, policy := string(f[16]), string(f[38]); nice != "19" || policy != "5" {
			t.Errorf("thread %s: nice %s policy %s, want 19 and 5 (SCHED_IDLE)", task.Name(), nice, policy)
		}
	}
}

func limitLine(b []byte, name string) string {
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, name) {
			f := strings.Fields(l[len(name):])
			if len(f) > 0 {
				return f[0]
			}
		}
	}
	return ""
}
