package settings

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeLater writes data as an editor would, with a modification time
// that surely differs from the last one seen.
func writeLater(t *testing.T, path string, data string, at time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

// An edit by hand while the node runs is taken; a bad one is set aside as
// at start; the Store's own saves are not taken for edits.
func TestStoreReloadsEditsByHand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := st.Reload(); changed || err != nil {
		t.Fatalf("unchanged file reloaded: %v %v", changed, err)
	}

	edited := Default()
	edited.Preset, edited.IdleMinutes = "custom", 7
	b, err := json.MarshalIndent(edited, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Minute)
	writeLater(t, path, string(b), at)
	if changed, err := st.Reload(); !changed || err != nil || st.Get().IdleMinutes != 7 || st.Problem().Message != "" {
		t.Fatalf("valid edit: changed %v, err %v, idle %d, problem %q", changed, err, st.Get().IdleMinutes, st.Problem().Message)
	}
	if changed, _ := st.Reload(); changed {
		t.Fatal("the same edit reloaded twice")
	}

	if _, err := st.Update(func(s *Settings) error { s.IdleMinutes = 9; return nil }); err != nil {
		t.Fatal(err)
	}
	if changed, _ := st.Reload(); changed {
		t.Fatal("the Store's own save taken for an edit")
	}

	writeLater(t, path, "garbage{{ second", at.Add(time.Minute))
	changed, err := st.Reload()
	if !changed || err != nil || st.Get().IdleMinutes != Default().IdleMinutes {
		t.Fatalf("bad edit: changed %v, err %v, idle %d", changed, err, st.Get().IdleMinutes)
	}
	p := st.Problem()
	kept, _ := os.ReadFile(p.Backup)
	if !strings.Contains(p.Message, "kept as") || string(kept) != "garbage{{ second" {
		t.Fatalf("bad edit: problem %q, backup %q holds %q", p.Message, p.Backup, kept)
	}
	if changed, _ := st.Reload(); changed || st.Problem().Message == "" {
		t.Fatalf("the repaired file reloaded again (%v) or the problem dropped (%q)", changed, st.Problem().Message)
	}
	if _, _, err := Load(path); err != nil {
		t.Fatal(err)
	}
}
