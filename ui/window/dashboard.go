package window

import (
	"context"

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
	earnFrom, earnTo         *widget.Label
	energyToday, energyTotal *widget.Label
	energyNote, yield        *widget.Label

	cpuHist, gpuHist [][]float64
	paused           bool
}

func newDashboardTab(u *UI) *dashboardTab {
	d := &dashboardTab{u: u}
	d.status = widget.NewLabel("")
	d.status.TextStyle = fyne.TextStyle{Bold: true}
	d.reason = wrapped("")
	d.network = widget.NewLabel("")
	d.pause = widget.NewButton("Pause for 1 hour", d.togglePause)
	d.cpu, d.gpu, d.input, d.power = widget.NewLabel(""), wrapped(""), widget.NewLabel(""), widget.NewLabel("")
	d.cpuChart = newBarChart(70, colOther, colOurs)
	d.gpuChart = newBarChart(70, colOther, colOurs)
	d.jobs = container.NewVBox()
	d.noJobs = widget.NewLabel("No jobs right now.")
	d.jobsDone, d.today, d.total, d.pending = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	d.earnChart = newBarChart(80, colAccent)
	d.earnFrom, d.earnTo = widget.NewLabel(""), widget.NewLabel("")
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
		d.earnChart,
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
	}
	return append(h[1:], v)
}

func (d *dashboardTab) apply(st app.State) {
	now := d.u.opts.Now()
	v := Dashboard(st, now)
	d.status.SetText(v.Status + " " + v.Since)
	d.reason.SetText(v.Reason)
	d.network.SetText(v.Network)
	d.paused = st.State == app.PhasePaused
	if d.paused {
		d.pause.SetText("Resume")
	} else {
		d.pause.SetText("Pause for 1 hour")
	}
	d.cpu.SetText(v.CPU)
	d.gpu.SetText(v.GPU)
	d.input.SetText(v.Input)
	d.power.SetText(v.Power)

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

	rows := Jobs(st, now)
	objs := make([]fyne.CanvasObject, 0, len(rows))
	for _, r := range rows {
		pb := widget.NewProgressBar()
		pb.SetValue(r.Progress)
		objs = append(objs, container.NewBorder(nil, nil, widget.NewLabel(r.ID), nil, container.NewVBox(pb, widget.NewLabel(r.Detail))))
	}
	relayout := len(objs) != len(d.jobs.Objects)
	d.jobs.Objects = objs
	d.jobs.Refresh()
	if relayout {
		d.content.Refresh() // the scroll must measure the new rows
	}
	if len(rows) == 0 {
		d.noJobs.Show()
	} else {
		d.noJobs.Hide()
	}
	d.jobsDone.SetText(v.JobsDone)
	d.today.SetText(v.EarnedToday)
	d.total.SetText(v.EarnedTotal)
	d.pending.SetText(v.Pending)
	if v.Pending == "" {
		d.pending.Hide()
	} else {
		d.pending.Show()
	}
	bars := EarningsBars(st, now)
	vals := make([][]float64, len(bars))
	for i, b := range bars {
		vals[i] = []float64{b.Value}
	}
	d.earnChart.SetBars(vals)
	d.earnFrom.SetText(bars[0].Label)
	d.earnTo.SetText(bars[len(bars)-1].Label)
	d.energyToday.SetText(v.EnergyToday)
	d.energyTotal.SetText(v.EnergyTotal)
	d.energyNote.SetText("Energy " + v.EnergyNote)
	d.yield.SetText(v.Yield)
}
