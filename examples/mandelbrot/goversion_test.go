package mandelbrot

import "testing"

func TestCanBuildWASIP1(t *testing.T) {
	for v, want := range map[string]bool{"go1.19.8": false, "go1.20": false, "go1.21.0": true, "go1.26.8": true, "go1.27rc1": true, "devel go1.28-abc": true} {
		if got := canBuildWASIP1(v); got != want {
			t.Errorf("%s: %v, want %v", v, got, want)
		}
	}
}
