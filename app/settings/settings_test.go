package settings

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultIsValidAndBalanced(t *testing.T) {
	d := Default()
	if err := d.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	if d.IdleMinutes != 3 || d.MaxCPUOtherPercent != 25 || d.MaxGPUOtherPercent != 10 ||
		d.CoresPercent != 50 || d.DutyCyclePercent != 100 || d.RunOnBattery || d.Preset != "balanced" {
		t.Fatalf("defaults are not the documented ones: %+v", d)
	}
}

func TestPresetsValid(t *testing.T) {
	for _, p := range Presets {
		s := Default()
		if err := ApplyPreset(&s, p); err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("preset %s invalid: %v", p, err)
		}
		if PresetDescription(p) == "" {
			t.Errorf("preset %s has no description", p)
		}
	}
	s := Default()
	if err := ApplyPreset(&s, "turbo"); err == nil || !strings.Contains(err.Error(), "gentle, balanced, max") {
		t.Fatalf("unknown preset: %v", err)
	}
	s.CoordinatorURL = "http://127.0.0.1:1"
	_ = ApplyPreset(&s, "gentle")
	if s.CoordinatorURL != "http://127.0.0.1:1" {
		t.Fatal("preset touched the network settings")
	}
}

func TestWindowContains(t *testing.T) {
	at := func(hm string) time.Time {
		tt, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-25 "+hm, time.Local)
		return tt
	}
	cases := []struct {
		w    Window
		at   string
		want bool
	}{
		{Window{"09:00", "17:00"}, "09:00", true},
		{Window{"09:00", "17:00"}, "16:59", true},
		{Window{"09:00", "17:00"}, "17:00", false},
		{Window{"09:00", "17:00"}, "08:59", false},
		{Window{"22:00", "07:00"}, "23:30", true},
		{Window{"22:00", "07:00"}, "00:00", true},
		{Window{"22:00", "07:00"}, "06:59", true},
		{Window{"22:00", "07:00"}, "07:00", false},
		{Window{"22:00", "07:00"}, "12:00", false},
		{Window{"00:00", "00:00"}, "12:00", true},
		{Window{"bad", "07:00"}, "01:00", false},
	}
	for _, c := range cases {
		if got := c.w.Contains(at(c.at)); got != c.want {
			t.Errorf("%v contains %s = %v, want %v", c.w, c.at, got, c.want)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	w, err := ParseSchedule("22:00-07:00, 12:00–13:00")
	if err != nil || len(w) != 2 || w[0] != (Window{"22:00", "07:00"}) || w[1] != (Window{"12:00", "13:00"}) {
		t.Fatalf("got %v, %v", w, err)
	}
	for _, any := range []string{"any", "Any time", "off", "none", "anytime"} {
		if w, err := ParseSchedule(any); err != nil || w != nil {
			t.Errorf("%q: %v %v, want no schedule", any, w, err)
		}
	}
	if _, err := ParseSchedule("mornings"); err == nil || !strings.Contains(err.Error(), `"always" for any time`) {
		t.Errorf("bad schedule: %v", err)
	}
	if w, err := ParseSchedule("always"); err != nil || w != nil {
		t.Fatalf("always: %v %v", w, err)
	}
	for _, bad := range []string{"22:00", "24:00-01:00", "7-8", "22:00-07:0"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", bad)
		}
	}
}

func TestValidateNamesFieldAndRule(t *testing.T) {
	s := Default()
	s.MaxCPUOtherPercent = 400
	s.CoordinatorURL = "ftp://x"
	s.PayoutAddress = "0x123"
	err := s.Validate()
	es, ok := AsErrors(err)
	if !ok || len(es) != 3 {
		t.Fatalf("want 3 field errors, got %v", err)
	}
	if r := es.Field("max_cpu_other_percent"); r != "must be between 1 and 100 (is 400)" {
		t.Errorf("rule text: %q", r)
	}
	if es.Field("coordinator_url") == "" || es.Field("payout_address") == "" {
		t.Errorf("missing errors: %v", es)
	}
}

func TestSet(t *testing.T) {
	s := Default()
	for _, kv := range [][2]string{
		{"idle_minutes", "7"}, {"max_cpu_other_percent", "40%"}, {"run_on_battery", "on"},
		{"schedule", "22:00-07:00"}, {"watts_per_core", "12.5"}, {"coordinator_url", "http://127.0.0.1:9"},
	} {
		if err := s.Set(kv[0], kv[1]); err != nil {
			t.Fatalf("set %s: %v", kv[0], err)
		}
	}
	if s.IdleMinutes != 7 || s.MaxCPUOtherPercent != 40 || !s.RunOnBattery || len(s.Schedule) != 1 ||
		s.WattsPerCore != 12.5 || s.Preset != "custom" {
		t.Fatalf("set did not apply: %+v", s)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("idle_minutes", "soon"); err == nil || !strings.Contains(err.Error(), "whole number") {
		t.Fatalf("bad int: %v", err)
	}
	if err := s.Set("network_file", "/nowhere/network.json"); err == nil || !strings.Contains(err.Error(), "idlenode join") || s.NetworkFile != "" {
		t.Errorf("network_file set by hand: %v (%q)", err, s.NetworkFile)
	}
	if err := s.Set("nope", "1"); err == nil || !strings.Contains(err.Error(), "unknown setting") {
		t.Fatalf("unknown key: %v", err)
	}
	if err := s.Set("preset", "max"); err != nil || s.Preset != "max" || s.IdleMinutes != 1 {
		t.Fatalf("preset via set: %v %+v", err, s)
	}
}

func TestLoadMissingGivesDefaults(t *testing.T) {
	s, p, err := Load(filepath.Join(t.TempDir(), "settings.json"))
	if err != nil || p.Message != "" {
		t.Fatalf("err %v problem %q", err, p.Message)
	}
	if s.Preset != "balanced" {
		t.Fatal("not defaults")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "settings.json")
	s := Default()
	s.Schedule = []Window{{"22:00", "07:00"}}
	s.IdleMinutes = 9
	if err := Save(path, s); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v err %v", fi.Mode(), err)
	}
	got, p, err := Load(path)
	if err != nil || p.Message != "" {
		t.Fatalf("load: %v %q", err, p.Message)
	}
	if got.IdleMinutes != 9 || len(got.Schedule) != 1 || got.Schedule[0].Start != "22:00" {
		t.Fatalf("round trip lost data: %+v", got)
	}
	s.MaxCPUOtherPercent = 0
	if err := Save(path, s); err == nil {
		t.Fatal("saved invalid settings")
	}
	again, _, _ := Load(path)
	if again.IdleMinutes != 9 {
		t.Fatal("failed save changed the file")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}

func TestLoadBadFiles(t *testing.T) {
	cases := []struct {
		file      string
		want      []string // substrings of the message
		wantIdle  int
		wantGPU   bool
		wantNoMsg bool
	}{
		{file: "truncated.json", want: []string{"not valid JSON", "using the defaults", "kept as settings.json.bad-"}, wantIdle: 3, wantGPU: true},
		{file: "garbage.json", want: []string{"not valid JSON"}, wantIdle: 3, wantGPU: true},
		{file: "not-object.json", want: []string{"one JSON object"}, wantIdle: 3, wantGPU: true},
		{file: "newer-version.json", want: []string{"newer idlenode"}, wantIdle: 3, wantGPU: true},
		{
			file: "invalid-fields.json",
			want: []string{
				"max_cpu_other_percent must be between 1 and 100 (is 400)",
				`cores_percent must be a whole number (is "half")`,
				"schedule start",
				"idle_minuts is not a setting",
				"using the defaults for those",
			},
			wantIdle: 5, wantGPU: false, // the valid rest is kept
		},
		{file: "handwritten-no-version.json", wantIdle: 8, wantGPU: true, wantNoMsg: true},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "settings.json")
			if err := os.WriteFile(path, orig, 0o600); err != nil {
				t.Fatal(err)
			}
			st, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			s, p := st.Get(), st.Problem()
			if err := s.Validate(); err != nil {
				t.Fatalf("loaded settings invalid: %v", err)
			}
			if s.IdleMinutes != c.wantIdle || s.GPUEnabled != c.wantGPU {
				t.Errorf("idle %d gpu %v, want %d %v", s.IdleMinutes, s.GPUEnabled, c.wantIdle, c.wantGPU)
			}
			if c.wantNoMsg {
				if p.Message != "" {
					t.Fatalf("unexpected problem %q", p.Message)
				}
				return
			}
			for _, w := range c.want {
				if !strings.Contains(p.Message, w) {
					t.Errorf("message %q lacks %q", p.Message, w)
				}
			}
			kept, err := os.ReadFile(p.Backup)
			if err != nil || string(kept) != string(orig) {
				t.Fatalf("backup not identical to the bad file: %v", err)
			}
			// The repaired file was written and is clean now.
			_, p2, err := Load(path)
			if err != nil || p2.Message != "" {
				t.Fatalf("repaired file still has problems: %v %q", err, p2.Message)
			}
		})
	}
}

func TestStoreUpdateRejectsInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Update(func(s *Settings) error { return s.Set("cores_percent", "0") }); err == nil {
		t.Fatal("accepted invalid update")
	} else if es, ok := AsErrors(err); !ok || es.Field("cores_percent") == "" {
		t.Fatalf("error does not name the field: %v", err)
	}
	if st.Get().CoresPercent != 50 {
		t.Fatal("invalid update changed the settings")
	}
	if _, err := st.Update(func(s *Settings) error { return s.Set("cores_percent", "75") }); err != nil {
		t.Fatal(err)
	}
	var onDisk Settings
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &onDisk); err != nil || onDisk.CoresPercent != 75 {
		t.Fatalf("not saved: %v %d", err, onDisk.CoresPercent)
	}
}

func FuzzDecode(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join("testdata", e.Name())); err == nil {
			f.Add(data)
		}
	}
	good, _ := json.Marshal(Default())
	f.Add(good)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _, _ := Decode(data)
		if err := s.Validate(); err != nil {
			t.Fatalf("Decode returned invalid settings: %v", err)
		}
	})
}
