package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// listDir names what is under dir, "" when dir does not exist.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return nil
	})
	if os.IsNotExist(err) {
		return "<none>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, " ")
}

// TestFailedStartLeavesNothing: a start that fails (a port in use, a demo
// module that does not build, a dev chain that cannot bind) leaves no new file behind: not the data
// folder it would have created, nor a lock, database or network.json in
// an existing one; what was there before stays.
func TestFailedStartLeavesNothing(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, tc := range []struct {
		name  string
		args  []string
		setup func(t *testing.T)
		want  string
	}{
		{"port in use", []string{"--listen", taken.Addr().String()}, nil, "address already in use"},
		{"demo build fails", []string{"--listen", "127.0.0.1:0", "--demo"},
			func(t *testing.T) { t.Setenv("GO", filepath.Join(t.TempDir(), "no-go-here")) }, "--demo"},
		{"dev chain port in use", []string{"--listen", "127.0.0.1:0", "--dev", "--chain-listen", taken.Addr().String()}, nil, "--dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t)
			}
			root := t.TempDir()
			fresh := filepath.Join(root, "fresh", "net")
			existing := filepath.Join(root, "existing")
			if err := os.Mkdir(existing, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(existing, "notes.txt"), []byte("mine"), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, dir := range []string{fresh, existing} {
				var logs bytes.Buffer
				err := serve(context.Background(), append([]string{"--data", dir}, tc.args...), &logs)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("serve on %s: %v, want an error with %q\n%s", dir, err, tc.want, logs.String())
				}
			}
			if got := listDir(t, filepath.Join(root, "fresh")); got != "<none>" {
				t.Errorf("a failed start left a data folder it created: %s", got)
			}
			if got := listDir(t, existing); got != "notes.txt" {
				t.Errorf("a failed start left files in an existing data folder: %s", got)
			}
		})
	}
}
