// Command gen draws the tray icons and the app icon with image/draw and
// writes them as PNG files into the current directory (assets/).
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

var (
	green = color.NRGBA{0x2e, 0x9e, 0x5b, 0xff}
	amber = color.NRGBA{0xe0, 0x9b, 0x1a, 0xff}
	grey  = color.NRGBA{0x7a, 0x80, 0x88, 0xff}
	red   = color.NRGBA{0xd2, 0x3b, 0x3b, 0xff}
	blue  = color.NRGBA{0x2b, 0x6c, 0xd4, 0xff}
	white = color.NRGBA{0xff, 0xff, 0xff, 0xff}
)

func main() {
	icons := []struct {
		name  string
		size  int
		bg    color.NRGBA
		glyph func(x, y float64) bool // in unit square coordinates, centre 0.5
	}{
		{"tray-working.png", 64, green, play},
		{"tray-waiting.png", 64, amber, clock},
		{"tray-paused.png", 64, grey, pauseBars},
		{"tray-error.png", 64, red, bang},
		{"icon.png", 256, blue, node},
	}
	for _, ic := range icons {
		if err := write(ic.name, draw(ic.size, ic.bg, ic.glyph)); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

// draw renders a disc of colour bg with a white glyph, 4×4 supersampled so
// the edges are smooth.
func draw(size int, bg color.NRGBA, glyph func(x, y float64) bool) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var disc, mark int
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/ss) / float64(size)
					if math.Hypot(x-0.5, y-0.5) <= 0.47 {
						disc++
						if glyph(x, y) {
							mark++
						}
					}
				}
			}
			if disc == 0 {
				continue
			}
			f := float64(mark) / float64(disc)
			mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-f) + float64(b)*f + 0.5) }
			img.SetNRGBA(px, py, color.NRGBA{mix(bg.R, white.R), mix(bg.G, white.G), mix(bg.B, white.B), uint8(255 * disc / (ss * ss))})
		}
	}
	return img
}

func play(x, y float64) bool {
	// Triangle pointing right.
	if x < 0.38 || x > 0.72 {
		return false
	}
	half := 0.2 * (0.72 - x) / 0.34
	return math.Abs(y-0.5) <= half
}

func clock(x, y float64) bool {
	r := math.Hypot(x-0.5, y-0.5)
	if r > 0.26 && r < 0.33 {
		return true // rim
	}
	if math.Abs(x-0.5) < 0.035 && y > 0.3 && y < 0.52 {
		return true // minute hand
	}
	return y > 0.465 && y < 0.535 && x > 0.5 && x < 0.65 // hour hand
}

func pauseBars(x, y float64) bool {
	if y < 0.3 || y > 0.7 {
		return false
	}
	return (x > 0.35 && x < 0.45) || (x > 0.55 && x < 0.65)
}

func bang(x, y float64) bool {
	if math.Abs(x-0.5) > 0.06 {
		return false
	}
	return (y > 0.24 && y < 0.6) || (y > 0.67 && y < 0.77)
}

// node: three linked dots, the app's mark.
func node(x, y float64) bool {
	pts := [][2]float64{{0.32, 0.64}, {0.68, 0.64}, {0.5, 0.33}}
	for _, p := range pts {
		if math.Hypot(x-p[0], y-p[1]) < 0.085 {
			return true
		}
	}
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		if segDist(x, y, a, b) < 0.025 {
			return true
		}
	}
	return false
}

func segDist(x, y float64, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := ((x-a[0])*dx + (y-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(a[0]+t*dx), y-(a[1]+t*dy))
}

func write(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return f.Close()
}
