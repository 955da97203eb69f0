package worker

import (
	"context"
	"testing"
	"time"

	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
)

// BenchmarkSetAllowedWithJobs measures SetAllowed(false) then
// SetAllowed(true) with four leased jobs that have no process yet: the
// lock and the wake-up of each job's lease goroutine, which does the
// network call. Nobody drains the wake-ups here, so it also shows the
// signal never blocks.
func BenchmarkSetAllowedWithJobs(b *testing.B) {
	sg, err := client.GenerateKeySigner()
	if err != nil {
		b.Fatal(err)
	}
	c, err := client.New("http://127.0.0.1:9", sg) // never called
	if err != nil {
		b.Fatal(err)
	}
	w, err := New(Config{Dir: b.TempDir(), Coordinator: c, Sandbox: SandboxRunner{}, Limits: func() Limits { return Limits{Slots: 4} }})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 4 {
		id := string(rune('a' + i))
		_, cancel := context.WithCancel(context.Background())
		defer cancel()
		w.jobs[id] = &job{w: w, a: protocol.Assignment{LeaseID: id}, phase: "downloading", started: time.Now(), cancel: cancel,
			done: make(chan struct{}), stateChanged: make(chan struct{}, 1), toldState: protocol.ReplicaRunning}
	}
	w.SetAllowed(true, "idle")
	for b.Loop() {
		w.SetAllowed(false, "Keyboard used")
		w.SetAllowed(true, "idle")
	}
	for _, j := range w.jobs {
		if len(j.stateChanged) != 1 {
			b.Fatalf("job %s was not signalled", j.a.LeaseID)
		}
	}
}
