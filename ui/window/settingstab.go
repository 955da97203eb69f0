package window

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/settings"
)

// Schedules offered by the schedule editor's shortcuts.
var scheduleChoices = map[string]string{
	"Any time":               "",
	"Nights (22:00–07:00)":   "22:00-07:00",
	"Outside office hours":   "18:00-09:00",
	"Nights and lunch break": "22:00-07:00, 12:00-13:00",
}

type settingsTab struct {
	u       *UI
	content fyne.CanvasObject

	preset     *widget.RadioGroup
	presetHelp *widget.Label
	entries    map[string]*widget.Entry
	checks     map[string]*widget.Check
	errs       map[string]*widget.Label
	formErr    *widget.Label
	saved      *widget.Label
	save       *widget.Button
	file       *widget.Label

	base    settings.Settings
	loaded  bool
	dirty   bool
	loading bool
}

func newSettingsTab(u *UI) *settingsTab {
	t := &settingsTab{u: u, entries: map[string]*widget.Entry{}, checks: map[string]*widget.Check{}, errs: map[string]*widget.Label{}}
	t.presetHelp = wrapped("")
	t.preset = widget.NewRadioGroup(presetLabels(append(append([]string(nil), settings.Presets...), "custom")), nil)
	t.preset.Horizontal = true
	t.preset.OnChanged = func(label string) {
		name := presetName(label)
		if t.loading || name == "" {
			return
		}
		if name == "custom" {
			t.presetHelp.SetText(presetHelp(name)) // what the fields below say
			return
		}
		t.applyPreset(name)
	}
	t.formErr = widget.NewLabel("")
	t.formErr.Importance = widget.DangerImportance
	t.formErr.Wrapping = fyne.TextWrapWord
	t.formErr.Hide()
	t.saved = widget.NewLabel("")
	t.file = widget.NewLabel("")
	t.save = widget.NewButton("Save", t.submit)
	t.save.Importance = widget.HighImportance
	revert := widget.NewButton("Revert", func() { t.load(t.base) })

	groups := []string{}
	byGroup := map[string]*widget.Form{}
	for _, f := range Fields {
		form, ok := byGroup[f.Group]
		if !ok {
			form = widget.NewForm()
			byGroup[f.Group] = form
			groups = append(groups, f.Group)
		}
		errL := widget.NewLabel("")
		errL.Importance = widget.DangerImportance
		errL.Wrapping = fyne.TextWrapWord
		errL.Hide()
		t.errs[f.Key] = errL
		var w fyne.CanvasObject
		switch f.Kind {
		case KindBool:
			c := widget.NewCheck("", func(bool) { t.changed() })
			t.checks[f.Key] = c
			w = c
		default:
			e := widget.NewEntry()
			e.OnChanged = func(string) { t.changed() }
			t.entries[f.Key] = e
			w = e
		}
		if f.Key == "schedule" {
			choices := []string{"Any time", "Nights (22:00–07:00)", "Outside office hours", "Nights and lunch break"}
			sel := widget.NewSelect(choices, func(c string) {
				if v, ok := scheduleChoices[c]; ok {
					t.entries["schedule"].SetText(v)
				}
			})
			sel.PlaceHolder = "Quick choice…"
			w = container.NewBorder(nil, nil, nil, sel, w)
		}
		item := widget.NewFormItem(f.Label, container.NewVBox(w, errL))
		item.HintText = f.Help
		form.AppendItem(item)
	}
	parts := []fyne.CanvasObject{
		widget.NewCard("Preset", "", container.NewVBox(t.preset, t.presetHelp)),
	}
	for _, g := range groups {
		parts = append(parts, widget.NewCard(g, "", byGroup[g]))
	}
	parts = append(parts, t.formErr, container.NewHBox(t.save, revert, t.saved), t.file)
	t.content = container.NewVScroll(container.NewVBox(parts...))
	return t
}

func (t *settingsTab) changed() {
	if t.loading {
		return
	}
	t.dirty = true
	t.saved.SetText("Unsaved changes")
}

// apply follows the service's settings unless the owner is editing.
func (t *settingsTab) apply(st app.State) {
	setText(t.file, "Settings file: "+st.SettingsFile)
	if !t.loaded || (!t.dirty && !sameSettings(t.base, st.Settings)) {
		t.load(st.Settings)
	}
}

func sameSettings(a, b settings.Settings) bool {
	av, bv := FormValues(a), FormValues(b)
	for k, v := range av {
		if bv[k] != v {
			return false
		}
	}
	return a.Preset == b.Preset
}

// load fills the form from s and clears errors.
func (t *settingsTab) load(s settings.Settings) {
	t.loading = true
	defer func() { t.loading = false }()
	t.base, t.loaded, t.dirty = s, true, false
	vals := FormValues(s)
	for k, e := range t.entries {
		e.SetText(vals[k])
	}
	for k, c := range t.checks {
		c.SetChecked(vals[k] == "on")
	}
	t.preset.SetSelected(presetLabel(s.Preset))
	t.presetHelp.SetText(presetHelp(s.Preset))
	t.showErrors(nil)
	t.saved.SetText("")
}

// presetLabel is how a preset name reads in the window: "Gentle".
func presetLabel(name string) string { return capitalise(name) }

// presetName is the preset a label names ("" for none).
func presetName(label string) string { return strings.ToLower(label) }

func presetLabels(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = presetLabel(n)
	}
	return out
}

func presetHelp(name string) string {
	if d := settings.PresetDescription(name); d != "" {
		return d
	}
	return "Your own choices below."
}

// values reads the form.
func (t *settingsTab) values() map[string]string {
	out := map[string]string{}
	for k, e := range t.entries {
		out[k] = e.Text
	}
	for k, c := range t.checks {
		out[k] = "off"
		if c.Checked {
			out[k] = "on"
		}
	}
	return out
}

// showErrors puts each field's error under it; errors of no known field
// go under the form.
func (t *settingsTab) showErrors(es settings.Errors) {
	var other []string
	moved := false
	for k, l := range t.errs {
		msg := es.Field(k)
		setText(l, msg)
		moved = setVisible(l, msg != "") || moved
	}
	for _, e := range es {
		if _, ok := t.errs[e.Field]; !ok {
			other = append(other, strings.TrimSpace(e.Field+" "+e.Rule))
		}
	}
	setText(t.formErr, strings.Join(other, "\n"))
	moved = setVisible(t.formErr, len(other) > 0) || moved
	if moved {
		t.content.Refresh()
	}
}

// submit validates here first (so every mistake shows at once, without a
// round trip) and then saves through the service, which validates again.
func (t *settingsTab) submit() {
	s, es := ApplyForm(t.base, t.values())
	if len(es) > 0 {
		t.showErrors(es)
		t.saved.SetText("Not saved: fix the fields marked in red")
		return
	}
	t.save.Disable()
	var out settings.Settings
	t.u.call(func(ctx context.Context) error {
		var err error
		out, err = t.u.c.PutSettings(ctx, s)
		return err
	}, func(err error) {
		t.save.Enable()
		if err != nil {
			t.showErrors(errorsOf(err, t.u.opts.FieldErrors))
			t.saved.SetText("Not saved")
			return
		}
		t.load(out)
		t.saved.SetText("Saved")
	})
}

func (t *settingsTab) applyPreset(name string) {
	var out settings.Settings
	t.u.call(func(ctx context.Context) error {
		var err error
		out, err = t.u.c.Preset(ctx, name)
		return err
	}, func(err error) {
		if err != nil {
			t.showErrors(errorsOf(err, t.u.opts.FieldErrors))
			return
		}
		t.load(out)
		t.saved.SetText("Preset " + presetLabel(name) + " applied")
	})
}
