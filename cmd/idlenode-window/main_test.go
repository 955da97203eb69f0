package main

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

func TestReadCommands(t *testing.T) {
	var got []string
	readCommands(strings.NewReader("show\nshow settings\n\nbogus\nshow a b\nshow wallet"),
		func(tab string) { got = append(got, tab) }, slog.New(slog.DiscardHandler))
	if want := []string{"", "settings", "wallet"}; !slices.Equal(got, want) {
		t.Fatalf("raised %q, want %q", got, want)
	}
}

// Without a display the window says so in one line instead of a panic.
func TestNoDisplay(t *testing.T) {
	if displayProblem(func(string) string { return "" }) == "" {
		t.Skip("this OS always has a display")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	var stderr bytes.Buffer
	if code := run([]string{"--home", t.TempDir()}, &stderr); code != 1 || !strings.Contains(stderr.String(), "no desktop display") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, env := range []map[string]string{{"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}} {
		if p := displayProblem(func(k string) string { return env[k] }); p != "" {
			t.Errorf("%v: %s", env, p)
		}
	}
}
