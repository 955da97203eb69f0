// Package archtest checks that dependencies point the way
// docs/ARCHITECTURE.md says: the core never imports the GUI, the
// coordinator never imports the node, the protocol imports neither.
package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Deps       []string
}

func list(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps", "github.com/idlenode/idlenode/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

const mod = "github.com/idlenode/idlenode/"

func TestDependencyDirection(t *testing.T) {
	rules := []struct {
		from   []string // package prefixes (relative to the module)
		banned []string // import prefixes they must not depend on, even indirectly
	}{
		{from: []string{"app", "worker", "wallet", "coordinator", "protocol", "devnet", "contracts"},
			banned: []string{"fyne.io/", mod + "ui", "github.com/go-gl/"}},
		{from: []string{"coordinator", "protocol", "contracts", "devnet"},
			banned: []string{mod + "app", mod + "worker", mod + "wallet", mod + "ui"}},
		{from: []string{"worker", "wallet"}, banned: []string{mod + "app", mod + "ui"}},
		{from: []string{"protocol"}, banned: []string{mod + "coordinator"}},
		// The always-on service, the CLI and every sandbox child are the
		// idlenode binary: fyne lives in idlenode-window only.
		{from: []string{"cmd/idlenode", "ui/tray", "ui/format"}, banned: []string{"fyne.io/fyne", mod + "ui/window"}},
	}
	for _, p := range list(t) {
		rel := strings.TrimPrefix(p.ImportPath, mod)
		for _, r := range rules {
			applies := false
			for _, f := range r.from {
				if rel == f || strings.HasPrefix(rel, f+"/") {
					applies = true
				}
			}
			if !applies || strings.HasPrefix(rel, "internal/") {
				continue
			}
			for _, d := range p.Deps {
				for _, b := range r.banned {
					if d == b || strings.HasPrefix(d, b+"/") || (strings.HasSuffix(b, "/") && strings.HasPrefix(d, b)) {
						t.Errorf("%s depends on %s", rel, d)
					}
				}
			}
		}
	}
}
