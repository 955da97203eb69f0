package window

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
)

// WhatRuns tells the owner in a few plain lines what will run and when,
// under settings s.
func WhatRuns(s settings.Settings) string {
	var b strings.Builder
	when := fmt.Sprintf("after %d min without keyboard or mouse", s.IdleMinutes)
	if s.IdleMinutes == 0 {
		when = "whenever the machine is quiet"
	}
	if len(s.Schedule) > 0 {
		when += ", only " + s.ScheduleString()
	}
	fmt.Fprintf(&b, "idlenode works %s, and stops the moment you come back.\n", when)
	fmt.Fprintf(&b, "It uses up to %d%% of the cores and %d%% of the memory", s.CoresPercent, s.MaxMemoryPercent)
	switch {
	case s.GPUEnabled && s.GPUWhileInUse:
		b.WriteString(", and the GPU even while you work")
	case s.GPUEnabled:
		b.WriteString(", and the GPU while you are away")
	}
	b.WriteString(".\n")
	if s.RunOnBattery {
		fmt.Fprintf(&b, "On battery it works down to %d%% charge.\n", s.MinBatteryPercent)
	} else {
		b.WriteString("It never works on battery.\n")
	}
	b.WriteString("Jobs are small sandboxed programs: no network, no access to your files.")
	return b.String()
}

type firstRun struct {
	u       *UI
	content fyne.CanvasObject

	network    *networkSetup
	wallet     *walletSetup
	walletDone *widget.Label
	preset     *widget.RadioGroup
	presetHelp *widget.Label
	autostart  *widget.Check
	what       *widget.Label
	hw         *widget.Label
	verdict    *widget.Label
	bench      *widget.Button
	finishBtn  *widget.Button
	msg        *widget.Label

	base     settings.Settings
	hwInfo   Hardware
	haveBase bool
}

func newFirstRun(u *UI) *firstRun {
	f := &firstRun{u: u}
	f.walletDone = wrapped("")
	f.walletDone.Hide()
	f.wallet = newWalletSetup(u, f.walletReady)
	f.network = newNetworkSetup(u)
	f.presetHelp = wrapped("")
	f.what = wrapped("")
	f.preset = widget.NewRadioGroup(presetLabels(settings.Presets), func(label string) {
		f.presetHelp.SetText(settings.PresetDescription(presetName(label)))
		f.what.SetText(WhatRuns(f.chosen()))
	})
	f.preset.Horizontal = true
	f.autostart = widget.NewCheck("Start idlenode when I log in", nil)
	f.autostart.SetChecked(true)
	f.hw = widget.NewLabel("")
	f.verdict = wrapped("")
	f.bench = widget.NewButton("Run the benchmark (a few seconds)", f.runBenchmark)
	f.finishBtn = widget.NewButton("Start", f.finish)
	f.finishBtn.Importance = widget.HighImportance
	later := widget.NewButton("Later", func() { u.ShowTabs(TabDashboard) })
	f.msg = wrapped("")

	title := widget.NewLabel("Welcome to idlenode")
	title.TextStyle = fyne.TextStyle{Bold: true}
	title.SizeName = "headingText"
	f.content = container.NewVBox(
		title,
		wrapped("idlenode lends this computer's idle time to a compute network and pays you in tokens. Five short steps:"),
		widget.NewCard("1. Network", "Which compute network this computer works for.", f.network.content),
		widget.NewCard("2. Wallet", "Where your rewards go.", container.NewVBox(f.wallet.content, f.walletDone)),
		widget.NewCard("3. How much", "You can change this any time in Settings.", container.NewVBox(f.preset, f.presetHelp, f.autostart)),
		widget.NewCard("4. What will run, and when", "", f.what),
		widget.NewCard("5. This machine", "", container.NewVBox(f.hw, container.NewHBox(f.bench), f.verdict)),
		container.NewHBox(f.finishBtn, later),
		f.msg,
	)
	f.base = settings.Default()
	f.preset.SetSelected(presetLabel(f.base.Preset))
	f.hwInfo = u.opts.Hardware(context.Background(), app.State{})
	f.showHardware()
	return f
}

// walletReady shows the node's address in place of the wallet step.
func (f *firstRun) walletReady(info localapi.WalletInfo) {
	f.walletDone.SetText("Your node's address: " + info.Address)
	f.walletDone.Show()
	f.wallet.content.Hide()
	f.u.root.Refresh()
}

// noWalletService says the service cannot make a wallet yet, instead of
// offering buttons that would fail.
func (f *firstRun) noWalletService() {
	f.walletDone.SetText(noWalletText)
	f.walletDone.Show()
	f.wallet.content.Hide()
	f.u.root.Refresh()
}

func (f *firstRun) chosen() settings.Settings {
	s := f.base
	if name := presetName(f.preset.Selected); name != "" {
		_ = settings.ApplyPreset(&s, name) // names come from settings.Presets
	}
	s.Autostart = f.autostart.Checked
	if f.hwInfo.Score > 0 {
		s.BenchmarkMiBps = int(f.hwInfo.Score + 0.5)
	}
	return s
}

func (f *firstRun) applyState(st app.State) {
	if !f.haveBase {
		f.haveBase = true
		f.base = st.Settings
		f.autostart.SetChecked(st.Settings.Autostart)
		if st.Settings.Preset == "custom" {
			// Own settings: none of the presets is chosen, and Start
			// keeps them unless the owner picks one.
			f.preset.SetSelected("")
			f.presetHelp.SetText("Your own settings (custom) are kept unless you pick a preset.")
		} else {
			f.preset.SetSelected(presetLabel(st.Settings.Preset))
		}
		f.hwInfo = f.u.opts.Hardware(context.Background(), st)
		if f.hwInfo.Score == 0 && st.Settings.BenchmarkMiBps > 0 {
			f.hwInfo.Score = float64(st.Settings.BenchmarkMiBps) // measured before
		}
		f.showHardware()
	}
	setText(f.what, WhatRuns(f.chosen()))
}

func (f *firstRun) showHardware() {
	f.hw.SetText(strings.Join(HardwareLines(f.hwInfo), "\n"))
	msg, ok := Verdict(f.hwInfo)
	f.verdict.SetText(msg)
	if ok {
		f.verdict.Importance = widget.MediumImportance
	} else {
		f.verdict.Importance = widget.WarningImportance
	}
	f.verdict.Refresh()
}

func (f *firstRun) runBenchmark() {
	f.bench.Disable()
	f.verdict.SetText("Measuring…")
	var score float64
	f.u.call(func(ctx context.Context) error {
		score = f.u.opts.Benchmark(ctx)
		return nil
	}, func(error) {
		f.bench.Enable()
		f.hwInfo.Score = score
		f.showHardware()
	})
}

// finish saves the chosen preset and autostart and shows the dashboard.
func (f *firstRun) finish() {
	s := f.chosen()
	f.finishBtn.Disable()
	f.u.call(func(ctx context.Context) error {
		_, err := f.u.c.PutSettings(ctx, s)
		return err
	}, func(err error) {
		f.finishBtn.Enable()
		if err != nil {
			f.msg.SetText("Could not save the settings: " + err.Error())
			return
		}
		f.u.ShowTabs(TabDashboard)
	})
}
