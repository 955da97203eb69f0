package window

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idlenode/idlenode/app"
	"time"
)

// historyLen is how many samples the live charts keep (about a minute).
const historyLen = 60

type dashboardTab struct {
	u       *UI
	content fyne.CanvasObject

	status, reason, network  *widget.Label
	pause                    *widget.Button
	cpu, gpu, input, power   *widget.Label
	cpuChart, gpuChart       *barChart
	jobs                     *fyne.Container
	noJobs                   *widget.Label
	jobsDone, today, total   *widget.Label
	pending                  *widget.Label
	earnChart                *barChart
	earnEmpty                *widget.Label // over the chart while there is nothing to show
	earnFrom, earnTo         *widget.Label
	energyToday, energyTotal *widget.Label
	energyNote, yield        *widget.Label

	cpuHist, gpuHist [][]float64
	paused           bool
	earnKey          string
	jobRows          []jobRowWidgets
}

func newDashboardTab(u *UI) *dashboardTab {
	d := &dashboardTab{u: u}
	d.status = widget.NewLabel("")
	d.status.TextStyle = fyne.TextStyle{Bold: true}
	d.reason = wrapped("")
	// Lines whose text comes from the node (reasons, errors) wrap: an
	// unbroken long one would widen the window past the screen.
	d.network = wrapped("")
	d.pause = widget.NewButton("Pause for 1 hour", d.togglePause)
	d.cpu, d.gpu, d.input, d.power = widget.NewLabel(""), wrapped(""), wrapped(""), wrapped("")
	d.cpuChart = newBarChart(70, colOther, colOurs)
	d.gpuChart = newBarChart(70, colOther, colOurs)
	d.jobs = container.NewVBox()
	d.noJobs = widget.NewLabel("No jobs right now.")
	d.jobsDone, d.today, d.total, d.pending = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	d.earnChart = newBarChart(80, colAccent)
	d.earnFrom, d.earnTo = widget.NewLabel(""), widget.NewLabel("")
	d.earnEmpty = widget.NewLabel("No earnings in the last 30 days yet")
	d.energyToday, d.energyTotal, d.energyNote, d.yield = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")

	state := widget.NewCard("", "", container.NewVBox(
		container.NewBorder(nil, nil, nil, d.pause, container.NewVBox(d.status, d.reason)),
		d.network,
	))
	machine := widget.NewCard("This machine", "", container.NewVBox(
		container.NewHBox(legend(colOther, "other programs"), legend(colOurs, "idlenode")),
		widget.NewLabel("CPU"), d.cpuChart, d.cpu,
		widget.NewLabel("GPU"), d.gpuChart, d.gpu,
		d.input, d.power,
	))
	jobs := widget.NewCard("Jobs", "", container.NewVBox(d.noJobs, d.jobs, d.jobsDone))
	earn := widget.NewCard("Earnings", "", container.NewVBox(
		container.NewGridWithColumns(2,
			widget.NewLabel("Today"), d.today,
			widget.NewLabel("Total"), d.total),
		d.pending,
		widget.NewLabel("Last 30 days"),
		container.NewStack(d.earnChart, container.NewCenter(d.earnEmpty)),
		container.NewBorder(nil, nil, d.earnFrom, d.earnTo),
	))
	energy := widget.NewCard("Energy", "", container.NewVBox(
		container.NewGridWithColumns(2,
			widget.NewLabel("Today"), d.energyToday,
			widget.NewLabel("Total"), d.energyTotal),
		d.energyNote,
		container.NewGridWithColumns(2, widget.NewLabel("Yield latency"), d.yield),
	))
	d.content = container.NewVScroll(container.NewVBox(
		state,
		container.NewGridWithColumns(2, machine, container.NewVBox(earn, energy)),
		jobs,
	))
	return d
}

func (d *dashboardTab) togglePause() {
	paused := d.paused
	d.pause.Disable()
	d.u.call(func(ctx context.Context) error {
		var st app.State
		var err error
		if paused {
			st, err = d.u.c.Resume(ctx)
		} else {
			st, err = d.u.c.Pause(ctx, time.Hour)
		}
		if err == nil {
			d.u.do(func() { d.u.Apply(st) })
		}
		return err
	}, func(err error) {
		d.pause.Enable()
		if err != nil {
			d.u.setBanner("Could not change the pause: " + err.Error())
		}
	})
}

// push appends a sample, keeping historyLen slots so the chart's bars
// keep their width and new samples enter at the right.
func push(h [][]float64, v []float64) [][]float64 {
	if len(h) == 0 {
		h = make([][]float64, historyLen)
		for i := range h {
			h[i] = make([]float64, len(v))
		}
	}
	return append(h[1:], v)
}

// setText changes a label only when its text changes: a redraw a second
// of every label would cost the idle window CPU for nothing.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

func (d *dashboardTab) apply(st app.State) {
	now := d.u.opts.Now()
	v := Dashboard(st, now)
	setText(d.status, v.Status+" "+v.Since)
	setText(d.reason, v.Reason)
	setText(d.network, v.Network)
	// Not joined: the reason above already says so, and how to join.
	if v.Network != "" && strings.HasPrefix(v.Reason, v.Network) {
		d.network.Hide()
	} else {
		d.network.Show()
	}
	d.paused = st.State == app.PhasePaused
	label := "Pause for 1 hour"
	if d.paused {
		label = "Resume"
	}
	if d.pause.Text != label {
		d.pause.SetText(label)
	}
	// Nothing to pause without a service, or before the node is set up.
	if st.State == app.PhaseStopped || st.State == app.PhaseSetup {
		d.pause.Disable()
	} else {
		d.pause.Enable()
	}
	setText(d.cpu, v.CPU)
	setText(d.gpu, v.GPU)
	setText(d.input, v.Input)
	setText(d.power, v.Power)

	d.cpuHist = push(d.cpuHist, []float64{st.CPUOtherPercent / 100, st.CPUOursPercent / 100})
	d.cpuChart.SetBars(d.cpuHist)
	var gother, gall float64
	for _, g := range st.GPUs {
		gother += g.OtherUtilPercent / 100 / float64(len(st.GPUs))
		gall += g.UtilPercent / 100 / float64(len(st.GPUs))
	}
	ours := gall - gother
	if ours < 0 {
		ours = 0
	}
	d.gpuHist = push(d.gpuHist, []float64{gother, ours})
	d.gpuChart.SetBars(d.gpuHist)
	// No GPU: the line says so; an empty chart would only look broken.
	if setVisible(d.gpuChart, len(st.GPUs) > 0) {
		d.content.Refresh()
	}

	rows := Jobs(st, now)
	d.showJobs(rows)
	moved := setVisible(d.noJobs, len(rows) == 0)
	setText(d.jobsDone, v.JobsDone)
	setText(d.today, v.EarnedToday)
	setText(d.total, v.EarnedTotal)
	setText(d.pending, v.Pending)
	moved = setVisible(d.pending, v.Pending != "") || moved
	if moved {
		d.content.Refresh()
	}
	bars := EarningsBars(st, now)
	if key := barsKey(bars); key != d.earnKey {
		d.earnKey = key
		vals := make([][]float64, len(bars))
		for i, b := range bars {
			vals[i] = []float64{b.Value}
		}
		d.earnChart.SetBars(vals)
		empty := true
		for _, b := range bars {
			empty = empty && b.Value == 0
		}
		setVisible(d.earnEmpty, empty)
	}
	setText(d.earnFrom, bars[0].Label)
	setText(d.earnTo, bars[len(bars)-1].Label)
	setText(d.energyToday, v.EnergyToday)
	setText(d.energyTotal, v.EnergyTotal)
	setText(d.energyNote, "Energy "+v.EnergyNote)
	setText(d.yield, v.Yield)
}

func barsKey(bars []Bar) string {
	var b strings.Builder
	for _, x := range bars {
		b.WriteString(x.Label + "=" + x.Text + ";")
	}
	return b.String()
}

// showJobs updates the job rows in place; rows are made only when the
// number of jobs changes.
func (d *dashboardTab) showJobs(rows []JobRow) {
	if len(rows) != len(d.jobRows) {
		d.jobRows = make([]jobRowWidgets, len(rows))
		objs := make([]fyne.CanvasObject, len(rows))
		for i := range rows {
			r := jobRowWidgets{id: widget.NewLabel(""), bar: widget.NewProgressBar(), detail: widget.NewLabel("")}
			d.jobRows[i] = r
			objs[i] = container.NewBorder(nil, nil, r.id, nil, container.NewVBox(r.bar, r.detail))
		}
		d.jobs.Objects = objs
		d.jobs.Refresh()
		d.content.Refresh() // the scroll must measure the new rows
	}
	for i, r := range rows {
		w := d.jobRows[i]
		setText(w.id, r.ID)
		setText(w.detail, r.Detail)
		if w.bar.Value != r.Progress {
			w.bar.SetValue(r.Progress)
		}
	}
}

type jobRowWidgets struct {
	id, detail *widget.Label
	bar        *widget.ProgressBar
}
