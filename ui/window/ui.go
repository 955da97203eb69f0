package window

import (
	"context"
	"errors"
	"image/color"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/app/settings"
	"github.com/idlenode/idlenode/assets"
	"github.com/idlenode/idlenode/ui/format"
)

// Tab names, for --tab.
const (
	TabDashboard = "dashboard"
	TabSettings  = "settings"
	TabWallet    = "wallet"
	TabActivity  = "activity"
	TabFirstRun  = "firstrun"
)

// Tabs lists the tab names --tab accepts.
var Tabs = []string{TabDashboard, TabSettings, TabWallet, TabActivity, TabFirstRun}

// ErrUnknownTab means --tab named no tab.
var ErrUnknownTab = errors.New("unknown tab (choose dashboard, settings, wallet, activity or firstrun)")

// Options configure the window.
type Options struct {
	Tab         string                                           // the tab shown first; "" is the dashboard, or the first run for a node without a wallet
	Now         func() time.Time                                 // the clock; time.Now when nil
	Log         *slog.Logger                                     // nil discards
	FieldErrors func(error) settings.Errors                      // localapi.FieldErrors when nil
	Benchmark   func(ctx context.Context) float64                // the first run's benchmark; a 3 s Benchmark when nil
	Hardware    func(ctx context.Context, st app.State) Hardware // DetectHardware when nil
}

// Colours of the charts and state dots.
var (
	colOurs   = color.NRGBA{0x2e, 0x9e, 0x5b, 0xff}
	colOther  = color.NRGBA{0x7a, 0x80, 0x88, 0xff}
	colAccent = color.NRGBA{0x2b, 0x6c, 0xd4, 0xff}
)

// UI is the window and its tabs. Its methods that touch widgets run on
// the fyne thread; Run feeds it from the service.
type UI struct {
	c    Client
	opts Options
	log  *slog.Logger
	win  fyne.Window
	app  fyne.App

	// spawn runs a client call off the UI thread (synchronously in tests).
	spawn func(func())
	// do runs fn on the UI thread.
	do func(func())

	banner   *widget.Label
	tabs     *container.AppTabs
	tabItems map[string]*container.TabItem
	root     *fyne.Container
	main     fyne.CanvasObject

	dash  *dashboardTab
	set   *settingsTab
	wal   *walletTab
	act   *activityTab
	first *firstRun

	last         app.State
	haveState    bool
	autoFirstRun bool // no tab asked for: a node without a wallet gets the first run
}

// New builds the window on fa. Call Run to connect it to the service and
// ShowAndRun (or Show) to show it.
func New(fa fyne.App, c Client, opts Options) (*UI, error) {
	autoFirstRun := opts.Tab == ""
	if opts.Tab == "" {
		opts.Tab = TabDashboard
	}
	known := false
	for _, t := range Tabs {
		known = known || t == opts.Tab
	}
	if !known {
		return nil, ErrUnknownTab
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.FieldErrors == nil {
		opts.FieldErrors = localapi.FieldErrors
	}
	if opts.Benchmark == nil {
		opts.Benchmark = func(ctx context.Context) float64 { return Benchmark(ctx, 3*time.Second) }
	}
	if opts.Hardware == nil {
		opts.Hardware = DetectHardware
	}
	u := &UI{c: c, opts: opts, log: opts.Log, app: fa, autoFirstRun: autoFirstRun,
		spawn: func(f func()) { go f() },
		do:    fyne.Do,
	}
	u.win = fa.NewWindow("idlenode")
	u.win.SetIcon(fyne.NewStaticResource("icon.png", assets.AppIcon))
	u.banner = widget.NewLabel("Connecting to the idlenode service…")
	u.banner.Wrapping = fyne.TextWrapWord
	u.banner.Importance = widget.WarningImportance

	u.dash = newDashboardTab(u)
	u.set = newSettingsTab(u)
	u.wal = newWalletTab(u)
	u.act = newActivityTab(u)
	u.first = newFirstRun(u)

	u.tabItems = map[string]*container.TabItem{
		TabDashboard: container.NewTabItem("Dashboard", u.dash.content),
		TabSettings:  container.NewTabItem("Settings", u.set.content),
		TabWallet:    container.NewTabItem("Wallet", u.wal.content),
		TabActivity:  container.NewTabItem("Activity", u.act.content),
	}
	u.tabs = container.NewAppTabs(u.tabItems[TabDashboard], u.tabItems[TabSettings], u.tabItems[TabWallet], u.tabItems[TabActivity])
	u.main = u.tabs
	u.root = container.NewBorder(u.banner, nil, nil, nil, u.tabs)
	u.win.SetContent(u.root)
	u.win.Resize(fyne.NewSize(860, 640))
	if opts.Tab == TabFirstRun {
		u.ShowFirstRun()
	} else {
		u.tabs.Select(u.tabItems[opts.Tab])
	}
	// Set after the first selection: Run loads the wallet at the start.
	u.tabs.OnSelected = func(ti *container.TabItem) {
		if ti == u.tabItems[TabWallet] {
			u.wal.refresh()
		}
	}
	return u, nil
}

// Window is the fyne window.
func (u *UI) Window() fyne.Window { return u.win }

// ShowFirstRun puts the first-run page in place of the tabs.
func (u *UI) ShowFirstRun() {
	u.root.Objects[0] = container.NewVScroll(u.first.content)
	u.root.Refresh()
}

// ShowTabs puts the tabs back, on tab.
func (u *UI) ShowTabs(tab string) {
	u.root.Objects[0] = u.tabs
	if ti, ok := u.tabItems[tab]; ok {
		u.tabs.Select(ti)
	}
	u.root.Refresh()
}

// Raise shows the window in front, on tab when one is given and the first
// run is not under way (it is not interrupted). Call it on fyne's
// goroutine.
func (u *UI) Raise(tab string) {
	if _, ok := u.tabItems[tab]; ok && u.root.Objects[0] == u.tabs {
		u.tabs.Select(u.tabItems[tab])
	}
	u.win.Show()
	u.win.RequestFocus()
}

// Run connects to the service and keeps the window current until ctx
// ends: it watches the state stream (reconnecting every 2 s when the
// service is away), refreshes the wallet, and ticks the countdowns.
func (u *UI) Run(ctx context.Context) {
	go u.wal.loop(ctx)
	go u.checkFirstRun(ctx)
	for ctx.Err() == nil {
		err := u.c.Watch(ctx, func(st app.State) { u.do(func() { u.Apply(st) }) })
		if ctx.Err() != nil {
			return
		}
		msg := "Lost the idlenode service; retrying…"
		if errors.Is(err, localapi.ErrNotRunning) {
			msg = "The idlenode service is not running: start it with 'idlenode run'. Retrying…"
		}
		u.log.Warn("State stream ended", "err", err)
		u.do(func() {
			u.setBanner(msg)
			u.showStopped(msg)
		})
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

// checkFirstRun shows the first run when the node has no wallet or no
// network yet and no tab was asked for, and fits the first run's wallet
// and network steps to what the service offers.
func (u *UI) checkFirstRun(ctx context.Context) {
	netInfo, netErr := u.c.Network(ctx)
	switch {
	case errors.Is(netErr, localapi.ErrNoNetworkService), netErr == nil:
		u.do(func() { u.first.network.show(NetworkStep(netInfo, netErr)) })
	}
	info, err := u.c.WalletInfo(ctx)
	switch {
	case errors.Is(err, localapi.ErrNoWallet):
		u.do(u.first.noWalletService)
	case err == nil && info.Exists:
		u.do(func() { u.first.walletReady(info) })
	}
	needNetwork := netErr == nil && !netInfo.Joined
	needWallet := err == nil && !info.Exists
	if u.autoFirstRun && (needNetwork || needWallet) {
		u.do(u.ShowFirstRun)
	}
}

// showStopped keeps the dashboard from showing the last state of a
// service that is gone as if it were current: no jobs, not connected,
// nothing to pause.
func (u *UI) showStopped(msg string) {
	if !u.haveState {
		return
	}
	st := u.last
	st.State, st.Reason, st.Since, st.PausedUntil = app.PhaseStopped, msg, time.Time{}, nil
	st.Jobs, st.Network.Connected, st.Network.LastError = nil, false, ""
	u.dash.apply(st)
}

func (u *UI) setBanner(msg string) {
	setText(u.banner, msg)
	if setVisible(u.banner, msg != "") {
		u.root.Refresh()
	}
}

// Apply shows st in every tab. Call it on the UI thread.
func (u *UI) Apply(st app.State) {
	var prev *app.State
	if u.haveState {
		p := u.last
		prev = &p
	}
	switch {
	case st.SettingsProblem != "":
		u.setBanner("Settings file problem: " + st.SettingsProblem)
	default:
		u.setBanner("")
	}
	u.dash.apply(st)
	u.set.apply(st)
	u.wal.applyState(st)
	u.first.applyState(st)
	if line, ok := ActivityEntry(prev, st); ok {
		u.act.add(line)
	}
	if n := JobsFinished(prev, st); n > 0 {
		u.act.addJobs(st.Time, n)
	}
	u.last, u.haveState = st, true
}

// call runs fn off the UI thread and then done on it with fn's error.
func (u *UI) call(fn func(ctx context.Context) error, done func(err error)) {
	u.spawn(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		err := fn(ctx)
		u.do(func() { done(err) })
	})
}

// setVisible shows or hides o and reports whether that changed anything.
// A change needs a refresh of the tab's scroll: a container does not
// re-measure when one of its objects appears or disappears.
func setVisible(o fyne.CanvasObject, on bool) bool {
	if o.Visible() == on {
		return false
	}
	if on {
		o.Show()
	} else {
		o.Hide()
	}
	return true
}

// heading is a bold label.
func heading(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func legend(c color.Color, text string) fyne.CanvasObject {
	sw := canvas.NewRectangle(c)
	sw.SetMinSize(fyne.NewSize(12, 12))
	return container.NewHBox(container.NewCenter(sw), widget.NewLabel(text))
}

// symbolOf is the token symbol and decimals of the last state.
func (u *UI) symbolOf() (string, int) {
	return format.Symbol(u.last), format.Decimals(u.last)
}
