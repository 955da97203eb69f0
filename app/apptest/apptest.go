// Package apptest sets up node homes for other packages' tests.
package apptest

import (
	"testing"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/settings"
)

// Home makes dir a node's home: its folders created and its settings
// store open.
func Home(t testing.TB, dir string) (app.Paths, *settings.Store) {
	t.Helper()
	paths, err := app.DefaultPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := paths.Ensure(); err != nil {
		t.Fatal(err)
	}
	store, err := settings.Open(paths.Settings())
	if err != nil {
		t.Fatal(err)
	}
	return paths, store
}
