package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/idlenode/idlenode/internal/atomicfile"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Problem describes what was wrong with a settings file and what was done
// about it, in words for the owner. The zero value means no problem.
type Problem struct {
	Message string // "settings.json: max_cpu_other_percent must be between 1 and 100 (is 400); ..."
	Backup  string // where the unchanged bad file was kept, if it was
	Fields  Errors
}

// Load reads the settings file at path. It never fails on bad content: a
// missing file gives the defaults; a corrupt, invalid or too new file gives
// the defaults (or the valid rest) plus a Problem, after copying the bad
// file beside it so nothing the owner wrote is lost. The error is for files
// that cannot be read at all.
func Load(path string) (Settings, Problem, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), Problem{}, nil
	}
	if err != nil {
		return Default(), Problem{}, fmt.Errorf("read settings: %w", err)
	}
	s, fields, fatal := Decode(data)
	if fatal == "" && len(fields) == 0 {
		return s, Problem{}, nil
	}
	p := Problem{Fields: fields}
	backup, berr := backupFile(path, data)
	name := filepath.Base(path)
	var msg strings.Builder
	if fatal != "" {
		fmt.Fprintf(&msg, "%s: %s; using the defaults", name, fatal)
	} else {
		fmt.Fprintf(&msg, "%s: %s; using the defaults for those", name, joinFieldErrors(fields))
	}
	if berr == nil {
		p.Backup = backup
		fmt.Fprintf(&msg, "; your file was kept as %s", filepath.Base(backup))
	} else {
		fmt.Fprintf(&msg, "; could not keep a copy of your file (%v)", berr)
	}
	p.Message = msg.String()
	return s, p, nil
}

func joinFieldErrors(es Errors) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Decode parses a settings file. It returns the settings with every
// invalid or undecodable field at its default, the field errors, and a
// non-empty fatal message when nothing of the file could be used.
func Decode(data []byte) (s Settings, fields Errors, fatal string) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Default(), nil, "not valid JSON (" + describeJSONError(data, err) + ")"
	}
	if v, ok := raw["version"]; ok {
		var ver int
		if err := json.Unmarshal(v, &ver); err == nil && ver > Version {
			return Default(), nil, fmt.Sprintf("written by a newer idlenode (format %d, this one reads %d)", ver, Version)
		}
	}
	s = Default()
	known := jsonFields()
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := known[k]
		if !ok {
			fields = append(fields, FieldError{Field: k, Rule: "is not a setting (ignored)"})
			continue
		}
		fv := reflect.ValueOf(&s).Elem().FieldByIndex(f.Index)
		tmp := reflect.New(f.Type)
		if err := json.Unmarshal(raw[k], tmp.Interface()); err != nil {
			fields = append(fields, FieldError{Field: k, Rule: "must be " + kindWord(f.Type) + " (is " + truncate(string(raw[k]), 40) + ")"})
			continue
		}
		fv.Set(tmp.Elem())
	}
	if _, ok := raw["version"]; !ok {
		s.Version = Version // hand-written files may leave it out
	}
	s, repaired := s.Repair()
	fields = append(fields, repaired...)
	return s, fields, ""
}

func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Sprintf("line %d: %v", line, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "the file must hold one JSON object"
	}
	return err.Error()
}

func kindWord(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text in quotes"
	case reflect.Slice:
		return `a list like [{"start":"22:00","end":"07:00"}]`
	}
	return t.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// jsonFields maps each JSON key to its struct field.
func jsonFields() map[string]reflect.StructField {
	t := reflect.TypeOf(Settings{})
	m := make(map[string]reflect.StructField, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = f
		}
	}
	return m
}

// Keys lists the setting keys in file order.
func Keys() []string {
	t := reflect.TypeOf(Settings{})
	var out []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "version" {
			out = append(out, name)
		}
	}
	return out
}

// policyKeys are the settings a preset sets; changing one by hand makes the
// preset "custom".
var policyKeys = map[string]bool{
	"idle_minutes": true, "max_cpu_other_percent": true, "max_gpu_other_percent": true,
	"run_on_battery": true, "min_battery_percent": true, "max_temperature_c": true,
	"schedule": true, "cores_percent": true, "duty_cycle_percent": true,
	"max_memory_percent": true, "gpu_enabled": true, "gpu_while_in_use": true,
}

// Set parses value for the setting named key (its JSON name) and stores it
// in s. It does not validate the whole; call Validate after.
func (s *Settings) Set(key, value string) error {
	if key == "version" {
		return errors.New("version is not a setting")
	}
	if key == "network_file" {
		// Where 'idlenode join' copied the descriptor; the node reads the
		// copy, so pointing this elsewhere would change nothing.
		return errors.New("network_file is set by joining a network: use 'idlenode join FILE|URL'")
	}
	if key == "preset" {
		return ApplyPreset(s, value)
	}
	f, ok := jsonFields()[key]
	if !ok {
		return fmt.Errorf("unknown setting %q (known: %s)", key, strings.Join(Keys(), ", "))
	}
	fv := reflect.ValueOf(s).Elem().FieldByIndex(f.Index)
	value = strings.TrimSpace(value)
	switch fv.Kind() {
	case reflect.Int:
		n, err := strconv.Atoi(strings.TrimSuffix(value, "%"))
		if err != nil {
			return fmt.Errorf("%s must be a whole number (is %q)", key, value)
		}
		fv.SetInt(int64(n))
	case reflect.Float64:
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("%s must be a number (is %q)", key, value)
		}
		fv.SetFloat(n)
	case reflect.Bool:
		b, err := parseBool(value)
		if err != nil {
			return fmt.Errorf("%s must be on or off (is %q)", key, value)
		}
		fv.SetBool(b)
	case reflect.String:
		fv.SetString(value)
	case reflect.Slice: // schedule
		w, err := ParseSchedule(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		fv.Set(reflect.ValueOf(w))
	default:
		return fmt.Errorf("%s cannot be set from the command line", key)
	}
	if policyKeys[key] {
		s.Preset = "custom"
	}
	return nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "true", "on", "yes":
		return true, nil
	case "0", "false", "off", "no":
		return false, nil
	}
	return false, errors.New("not a boolean")
}

// Save writes s to path atomically (temporary file, fsync, rename), owner
// read-write only. It refuses invalid settings.
func Save(path string, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	data = append(data, '\n')
	return WriteFileAtomic(path, data, 0o600)
}

// WriteFileAtomic replaces path with data so that a crash leaves either
// the old or the new file, never a torn one. It creates the folder.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	return atomicfile.Write(path, data, perm)
}

func backupFile(path string, data []byte) (string, error) {
	name := path + ".bad-" + time.Now().Format("20060102-150405")
	for i := 1; ; i++ {
		if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
			break
		}
		name = fmt.Sprintf("%s.bad-%s-%d", path, time.Now().Format("20060102-150405"), i)
	}
	if err := os.WriteFile(name, data, 0o600); err != nil {
		return "", err
	}
	return name, nil
}

// Store is the settings file of a running node: one owner of the current
// value, safe for concurrent use.
//
// PayoutAddress is not kept in the settings file: it is a view of the
// wallet's payout address (wallet.json in WalletDir), which claims use. A
// value found in an older settings file is moved to the wallet (see
// migratePayout).
type Store struct {
	path      string
	walletDir string

	mu      sync.Mutex
	cur     Settings // PayoutAddress always empty here
	problem Problem
	// pending is a payout address from an older settings file not yet
	// moved to the wallet because there is no wallet yet.
	pending string
	// seen is the file as last loaded or saved here: a file that differs
	// was edited by someone else (Reload).
	seen fileStamp
	// payout is the payout address Get shows, reread from the wallet only
	// when its files (payoutOf) changed: Get runs on every decision of
	// the core, ten times a second while jobs run.
	payout   string
	payoutOf [2]fileStamp
}

// fileStamp tells whether a file changed: the same file (a write through
// a rename makes a new one), modification time and size. File times are
// coarse (milliseconds), so the file's identity matters.
type fileStamp struct{ fi os.FileInfo }

func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{fi}
}

func (a fileStamp) exists() bool { return a.fi != nil }

func (a fileStamp) same(b fileStamp) bool {
	if a.fi == nil || b.fi == nil {
		return a.fi == b.fi
	}
	return os.SameFile(a.fi, b.fi) && a.fi.ModTime().Equal(b.fi.ModTime()) && a.fi.Size() == b.fi.Size()
}

// save writes s to the file and remembers the result as seen. The caller
// holds mu, or the Store is not shared yet.
func (st *Store) save(s Settings) error {
	if err := Save(st.path, s); err != nil {
		return err
	}
	st.seen = stampOf(st.path)
	return nil
}

// Reload reads the file again when it changed since this Store last read
// or wrote it: an owner's edit by hand while the node runs. It applies as
// at Open: a valid file is taken; a bad one is kept beside as a backup,
// the defaults (or the valid rest) are used and saved, and Problem says
// so. It reports whether the settings were reloaded. A file that vanished
// is left alone: the current settings stay and are saved at the next
// change.
func (st *Store) Reload() (bool, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := stampOf(st.path)
	if !now.exists() || now.same(st.seen) {
		return false, nil
	}
	s, p, err := Load(st.path)
	if err != nil {
		return false, err
	}
	st.cur, st.problem, st.pending = s, p, strings.TrimSpace(s.PayoutAddress)
	st.cur.PayoutAddress = ""
	st.seen = now
	if p.Message != "" {
		if err := st.save(st.persisted(st.cur)); err != nil {
			return true, err
		}
	}
	st.migratePayout()
	st.refreshPayout()
	return true, nil
}

// Open loads the settings at path into a Store. A repaired file is saved
// back (its original kept as a backup) so the next start is clean.
func Open(path string) (*Store, error) {
	s, p, err := Load(path)
	if err != nil {
		return nil, err
	}
	st := &Store{path: path, walletDir: WalletDir(path), cur: s, problem: p, pending: strings.TrimSpace(s.PayoutAddress)}
	st.cur.PayoutAddress = ""
	st.seen = stampOf(path)
	if _, statErr := os.Stat(path); p.Message != "" || errors.Is(statErr, fs.ErrNotExist) {
		if err := st.save(st.persisted(st.cur)); err != nil {
			return nil, err
		}
	}
	st.migratePayout()
	st.refreshPayout()
	return st, nil
}

// Path is the settings file.
func (st *Store) Path() string { return st.path }

// Get returns the current settings. The Schedule slice is a copy.
func (st *Store) Get() Settings {
	st.mu.Lock()
	defer st.mu.Unlock()
	c := st.cur
	c.Schedule = append([]Window(nil), st.cur.Schedule...)
	st.refreshPayout() // two stats; the wallet is read only when it changed
	c.PayoutAddress = st.payout
	return c
}

// Problem returns what was wrong with the file at load time.
func (st *Store) Problem() Problem {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.problem
}

// Update applies fn to a copy of the settings, validates and saves the
// result. On any error nothing changes.
func (st *Store) Update(fn func(*Settings) error) (Settings, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.refreshPayout()
	view := func(s Settings) Settings {
		s.PayoutAddress = st.payout
		return s
	}
	before := st.payout
	next := st.cur
	next.Schedule = append([]Window(nil), st.cur.Schedule...)
	next.PayoutAddress = before
	if err := fn(&next); err != nil {
		return view(st.cur), err
	}
	payout := strings.TrimSpace(next.PayoutAddress)
	next.PayoutAddress = ""
	if payout == before {
		if err := st.save(st.persisted(next)); err != nil {
			return view(st.cur), err
		}
	} else if err := st.setPayout(payout, next); err != nil {
		return view(st.cur), err
	}
	st.refreshPayout()
	st.cur = next
	st.problem = Problem{}
	return view(next), nil
}
