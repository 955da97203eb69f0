//go:build cgo

package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLIExitCodes(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.wasm")
	if err := os.WriteFile(garbage, []byte("not wasm at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "in")
	if err := os.WriteFile(input, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	cache := "--cache-dir=" + filepath.Join(testDir, "cache")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string // the last line, exactly
	}{
		{"ok", []string{"exec", cache, "--module", wasm, "--", "ok"}, 0, "hello from the sandbox\n", ""},
		{"input", []string{"exec", cache, "--module", wasm, "--input", input, "--", "echo"}, 0, "ABC", ""},
		{"exit3", []string{"exec", cache, "--module", wasm, "--", "exit3"}, 14, "exiting with 3\n", "idlenode sandbox: module exited with code 3"},
		{"timeout", []string{"exec", cache, "--module", wasm, "--timeout", "1s", "--", "spin"}, 11, "", "idlenode sandbox: time limit reached (1s)"},
		{"memory", []string{"exec", cache, "--module", wasm, "--memory-mb", "48", "--", "alloc"}, 10, "", "idlenode sandbox: memory limit reached (48 MB)"},
		{"output", []string{"exec", cache, "--module", wasm, "--max-output-mb", "1", "--", "stdout"}, 12, "", "idlenode sandbox: output limit reached (1 MB)"},
		{"scratch", []string{"exec", cache, "--module", wasm, "--scratch-mb", "4", "--", "disk"}, 13, "", "idlenode sandbox: scratch limit reached (4 MB)"},
		{"trap", []string{"exec", cache, "--module", wasm, "--", "recurse"}, 15, "", "idlenode sandbox: trap: stack overflow"},
		{"invalid", []string{"exec", "--no-cache", "--module", garbage}, 16, "", "idlenode sandbox: not a WebAssembly module (no \\0asm header)"},
		{"missing", []string{"exec", "--no-cache", "--module", filepath.Join(dir, "nope.wasm")}, 1, "", ""},
		{"no module", []string{"exec"}, 2, "", "idlenode sandbox: --module is required"},
		{"bad flag", []string{"exec", "--frobnicate"}, 2, "", ""},
		{"bad limit", []string{"exec", "--module", wasm, "--memory-mb", "0"}, 2, "", "idlenode sandbox: limits must be positive"},
		{"no subcommand", nil, 2, "", ""},
		{"unknown subcommand", []string{"frob"}, 2, "", ""},
		{"child without config", []string{"child"}, 2, "", "sandbox child: bad config (this verb is internal; use 'idlenode sandbox exec')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			if tt.name != "child without config" {
				t.Parallel()
			} else {
				// The child reads os.Stdin; give it an empty one.
				f, err := os.Open(os.DevNull)
				if err != nil {
					t.Fatal(err)
				}
				old := os.Stdin
				os.Stdin = f
				defer func() { os.Stdin = old; f.Close() }()
			}
			code := Main(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if tt.stdout != "" && stdout.String() != tt.stdout {
				t.Errorf("stdout %q, want %q", stdout.String(), tt.stdout)
			}
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if tt.stderr != "" && lines[len(lines)-1] != tt.stderr {
				t.Errorf("stderr ends %q, want %q", lines[len(lines)-1], tt.stderr)
			}
			if tt.code == 1 && !strings.Contains(stderr.String(), "no such file") {
				t.Errorf("missing module: stderr %q does not say so", stderr.String())
			}
		})
	}
}
