package main

import (
	"bytes"
	"testing"

	"github.com/idlenode/idlenode/internal/buildinfo"
)

// TestVersion: --version and the version verb print the build line and
// exit 0.
func TestVersion(t *testing.T) {
	want := buildinfo.String("idlenode-coordinator") + "\n"
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		var stdout, stderr bytes.Buffer
		if code := realMain(args, &stdout, &stderr); code != 0 || stdout.String() != want || stderr.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0 and %q", args, code, stdout.String(), stderr.String(), want)
		}
	}
}
