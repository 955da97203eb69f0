package window

import (
	"strings"

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
}

func newActivityTab(u *UI) *activityTab {
	a := &activityTab{u: u}
	a.text = widget.NewLabel("Nothing yet: state changes seen while this window is open appear here.")
	a.text.Wrapping = fyne.TextWrapWord
	a.content = container.NewVScroll(a.text)
	return a
}

func (a *activityTab) add(line string) {
	a.lines = append([]string{line}, a.lines...)
	if len(a.lines) > maxActivity {
		a.lines = a.lines[:maxActivity]
	}
	a.text.SetText(strings.Join(a.lines, "\n"))
}
