package tray

import (
	"testing"
	"time"

	"github.com/idlenode/idlenode/app"
)

// BenchmarkLabelsFor is the tray's work per snapshot (one a second).
func BenchmarkLabelsFor(b *testing.B) {
	until := time.Now().Add(time.Hour)
	st := app.State{State: app.PhasePaused, PausedUntil: &until, Reason: "Paused by you",
		Network: app.NetworkState{TokenSymbol: "IDLE", TokenDecimals: 18}, Totals: app.Totals{EarnedToday: "1250000000000000000"}}
	b.ReportAllocs()
	for b.Loop() {
		_ = LabelsFor(st)
	}
}
