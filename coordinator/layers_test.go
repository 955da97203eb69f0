package coordinator_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayers keeps dependencies pointing one way: the coordinator imports
// protocol, never the node (app, worker, wallet, ui) or a GUI library, and
// protocol imports neither the coordinator nor the node.
func TestLayers(t *testing.T) {
	const mod = "github.com/idlenode/idlenode/"
	rules := map[string][]string{
		"../coordinator": {mod + "app", mod + "worker", mod + "wallet", mod + "ui", "fyne.io/"},
		"../protocol":    {mod + "app", mod + "worker", mod + "wallet", mod + "ui", mod + "coordinator", "fyne.io/"},
	}
	for root, banned := range rules {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range banned {
					if strings.HasPrefix(p, b) {
						t.Errorf("%s imports %s", path, p)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
