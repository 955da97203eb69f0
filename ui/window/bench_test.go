package window

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/idlenode/idlenode/app"
)

// BenchmarkDashboard is the pure view-model work per snapshot.
func BenchmarkDashboard(b *testing.B) {
	st := fixture()
	b.ReportAllocs()
	for b.Loop() {
		_ = Dashboard(st, now)
		_ = Jobs(st, now)
		_ = EarningsBars(st, now)
	}
}

// BenchmarkApply is the window's work per snapshot on the test driver
// (widgets updated, no GPU painting): once a second while open.
func BenchmarkApply(b *testing.B) {
	fa := test.NewTempApp(b)
	u, err := New(fa, nil, Options{Tab: TabDashboard, Now: func() time.Time { return now },
		Hardware: func(context.Context, app.State) Hardware { return Hardware{Cores: 8} }})
	if err != nil {
		b.Fatal(err)
	}
	u.win.Resize(fyne.NewSize(860, 640))
	st := fixture()
	b.ReportAllocs()
	for b.Loop() {
		st.Seq++
		st.CPUOtherPercent = float64(st.Seq % 100)
		st.Time = st.Time.Add(time.Second)
		u.Apply(st)
	}
}
