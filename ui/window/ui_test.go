package window

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
)

// Each screen renders from a State fixture into a markup golden in
// testdata/ (written to testdata/failed/ when it differs).
func TestScreensRender(t *testing.T) {
	n := startNode(t, newMemWallet(true))
	for _, tab := range []string{TabDashboard, TabSettings, TabActivity, TabWallet, TabFirstRun} {
		t.Run(tab, func(t *testing.T) {
			u := newUI(t, n.client, tab)
			st := fixture()
			prev := st
			prev.State, prev.Reason, prev.Time = app.PhaseWaiting, "Keyboard used 40 s ago (works after 3 min)", now.Add(-time.Minute)
			u.Apply(prev)
			u.Apply(st)
			if tab == TabWallet {
				u.wal.load(context.Background())
			}
			test.AssertRendersToMarkup(t, tab+".xml", u.win.Canvas())
		})
	}
}

func TestWindowWithoutWalletService(t *testing.T) {
	n := startNode(t, nil)
	u := newUI(t, n.client, TabWallet)
	u.wal.load(context.Background())
	if !u.wal.absent.Visible() || u.wal.present.Visible() || u.wal.setup.Visible() {
		t.Fatal("wallet tab does not say the service has no wallet")
	}
	if !strings.Contains(u.wal.absent.Text, "no wallet yet") {
		t.Errorf("absent text %q", u.wal.absent.Text)
	}
	// The first run's wallet step says the same instead of failing.
	u.ShowFirstRun()
	test.Tap(u.first.wallet.create)
	if u.first.wallet.msg.Text != noWalletText {
		t.Errorf("first run create without wallet service: %q", u.first.wallet.msg.Text)
	}
	u.checkFirstRun(context.Background())
	if u.first.wallet.content.Visible() || u.first.walletDone.Text != noWalletText {
		t.Errorf("first run still offers a wallet the service cannot make: %q", u.first.walletDone.Text)
	}
}

func TestUnknownTab(t *testing.T) {
	if _, err := New(test.NewTempApp(t), nil, Options{Tab: "bogus"}); err != ErrUnknownTab {
		t.Fatalf("err %v", err)
	}
}

func TestSettingsValidationShowsErrors(t *testing.T) {
	n := startNode(t, nil)
	u := newUI(t, n.client, TabSettings)
	st := n.app.State()
	st.SettingsFile = "/home/me/.config/idlenode/settings.json" // a stable golden
	u.Apply(st)
	before := st.Settings

	u.set.entries["idle_minutes"].SetText("soon")
	u.set.entries["cores_percent"].SetText("250")
	u.set.entries["coordinator_url"].SetText("ftp://nowhere")
	u.set.entries["schedule"].SetText("25:00-07:00")
	test.Tap(u.set.save)
	for key, want := range map[string]string{
		"idle_minutes":    "must be a whole number",
		"cores_percent":   "must be between 1 and 100 (is 250)",
		"coordinator_url": "must be an http(s) URL",
		"schedule":        "not a time of day like 07:30",
	} {
		l := u.set.errs[key]
		if !l.Visible() || !strings.Contains(l.Text, want) {
			t.Errorf("%s: error %q (visible %v), want %q", key, l.Text, l.Visible(), want)
		}
	}
	// The error sits under its field, not over it.
	drv := u.app.Driver()
	e, l := u.set.entries["idle_minutes"], u.set.errs["idle_minutes"]
	if ep, lp := drv.AbsolutePositionForObject(e), drv.AbsolutePositionForObject(l); lp.Y < ep.Y+e.Size().Height || l.Size().Height == 0 {
		t.Errorf("error label at %v (size %v) overlaps its entry at %v (size %v)", lp, l.Size(), ep, e.Size())
	}
	if l := u.set.errs["max_memory_percent"]; l.Visible() {
		t.Errorf("valid field shows an error: %q", l.Text)
	}
	if u.set.saved.Text != "Not saved: fix the fields marked in red" {
		t.Errorf("status %q", u.set.saved.Text)
	}
	if got := n.app.State().Settings; !sameSettings(got, before) {
		t.Fatal("invalid settings reached the service")
	}
	// What was typed is kept for fixing.
	if u.set.entries["idle_minutes"].Text != "soon" {
		t.Fatal("the form lost what was typed")
	}
	test.AssertRendersToMarkup(t, "settings-errors.xml", u.win.Canvas())

	// Fixed, saved through the service and applied by the core.
	u.set.entries["idle_minutes"].SetText("7")
	u.set.entries["cores_percent"].SetText("30")
	u.set.entries["coordinator_url"].SetText("http://127.0.0.1:8080")
	u.set.entries["schedule"].SetText("22:00-07:00")
	u.set.checks["gpu_enabled"].SetChecked(false)
	test.Tap(u.set.save)
	if u.set.saved.Text != "Saved" {
		t.Fatalf("status %q, errors %v", u.set.saved.Text, u.set.formErr.Text)
	}
	got := n.app.State().Settings
	if got.IdleMinutes != 7 || got.CoresPercent != 30 || got.CoordinatorURL != "http://127.0.0.1:8080" || got.ScheduleString() != "22:00–07:00" || got.GPUEnabled || got.Preset != "custom" {
		t.Fatalf("service settings %+v", got)
	}
	for k, l := range u.set.errs {
		if l.Visible() {
			t.Errorf("%s still shows %q", k, l.Text)
		}
	}

	// A preset is one click.
	u.set.preset.SetSelected("Gentle")
	// The save runs off the UI thread; wait for the service to have it.
	waitFor(t, "the preset applied", func() bool {
		got := n.app.State().Settings
		return got.Preset == "gentle" && got.IdleMinutes == 10
	})
	if u.set.entries["idle_minutes"].Text != "10" {
		t.Errorf("form not reloaded after preset: %q", u.set.entries["idle_minutes"].Text)
	}
}

func TestSettingsShowServiceFieldErrors(t *testing.T) {
	// A rule only the service knows comes back as a field error and is
	// shown beside its field.
	u := newUI(t, nil, TabSettings)
	u.Apply(fixture())
	es := settings.Errors{{Field: "payout_address", Rule: "must not be the zero address"}, {Field: "", Rule: "disk full"}}
	u.set.showErrors(errorsOf(&localapi.APIError{Status: 400, ErrorBody: localapi.ErrorBody{Error: "invalid", Fields: es}}, localapi.FieldErrors))
	if l := u.set.errs["payout_address"]; !l.Visible() || l.Text != "must not be the zero address" {
		t.Errorf("payout error %q", l.Text)
	}
	if !u.set.formErr.Visible() || u.set.formErr.Text != "disk full" {
		t.Errorf("form error %q", u.set.formErr.Text)
	}
}

// TestDashboardSaysNotJoinedOnce: a node outside any network reads that
// once, in the reason, not again in the network line.
func TestDashboardSaysNotJoinedOnce(t *testing.T) {
	n := startNode(t, nil)
	u := newUI(t, n.client, TabDashboard)
	st := n.app.State()
	st.Network = app.NetworkState{}
	st.Reason = "Not part of a network yet: join one in the window or with 'idlenode join FILE|URL'"
	u.Apply(st)
	if u.dash.network.Visible() {
		t.Errorf("network line %q shown under the same reason", u.dash.network.Text)
	}
	if !u.dash.earnEmpty.Visible() {
		t.Error("an empty earnings chart says nothing")
	}
	st.Network = app.NetworkState{Name: "testnet", Connected: true}
	st.Reason = "Working"
	u.Apply(st)
	if !u.dash.network.Visible() || u.dash.network.Text != "testnet · connected" {
		t.Errorf("joined: network line %q, shown %v", u.dash.network.Text, u.dash.network.Visible())
	}
}

func TestDashboardPauseResumeDrivesService(t *testing.T) {
	n := startNode(t, nil)
	u := newUI(t, n.client, TabDashboard)
	waitFor(t, "working", func() bool { return n.app.State().State == app.PhaseWorking })
	u.Apply(n.app.State())
	if u.dash.pause.Text != "Pause for 1 hour" {
		t.Fatalf("button %q", u.dash.pause.Text)
	}
	test.Tap(u.dash.pause)
	st := n.app.State()
	if st.State != app.PhasePaused || st.PausedUntil == nil {
		t.Fatalf("service state %v", st.State)
	}
	if u.dash.pause.Text != "Resume" || !strings.HasPrefix(u.dash.status.Text, "Paused until ") {
		t.Errorf("after pause: button %q, status %q", u.dash.pause.Text, u.dash.status.Text)
	}
	test.Tap(u.dash.pause)
	if n.app.State().State == app.PhasePaused || u.dash.pause.Text != "Pause for 1 hour" {
		t.Fatalf("after resume: service %v, button %q", n.app.State().State, u.dash.pause.Text)
	}
}

func TestRunFollowsTheStream(t *testing.T) {
	n := startNode(t, nil)
	fa := test.NewTempApp(t)
	u, err := New(fa, n.client, Options{Tab: TabActivity})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex // stands in for the UI thread
	u.do = func(f func()) { mu.Lock(); defer mu.Unlock(); f() }
	u.spawn = func(f func()) { f() }
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { u.Run(ctx); close(ran) }()
	waitFor(t, "the first snapshot", func() bool { mu.Lock(); defer mu.Unlock(); return u.haveState })
	n.app.Pause(0)
	waitFor(t, "pause in the activity log", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(u.act.text.Text, "Paused — ") && u.dash.pause.Text == "Resume"
	})
	cancel()
	<-ran
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWalletFlows(t *testing.T) {
	w := newMemWallet(true)
	n := startNode(t, w)
	u := newUI(t, n.client, TabWallet)
	u.Apply(n.app.State())
	u.wal.load(context.Background())
	if !u.wal.present.Visible() || u.wal.address.Text != w.address {
		t.Fatalf("wallet not shown: %q", u.wal.address.Text)
	}
	if u.wal.qr.Resource == nil || len(u.wal.qr.Resource.Content()) < 100 {
		t.Fatal("no QR code for the address")
	}
	test.Tap(widgetByText(t, u, "Copy address"))
	if got := u.app.Clipboard().Content(); got != w.address {
		t.Errorf("clipboard %q", got)
	}

	// Claim.
	if u.wal.claim.Disabled() {
		t.Fatal("claim disabled with 3 IDLE claimable")
	}
	test.Tap(u.wal.claim)
	if !strings.HasPrefix(u.wal.msg.Text, "Claim done: 3 IDLE (tx 0x0000…0001)") || u.wal.token.Text != "15 IDLE" || !u.wal.claim.Disabled() {
		t.Fatalf("after claim: %q, token %q", u.wal.msg.Text, u.wal.token.Text)
	}

	// Stake: a bad amount is refused before it reaches the chain.
	u.wal.stakeAmt.SetText("1.5.0")
	test.Tap(widgetByText(t, u, "Stake"))
	if !strings.Contains(u.wal.msg.Text, "not a number") || w.staked.Cmp(tokens(100)) != 0 {
		t.Fatalf("bad stake: %q", u.wal.msg.Text)
	}
	u.wal.stakeAmt.SetText("10")
	test.Tap(widgetByText(t, u, "Stake"))
	if u.wal.staked.Text != "110 IDLE" || u.wal.token.Text != "5 IDLE" {
		t.Fatalf("after stake: staked %q token %q (%q)", u.wal.staked.Text, u.wal.token.Text, u.wal.msg.Text)
	}
	u.wal.stakeAmt.SetText("1000")
	test.Tap(widgetByText(t, u, "Stake"))
	if !strings.Contains(u.wal.msg.Text, "Stake failed: Amount exceeds the balance") {
		t.Fatalf("overdraft: %q", u.wal.msg.Text)
	}

	// Unstake starts the cooldown, which counts down; withdraw after it.
	u.wal.unstakeAmt.SetText("20.5")
	test.Tap(widgetByText(t, u, "Unstake"))
	if u.wal.unstaking.Text != "20.5 IDLE" || u.wal.cooldown.Text != "Withdraw in 1 h" || !u.wal.withdraw.Disabled() {
		t.Fatalf("after unstake: %q %q withdraw disabled %v", u.wal.unstaking.Text, u.wal.cooldown.Text, u.wal.withdraw.Disabled())
	}
	u.opts.Now = func() time.Time { return now.Add(59*time.Minute + 30*time.Second) }
	u.wal.tick()
	if u.wal.cooldown.Text != "Withdraw in 30 s" {
		t.Fatalf("countdown %q", u.wal.cooldown.Text)
	}
	u.opts.Now = func() time.Time { return now.Add(time.Hour) }
	u.wal.tick()
	if u.wal.cooldown.Text != "Ready to withdraw" || u.wal.withdraw.Disabled() {
		t.Fatalf("after the cooldown: %q", u.wal.cooldown.Text)
	}
	test.Tap(u.wal.withdraw)
	if u.wal.token.Text != "25.5 IDLE" || u.wal.unstaking.Text != "Nothing" {
		t.Fatalf("after withdraw: token %q unstaking %q", u.wal.token.Text, u.wal.unstaking.Text)
	}

	// Send.
	u.wal.sendTo.SetText("0x000000000000000000000000000000000000dEaD")
	u.wal.sendAmt.SetText("0.5")
	test.Tap(widgetByText(t, u, "Send"))
	if u.wal.token.Text != "25 IDLE" {
		t.Fatalf("after send: %q (%q)", u.wal.token.Text, u.wal.msg.Text)
	}

	// Backup: the passphrase goes to the service and leaves the form.
	u.wal.backupPath.SetText("/tmp/backup.json")
	u.wal.backupPass.SetText("correct horse")
	test.Tap(widgetByText(t, u, "Back up"))
	if len(w.backups) != 1 || w.backups[0].Passphrase != "correct horse" || u.wal.backupPass.Text != "" ||
		u.wal.msg.Text != "Encrypted backup written to /tmp/backup.json" {
		t.Fatalf("backup: %+v, msg %q", w.backups, u.wal.msg.Text)
	}
	if strings.Contains(test.RenderToMarkup(u.win.Canvas()), "correct horse") {
		t.Fatal("the passphrase is on screen")
	}

	// History lists every transaction, newest first.
	var rows []string
	for _, o := range u.wal.history.Objects {
		rows = append(rows, labelsIn(o))
	}
	want := []string{"Send 0.5 IDLE to 0x0000…dEaD", "Withdraw 20.5 IDLE", "Unstake 20.5 IDLE", "Stake 10 IDLE", "Claim 3 IDLE"}
	if len(rows) != len(want) {
		t.Fatalf("history %q", rows)
	}
	for i, w := range want {
		if !strings.Contains(rows[i], w) || !strings.Contains(rows[i], "Confirmed") {
			t.Errorf("history row %d = %q, want %q", i, rows[i], w)
		}
	}
}

func TestFirstRunCreatesWalletAndSavesChoices(t *testing.T) {
	w := newMemWallet(false)
	n := startNode(t, w)
	u := newUI(t, n.client, "")
	u.Apply(n.app.State())
	u.checkFirstRun(context.Background())
	if u.root.Objects[0] == u.tabs {
		t.Fatal("a node without a wallet did not get the first run")
	}
	if !strings.Contains(u.first.hw.Text, "CPU: 8 cores") || !strings.Contains(u.first.verdict.Text, "Run the benchmark") {
		t.Errorf("hardware: %q / %q", u.first.hw.Text, u.first.verdict.Text)
	}
	test.Tap(u.first.bench)
	if u.first.verdict.Text != "This machine meets what the network needs." || !strings.Contains(u.first.hw.Text, "Benchmark: 1234 points") {
		t.Errorf("after benchmark: %q", u.first.verdict.Text)
	}

	test.Tap(u.first.wallet.create)
	if !w.exists || u.first.walletDone.Text != "Your node's address: "+w.address || u.first.wallet.content.Visible() {
		t.Fatalf("create: %q / %q", u.first.walletDone.Text, u.first.wallet.msg.Text)
	}
	u.first.preset.SetSelected("Gentle")
	if !strings.Contains(u.first.what.Text, "after 10 min") || !strings.Contains(u.first.what.Text, "25% of the cores") {
		t.Errorf("what runs for gentle: %q", u.first.what.Text)
	}
	u.first.autostart.SetChecked(false)
	test.Tap(u.first.finishBtn)
	waitFor(t, "the choices saved", func() bool { return n.app.State().Settings.Preset == "gentle" })
	got := n.app.State().Settings
	if got.Preset != "gentle" || got.Autostart || got.IdleMinutes != 10 || got.BenchmarkMiBps != 1234 {
		t.Fatalf("saved settings %+v", got)
	}
	if u.root.Objects[0] != u.tabs || u.tabs.Selected() != u.tabItems[TabDashboard] {
		t.Fatal("first run did not hand over to the dashboard")
	}
}

func TestImportRefusesEmptyAndClearsSecret(t *testing.T) {
	w := newMemWallet(false)
	n := startNode(t, w)
	u := newUI(t, n.client, TabWallet)
	u.wal.load(context.Background())
	s := u.wal.setupW
	test.Tap(s.importBtn)
	if w.exists || !strings.Contains(s.msg.Text, "Paste a private key") {
		t.Fatalf("empty import: %q", s.msg.Text)
	}
	s.secret.SetText("0x1234")
	test.Tap(s.importBtn)
	if w.exists || !strings.Contains(s.msg.Text, "Not a private key") || s.secret.Text != "" {
		t.Fatalf("bad key: %q, secret kept %q", s.msg.Text, s.secret.Text)
	}
	s.secret.SetText("0x" + strings.Repeat("ab", 32))
	test.Tap(s.importBtn)
	if !w.exists || !u.wal.present.Visible() || u.wal.address.Text != "0x000000000000000000000000000000000000bEEF" {
		t.Fatalf("import: %q", s.msg.Text)
	}
}

// widgetByText finds the button labelled text in the window.
func widgetByText(t *testing.T, u *UI, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(u.win.Content(), func(o any) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

func TestExplicitTabSkipsFirstRun(t *testing.T) {
	n := startNode(t, newMemWallet(false))
	u := newUI(t, n.client, TabDashboard)
	u.checkFirstRun(context.Background())
	if u.root.Objects[0] != u.tabs {
		t.Fatal("--tab dashboard showed the first run")
	}
}

// TestRaise: the tray's "Settings" on an open window switches to the
// tab, except during the first run, which it leaves in place.
func TestRaise(t *testing.T) {
	n := startNode(t, newMemWallet(true))
	u := newUI(t, n.client, TabWallet)
	u.Raise(TabSettings)
	if u.tabs.Selected() != u.tabItems[TabSettings] {
		t.Fatalf("Raise(settings) left %q selected", u.tabs.Selected().Text)
	}
	u.Raise("") // to the front, on the same tab
	if u.tabs.Selected() != u.tabItems[TabSettings] {
		t.Fatalf("Raise() changed the tab to %q", u.tabs.Selected().Text)
	}
	u.ShowFirstRun()
	u.Raise(TabWallet)
	if u.root.Objects[0] == u.tabs {
		t.Fatal("Raise interrupted the first run")
	}
}

// TestLongLinesWrap: a node's long messages (an error quoting a D-Bus
// path, say) wrap instead of widening the window past the screen.
func TestLongLinesWrap(t *testing.T) {
	n := startNode(t, nil)
	u := newUI(t, n.client, TabDashboard)
	before := u.Window().Content().MinSize().Width
	long := "Cannot reach the network (passphrase needed: no usable OS keyring: failed to unlock correct collection '/org/freedesktop/secrets/aliases/default/and/a/path/without/any/space/in/it')"
	st := n.app.State()
	st.Network = app.NetworkState{Name: "dev", LastError: long}
	st.Reason = long
	st.InputMethod = long
	u.Apply(st)
	if !strings.Contains(u.dash.network.Text, "unlock correct collection") {
		t.Fatalf("network line %q does not show the error", u.dash.network.Text)
	}
	if after := u.Window().Content().MinSize().Width; after > max(before, 900) {
		t.Errorf("window content needs %.0f px wide after long lines (%.0f before)", after, before)
	}
}

// TestActivityCountsJobsPerMinute: short jobs finishing every second make
// one line a minute, not one a second; a state change still gets its own.
func TestActivityCountsJobsPerMinute(t *testing.T) {
	n := startNode(t, nil)
	u := newUI(t, n.client, TabActivity)
	st := n.app.State()
	base := time.Date(2026, 11, 25, 14, 0, 0, 0, time.Local)
	st.Time = base
	u.Apply(st)
	start := len(u.act.lines)
	for i := 1; i <= 50; i++ { // 50 s: 3 jobs each second
		st.Time, st.Totals.JobsDone = base.Add(time.Duration(i)*time.Second), int64(3*i)
		u.Apply(st)
	}
	if got := u.act.lines[:len(u.act.lines)-start]; len(got) != 1 || got[0] != "14:00     150 jobs finished" {
		t.Fatalf("after 50 s of jobs: %q", got)
	}
	st.Time, st.Totals.JobsDone = base.Add(70*time.Second), 160
	u.Apply(st)
	if got := u.act.lines[0]; got != "14:01     10 jobs finished" {
		t.Fatalf("next minute: %q", got)
	}
	st.State, st.Reason = app.PhasePaused, "Paused by you"
	st.Time, st.Totals.JobsDone = base.Add(80*time.Second), 161
	u.Apply(st)
	if got := u.act.lines[:2]; !strings.Contains(got[0], "1 job finished") || !strings.Contains(got[1], "Paused") {
		t.Fatalf("after a state change: %q", got)
	}
}

// TestDashboardWhenServiceStops: the last state of a service that is gone
// is not shown as current: "Not running", no jobs, nothing to pause.
func TestDashboardWhenServiceStops(t *testing.T) {
	n := startNode(t, nil)
	u := newUI(t, n.client, TabDashboard)
	st := n.app.State()
	st.State, st.Network = app.PhaseWorking, app.NetworkState{Name: "dev", Connected: true}
	st.Jobs = []app.JobState{{ID: "6345d6064036aaaa", Status: "running", StartedAt: now}}
	u.Apply(st)
	if u.dash.pause.Disabled() || len(u.dash.jobRows) == 0 || !u.dash.jobRows[0].id.Visible() {
		t.Fatalf("working: pause disabled %v, job rows %d", u.dash.pause.Disabled(), len(u.dash.jobRows))
	}
	u.showStopped("The idlenode service is not running")
	if !strings.HasPrefix(u.dash.status.Text, "Not running") || u.dash.reason.Text != "The idlenode service is not running" {
		t.Errorf("status %q, reason %q", u.dash.status.Text, u.dash.reason.Text)
	}
	if !u.dash.pause.Disabled() || strings.Contains(u.dash.network.Text, "connected") && !strings.Contains(u.dash.network.Text, "not connected") {
		t.Errorf("pause disabled %v, network %q", u.dash.pause.Disabled(), u.dash.network.Text)
	}
	if len(u.dash.jobRows) != 0 {
		t.Errorf("%d job rows still shown", len(u.dash.jobRows))
	}
}

// TestGPUChartOnlyWithGPU: no GPU, no empty chart; the line says why.
func TestGPUChartOnlyWithGPU(t *testing.T) {
	n := startNode(t, nil)
	u := newUI(t, n.client, TabDashboard)
	st := n.app.State()
	st.GPUs, st.GPUNote = nil, "no NVIDIA GPU found (libnvidia-ml not found)"
	u.Apply(st)
	if u.dash.gpuChart.Visible() || u.dash.gpu.Text != "No NVIDIA GPU found (libnvidia-ml not found)" {
		t.Errorf("no GPU: chart shown %v, line %q", u.dash.gpuChart.Visible(), u.dash.gpu.Text)
	}
	st.GPUs = []app.GPUState{{Index: 0, Name: "NVIDIA H100", UtilPercent: 40}}
	u.Apply(st)
	if !u.dash.gpuChart.Visible() {
		t.Error("GPU chart hidden with a GPU")
	}
}

// TestFirstRunKeepsCustomSettings: opening the first run again on a node
// with its own settings neither shows a preset as chosen nor overwrites
// them on Start, and shows the benchmark measured before.
func TestFirstRunKeepsCustomSettings(t *testing.T) {
	n := startNode(t, newMemWallet(true))
	s := n.app.State().Settings
	s.Preset, s.IdleMinutes, s.BenchmarkMiBps = "custom", 1, 2898
	if _, err := n.client.PutSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "custom settings", func() bool { return n.app.State().Settings.IdleMinutes == 1 })
	u := newUI(t, n.client, TabFirstRun)
	u.Apply(n.app.State())
	if u.first.preset.Selected != "" || !strings.Contains(u.first.what.Text, "after 1 min") || !strings.Contains(u.first.hw.Text, "2898") {
		t.Fatalf("first run over custom settings: preset %q, what %q, hardware %q", u.first.preset.Selected, u.first.what.Text, u.first.hw.Text)
	}
	test.Tap(u.first.finishBtn)
	time.Sleep(100 * time.Millisecond) // a wrong save would land within a tick
	if got := n.app.State().Settings; got.Preset != "custom" || got.IdleMinutes != 1 {
		t.Fatalf("Start changed the settings: %+v", got)
	}
}

// TestWalletUnlock: a locked wallet shows the unlock card; a wrong
// passphrase says so, the right one hides the card; the entry never keeps
// what was typed.
func TestWalletUnlock(t *testing.T) {
	w := newMemWallet(true)
	w.locked, w.passphrase = true, "correct horse battery"
	n := startNode(t, w)
	u := newUI(t, n.client, TabWallet)
	u.Apply(n.app.State())
	u.wal.load(context.Background())
	if !u.wal.unlock.Visible() {
		t.Fatal("no unlock card for a locked wallet")
	}
	u.wal.unlockPass.SetText("wrong horse battery")
	test.Tap(u.wal.unlockBtn)
	if !u.wal.unlock.Visible() || !strings.HasPrefix(u.wal.msg.Text, "Not unlocked: ") || u.wal.unlockPass.Text != "" {
		t.Fatalf("wrong passphrase: card %v, message %q, entry %q", u.wal.unlock.Visible(), u.wal.msg.Text, u.wal.unlockPass.Text)
	}
	u.wal.unlockPass.SetText("correct horse battery")
	test.Tap(u.wal.unlockBtn)
	if u.wal.unlock.Visible() || !strings.HasPrefix(u.wal.msg.Text, "Unlocked") || u.wal.unlockPass.Text != "" {
		t.Fatalf("right passphrase: card %v, message %q, entry %q", u.wal.unlock.Visible(), u.wal.msg.Text, u.wal.unlockPass.Text)
	}
}

// TestImportKindSwitch: the keystore kind is a plain multi-line box (no
// password eye), the private key a hidden one; switching clears the last
// error, and an import clears the box it read.
func TestImportKindSwitch(t *testing.T) {
	w := newMemWallet(false)
	n := startNode(t, w)
	u := newUI(t, n.client, TabWallet)
	s := u.wal.setupW
	s.secret.SetText("0x1234")
	test.Tap(s.importBtn)
	if s.msg.Text == "" {
		t.Fatal("no error for a bad key")
	}
	s.kind.SetSelected(importKeystore)
	if s.secret.Visible() || !s.keystore.Visible() || s.keystore.Password || s.msg.Text != "" {
		t.Fatalf("keystore kind: key box shown %v, keystore shown %v, message %q", s.secret.Visible(), s.keystore.Visible(), s.msg.Text)
	}
	s.keystore.SetText(`{"address": "52908400098527886e0f7030069857d2e4169ee7"}`)
	test.Tap(s.importBtn)
	if s.keystore.Text != "" {
		t.Errorf("keystore JSON kept in the box after import")
	}
}
