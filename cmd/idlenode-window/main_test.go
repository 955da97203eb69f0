package main

import (
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
