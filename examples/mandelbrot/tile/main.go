// Command tile renders one tile of the Mandelbrot set, an idlenode demo
// workload built for GOOS=wasip1. Arguments (or one line on stdin):
//
//	SIZE X Y W H MAXITER
//
// for the W×H tile at (X, Y) of a SIZE×SIZE image of the region
// [-2.5, 1] × [-1.75, 1.75]. It writes W×H bytes to stdout, row by row:
// the escape iteration of each pixel, 0 inside the set. The output is
// deterministic: plain float64 arithmetic with every product rounded
// (explicit conversions forbid fused multiply-add), no clocks, no random.
//
// It uses the standard library only so it builds from this one file.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		args = strings.Fields(line)
	}
	p, err := parse(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tile:", err)
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 64<<10)
	row := make([]byte, p[3])
	for y := 0; y < p[4]; y++ {
		for x := 0; x < p[3]; x++ {
			row[x] = pixel(p[0], p[1]+x, p[2]+y, p[5])
		}
		if _, err := w.Write(row); err != nil {
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		os.Exit(1)
	}
}

func parse(args []string) ([6]int, error) {
	var p [6]int
	if len(args) != 6 {
		return p, fmt.Errorf("want 6 numbers SIZE X Y W H MAXITER, got %d", len(args))
	}
	for i, a := range args {
		v, err := strconv.Atoi(a)
		if err != nil || v < 0 || v > 1<<16 {
			return p, fmt.Errorf("argument %d (%q) is not a number in 0..65536", i+1, a)
		}
		p[i] = v
	}
	switch {
	case p[0] == 0 || p[3] == 0 || p[4] == 0:
		return p, fmt.Errorf("size, width and height must be positive")
	case p[1]+p[3] > p[0] || p[2]+p[4] > p[0]:
		return p, fmt.Errorf("tile reaches outside the image")
	case p[5] < 1 || p[5] > 255:
		return p, fmt.Errorf("maxiter must be in 1..255")
	}
	return p, nil
}

// pixel is the escape iteration of pixel (px, py), 0 inside the set.
func pixel(size, px, py, maxIter int) byte {
	scale := 3.5 / float64(size)
	cr := -2.5 + float64(float64(px)+0.5)*scale
	ci := -1.75 + float64(float64(py)+0.5)*scale
	var zr, zi float64
	for n := 1; n <= maxIter; n++ {
		zr2, zi2 := float64(zr*zr), float64(zi*zi)
		if zr2+zi2 > 4 {
			return byte(n)
		}
		zi = float64(2*float64(zr*zi)) + ci
		zr = zr2 - zi2 + cr
	}
	return 0
}
