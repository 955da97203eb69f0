package window

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// maxActivity is how many lines the activity log keeps.
const maxActivity = 500

type activityTab struct {
	u       *UI
	content fyne.CanvasObject
	lines   []string // newest first
	text    *widget.Label

	// The newest line counts the jobs finished in jobsMinute while
	// jobsTop; later jobs of that minute update it instead of adding lines.
	jobsTop    bool
	jobsMinute time.Time
	jobs       int64
}

func newActivityTab(u *UI) *activityTab {
	a := &activityTab{u: u}
	a.text = widget.NewLabel("Nothing yet: state changes seen while this window is open appear here.")
	a.text.Wrapping = fyne.TextWrapWord
	a.content = container.NewVScroll(a.text)
	return a
}

func (a *activityTab) add(line string) {
	a.jobsTop = false
	a.push(line)
}

// addJobs counts n jobs finished at t, one line a minute.
func (a *activityTab) addJobs(t time.Time, n int64) {
	m := t.Local().Truncate(time.Minute)
	if a.jobsTop && m.Equal(a.jobsMinute) {
		a.jobs += n
		a.lines[0] = jobsLine(m, a.jobs)
		a.text.SetText(strings.Join(a.lines, "\n"))
		return
	}
	a.jobsTop, a.jobsMinute, a.jobs = true, m, n
	a.push(jobsLine(m, n))
}

func jobsLine(minute time.Time, n int64) string {
	return minute.Format("15:04") + "     " + plural(n, "job", "jobs") + " finished"
}

func (a *activityTab) push(line string) {
	a.lines = append([]string{line}, a.lines...)
	if len(a.lines) > maxActivity {
		a.lines = a.lines[:maxActivity]
	}
	a.text.SetText(strings.Join(a.lines, "\n"))
}
