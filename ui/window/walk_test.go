package window

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// walk visits o and everything inside it: containers, scrolls, cards,
// forms and tabs.
func walk(o fyne.CanvasObject, fn func(any)) {
	if o == nil {
		return
	}
	fn(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, fn)
		}
	case *container.Scroll:
		walk(v.Content, fn)
	case *widget.Card:
		walk(v.Content, fn)
	case *widget.Form:
		for _, it := range v.Items {
			walk(it.Widget, fn)
		}
	case *container.AppTabs:
		for _, it := range v.Items {
			walk(it.Content, fn)
		}
	}
}

// labelsIn joins the texts of the labels inside o.
func labelsIn(o fyne.CanvasObject) string {
	var parts []string
	walk(o, func(x any) {
		if l, ok := x.(*widget.Label); ok {
			parts = append(parts, l.Text)
		}
	})
	return strings.Join(parts, " | ")
}
