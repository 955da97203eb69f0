//go:build cgo

package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
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
		{"missing", []string{"exec", "--no-cache", "--module", filepath.Join(dir, "nope.wasm")}, 2, "", "idlenode sandbox: --module " + filepath.Join(dir, "nope.wasm") + ": no such file or directory"},
		{"missing input", []string{"exec", "--no-cache", "--module", wasm, "--input", filepath.Join(dir, "nope.in")}, 2, "", "idlenode sandbox: --input " + filepath.Join(dir, "nope.in") + ": no such file or directory"},
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
		})
	}
}

// runCLI runs Main with the shared compile cache.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb strings.Builder
	args = append([]string{"exec", "--cache-dir=" + filepath.Join(testDir, "cache")}, args...)
	code = Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// lastLine is the last line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// names lists the entries of dir, folders with a trailing slash.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, e := range ents {
		if e.IsDir() {
			n = append(n, e.Name()+"/")
		} else {
			n = append(n, e.Name())
		}
	}
	return n
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func wantContent(t *testing.T, path, want string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%s: %v", filepath.Base(path), err)
		return
	}
	if string(b) != want {
		t.Errorf("%s holds %q, want %q", filepath.Base(path), b, want)
	}
}

// A scratch folder holding anything but checkpoints is refused, not emptied.
func TestCLIScratchDirRefusesOtherFiles(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	dir := filepath.Join(t.TempDir(), "precious")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "notes.txt"), "important")
	writeFile(t, filepath.Join(dir, "sub", "deep.txt"), "also important")
	writeFile(t, filepath.Join(dir, "checkpoint"), "3")
	code, _, stderr := runCLI(t, "--module", wasm, "--scratch-dir", dir, "--", "ok")
	if code != 2 {
		t.Fatalf("exit %d, want 2 (usage); stderr:\n%s", code, stderr)
	}
	want := "idlenode sandbox: --scratch-dir " + dir + ` holds "notes.txt" and "sub/", which the sandbox would delete (it keeps only checkpoint* files); use a new or empty folder`
	if got := lastLine(stderr); got != want {
		t.Errorf("stderr ends\n%q, want\n%q", got, want)
	}
	wantContent(t, filepath.Join(dir, "notes.txt"), "important")
	wantContent(t, filepath.Join(dir, "sub", "deep.txt"), "also important")
	wantContent(t, filepath.Join(dir, "checkpoint"), "3")
}

// A scratch folder with only checkpoints resumes the job, and is left
// with only checkpoints, so that it can resume again.
func TestCLIScratchDirResumes(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	dir := filepath.Join(t.TempDir(), "scratch") // new: the sandbox creates it
	code, stdout, stderr := runCLI(t, "--module", wasm, "--scratch-dir", dir, "--", "checkpoint", "3")
	if code != 0 || stdout != "reached 3\n" {
		t.Fatalf("first run: exit %d, stdout %q; stderr:\n%s", code, stdout, stderr)
	}
	// The guest left scratch-junk; what the next start would delete is gone.
	if got := strings.Join(names(t, dir), " "); got != "checkpoint" {
		t.Fatalf("after the run the folder holds %q, want only checkpoint", got)
	}
	code, stdout, stderr = runCLI(t, "--module", wasm, "--scratch-dir", dir, "--", "checkpoint", "5")
	if code != 0 || stdout != "resumed from 3\nreached 5\n" {
		t.Fatalf("resumed run: exit %d, stdout %q; stderr:\n%s", code, stdout, stderr)
	}
}

// The CLI creates the scratch folder, never its missing parents.
func TestCLIScratchDirMissingParent(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	base := t.TempDir()
	file := filepath.Join(base, "file")
	writeFile(t, file, "x")
	for _, tt := range []struct{ name, dir, stderr string }{
		{"missing parent", filepath.Join(base, "no", "such"), "idlenode sandbox: --scratch-dir " + filepath.Join(base, "no", "such") +
			": its parent folder " + filepath.Join(base, "no") + " does not exist (create it first)"},
		{"file", file, "idlenode sandbox: --scratch-dir " + file + " is not a folder"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "--module", wasm, "--scratch-dir", tt.dir, "--", "ok")
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if got := lastLine(stderr); got != tt.stderr {
				t.Errorf("stderr ends\n%q, want\n%q", got, tt.stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(base, "no")); !os.IsNotExist(err) {
		t.Errorf("the missing parent was created (stat: %v)", err)
	}
	wantContent(t, file, "x")
}

// A failed run leaves --output as it was, keeps what the module wrote as
// FILE.partial, and leaves no temporary file; a successful one replaces it.
func TestCLIOutputKeptOnFailure(t *testing.T) {
	wasm := buildGuest(t, "hostile")
	dir := t.TempDir()
	garbage := filepath.Join(dir, "notwasm.txt")
	writeFile(t, garbage, "not wasm at all")
	out := filepath.Join(dir, "result.bin")
	partial := out + ".partial"
	tests := []struct {
		name    string
		args    []string
		code    int
		partial string // "" for none
		stderr  string
	}{
		{"invalid module", []string{"--module", garbage}, 16, "",
			`idlenode sandbox: not a WebAssembly module (no \0asm header); ` + out + " unchanged"},
		{"exit 3", []string{"--module", wasm, "--", "exit3"}, 14, "exiting with 3\n",
			"idlenode sandbox: module exited with code 3; " + out + " unchanged, the output so far is in " + partial},
		{"trap", []string{"--module", wasm, "--", "recurse"}, 15, "",
			"idlenode sandbox: trap: stack overflow; " + out + " unchanged"},
		{"output limit", []string{"--module", wasm, "--max-output-mb", "1", "--", "stdout"}, 12, strings.Repeat(strings.Repeat("y", 1023)+"\n", 1024),
			"idlenode sandbox: output limit reached (1 MB); " + out + " unchanged, the output so far is in " + partial},
		{"success", []string{"--module", wasm, "--", "ok"}, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFile(t, out, "previous")
			os.Remove(partial)
			code, stdout, stderr := runCLI(t, append([]string{"--output", out}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want none (it goes to --output)", stdout)
			}
			if got := lastLine(stderr); tt.stderr != "" && got != tt.stderr {
				t.Errorf("stderr ends\n%q, want\n%q", got, tt.stderr)
			}
			if tt.code == 0 {
				wantContent(t, out, "hello from the sandbox\n")
				if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
					t.Errorf("the replaced output lost its permissions: %v, %v", fi.Mode(), err)
				}
			} else {
				wantContent(t, out, "previous")
			}
			if tt.partial != "" {
				wantContent(t, partial, tt.partial)
			} else if _, err := os.Stat(partial); !os.IsNotExist(err) {
				t.Errorf("%s exists (stat: %v), want none", filepath.Base(partial), err)
			}
			want := "notwasm.txt result.bin"
			if tt.partial != "" {
				want += " result.bin.partial"
			}
			if got := strings.Join(names(t, dir), " "); got != want {
				t.Errorf("the folder holds %q, want %q (no temporary file left)", got, want)
			}
		})
	}
}

// --output naming the module or the input, by any spelling, is refused
// before either is touched.
func TestCLIOutputSameAsInputOrModule(t *testing.T) {
	built := buildGuest(t, "hostile")
	dir := t.TempDir()
	module := filepath.Join(dir, "mod.wasm")
	b, err := os.ReadFile(built)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(module, b, 0o644); err != nil {
		t.Fatal(err)
	}
	inout := filepath.Join(dir, "inout.txt")
	writeFile(t, inout, "abc")
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(inout, link); err != nil {
		t.Fatal(err)
	}
	scratch := filepath.Join(dir, "scratch")
	respelt := filepath.Join(dir, "sub", "..", "inout.txt")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	same := func(out, flag string) string {
		return "idlenode sandbox: --output " + out + " is the same file as " + flag + ", which the run would overwrite; write the output elsewhere"
	}
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"input", []string{"--input", inout, "--output", inout, "--", "echo"}, same(inout, "--input")},
		{"input respelt", []string{"--input", inout, "--output", respelt, "--", "echo"}, same(respelt, "--input")},
		{"input by link", []string{"--input", inout, "--output", link, "--", "echo"}, same(link, "--input")},
		{"module", []string{"--output", module, "--", "ok"}, same(module, "--module")},
		{"folder", []string{"--output", dir, "--", "ok"}, "idlenode sandbox: --output " + dir + " is a folder; name a file"},
		{"missing folder", []string{"--output", filepath.Join(dir, "no", "out"), "--", "ok"},
			"idlenode sandbox: --output " + filepath.Join(dir, "no", "out") + ": folder " + filepath.Join(dir, "no") + " does not exist (create it first)"},
		{"inside scratch", []string{"--scratch-dir", scratch, "--output", filepath.Join(dir, "scratch", "out"), "--", "ok"},
			"idlenode sandbox: --output " + filepath.Join(dir, "scratch", "out") + " is inside --scratch-dir " + scratch +
				", where the module writes and the sandbox deletes; write the output elsewhere"},
	}
	if err := os.Mkdir(scratch, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, append([]string{"--module", module}, tt.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if got := lastLine(stderr); got != tt.stderr {
				t.Errorf("stderr ends\n%q, want\n%q", got, tt.stderr)
			}
		})
	}
	wantContent(t, inout, "abc")
	wantContent(t, module, string(b))
	if got := strings.Join(names(t, dir), " "); got != "inout.txt link.txt mod.wasm scratch/ sub/" {
		t.Errorf("the folder holds %q", got)
	}
}

// `exec -h` describes every flag and its default, on stdout.
func TestCLIHelp(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := Main(context.Background(), []string{"exec", "-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr.String())
	}
	help := stdout.String()
	for _, name := range []string{"module", "input", "output", "memory-mb", "timeout", "max-output-mb",
		"scratch-mb", "seed", "scratch-dir", "cache-dir", "no-cache", "stats"} {
		// PrintDefaults gives each flag a block: "  -name ..." then
		// indented lines.
		i := strings.Index(help, "\n  -"+name+" ")
		if i < 0 {
			i = strings.Index(help, "\n  -"+name+"\n")
		}
		if i < 0 {
			t.Errorf("help does not list -%s", name)
			continue
		}
		block := help[i+1:]
		if j := strings.Index(block[1:], "\n  -"); j >= 0 {
			block = block[:j+1]
		}
		if !strings.Contains(block, "default") {
			t.Errorf("help of -%s does not name its default:\n%s", name, block)
		}
	}
	for _, want := range []string{"scratch-dir", "checkpoint*", "FILE.partial", "Exit status"} {
		if !strings.Contains(help, want) {
			t.Errorf("help does not mention %q", want)
		}
	}
}

// A device as --output is written directly: there is nothing to keep, and
// it cannot be synced or replaced.
func TestCLIOutputDevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	wasm := buildGuest(t, "hostile")
	code, _, stderr := runCLI(t, "--module", wasm, "--output", os.DevNull, "--", "ok")
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode().IsRegular() {
		t.Fatalf("%s is no longer a device: %v, %v", os.DevNull, fi.Mode(), err)
	}
}
