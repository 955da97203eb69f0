package window

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// barChart draws stacked bars: each bar is a list of shares (0..1) of the
// chart's height, one per series, bottom up.
type barChart struct {
	widget.BaseWidget
	colors []color.Color
	height float32
	bars   [][]float64
}

func newBarChart(height float32, colors ...color.Color) *barChart {
	c := &barChart{colors: colors, height: height}
	c.ExtendBaseWidget(c)
	return c
}

// SetBars replaces the data and redraws.
func (c *barChart) SetBars(bars [][]float64) {
	c.bars = bars
	c.Refresh()
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.NRGBA{0x80, 0x80, 0x80, 0x20})
	r := &barRenderer{c: c, bg: bg}
	r.rebuild()
	return r
}

type barRenderer struct {
	c     *barChart
	bg    *canvas.Rectangle
	rects [][]*canvas.Rectangle
	objs  []fyne.CanvasObject
}

func (r *barRenderer) rebuild() {
	r.rects = r.rects[:0]
	r.objs = []fyne.CanvasObject{r.bg}
	for _, bar := range r.c.bars {
		row := make([]*canvas.Rectangle, len(bar))
		for s := range bar {
			col := color.Color(color.NRGBA{0x2b, 0x6c, 0xd4, 0xff})
			if s < len(r.c.colors) {
				col = r.c.colors[s]
			}
			row[s] = canvas.NewRectangle(col)
			r.objs = append(r.objs, row[s])
		}
		r.rects = append(r.rects, row)
	}
}

func (r *barRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.bg.Move(fyne.NewPos(0, 0))
	n := len(r.rects)
	if n == 0 {
		return
	}
	slot := size.Width / float32(n)
	gap := slot * 0.2
	for i, row := range r.rects {
		y := size.Height
		for s, rect := range row {
			v := float32(clamp01(r.c.bars[i][s]))
			h := v * size.Height
			if y-h < 0 {
				h = y
			}
			y -= h
			rect.Move(fyne.NewPos(float32(i)*slot+gap/2, y))
			rect.Resize(fyne.NewSize(slot-gap, h))
		}
	}
}

func clamp01(v float64) float64 {
	if !(v > 0) {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

func (r *barRenderer) MinSize() fyne.Size { return fyne.NewSize(120, r.c.height) }

func (r *barRenderer) Refresh() {
	if !r.sameShape() {
		r.rebuild()
	}
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

// sameShape reports whether the rectangles fit the data, so a new sample
// only moves them instead of making new ones.
func (r *barRenderer) sameShape() bool {
	if len(r.rects) != len(r.c.bars) {
		return false
	}
	for i, row := range r.rects {
		if len(row) != len(r.c.bars[i]) {
			return false
		}
	}
	return true
}

func (r *barRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *barRenderer) Destroy() {}
