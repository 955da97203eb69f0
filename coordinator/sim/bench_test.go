package sim_test

import (
	"context"
	"testing"

	"github.com/idlenode/idlenode/coordinator/sim"
)

// BenchmarkRoundTrips reports round trips per second (lease + result +
// validation) of a real coordinator on loopback with 32 simulated nodes.
func BenchmarkRoundTrips(b *testing.B) {
	for _, c := range []struct {
		name, sync string
		parallel   bool
	}{{"FULL", "FULL", false}, {"NORMAL", "NORMAL", false}, {"FULL-parallel-nodes", "FULL", true}} {
		b.Run(c.name, func(b *testing.B) {
			var last sim.BenchResult
			for b.Loop() {
				r, err := sim.Bench(context.Background(), sim.BenchOptions{Jobs: 4000, Synchronous: c.sync, Parallel: c.parallel})
				if err != nil {
					b.Fatal(err)
				}
				last = r
			}
			b.ReportMetric(last.RoundTripsPerS, "roundtrips/s")
			b.ReportMetric(float64(last.LeaseP99.Microseconds()), "lease-p99-µs")
			b.ReportMetric(last.Replication, "replication")
		})
	}
}
