package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconsDecode(t *testing.T) {
	for name, tc := range map[string]struct {
		data []byte
		size int
	}{
		"working": {TrayWorking, 64}, "waiting": {TrayWaiting, 64}, "paused": {TrayPaused, 64},
		"error": {TrayError, 64}, "app": {AppIcon, 256},
	} {
		img, err := png.Decode(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != tc.size || b.Dy() != tc.size {
			t.Errorf("%s: size %v, want %d×%d", name, b, tc.size, tc.size)
		}
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("%s: corner is not transparent", name)
		}
	}
}
