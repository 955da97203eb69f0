package window

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/idlenode/idlenode/app/localapi"
	"github.com/idlenode/idlenode/protocol"
)

// NetworkStepView is the first run's network step: either the joined
// network (Done) or the form to join one, with Message under it.
type NetworkStepView struct {
	Done     string // what the node has joined; empty while it has not
	ShowForm bool
	Message  string
}

// noNetworkText says the running service cannot join from the window.
const noNetworkText = "This idlenode service cannot join a network from the window: run 'idlenode join FILE|URL' in a terminal."

// JoinedText says which network the node works for.
func JoinedText(n protocol.Network) string {
	name := n.Name
	if name == "" {
		name = "the network"
	}
	s := "Joined " + name + ": coordinator " + n.CoordinatorURL
	if n.ChainID != 0 {
		s += ", rewards in " + n.TokenSymbol
	}
	return s + "."
}

// NetworkStep is the step for the service's answer to Network or
// JoinNetwork: the joined network, the form, or the form with the error.
func NetworkStep(info localapi.NetworkInfo, err error) NetworkStepView {
	switch {
	case errors.Is(err, localapi.ErrNoNetworkService):
		return NetworkStepView{Done: noNetworkText}
	case err != nil:
		return NetworkStepView{ShowForm: true, Message: "Could not join: " + PlainError(err)}
	case info.Joined:
		return NetworkStepView{Done: JoinedText(info.Network)}
	default:
		return NetworkStepView{ShowForm: true}
	}
}

// networkSetup joins a network through the service from a descriptor's
// URL or file path.
type networkSetup struct {
	u       *UI
	content fyne.CanvasObject

	form    fyne.CanvasObject
	source  *widget.Entry
	joinBtn *widget.Button
	msg     *widget.Label
	done    *widget.Label
}

func newNetworkSetup(u *UI) *networkSetup {
	s := &networkSetup{u: u}
	s.source = widget.NewEntry()
	s.source.SetPlaceHolder("https://…/network.json or a network.json file on this computer")
	s.source.OnSubmitted = func(string) { s.doJoin() }
	s.joinBtn = widget.NewButton("Join", s.doJoin)
	s.joinBtn.Importance = widget.HighImportance
	s.msg = wrapped("")
	s.msg.Importance = widget.WarningImportance
	s.done = wrapped("")
	s.done.Hide()
	s.form = container.NewVBox(
		wrapped("Paste the address of the network's descriptor (network.json) that its operator gave you, or the path of the file:"),
		container.NewBorder(nil, nil, nil, s.joinBtn, s.source),
		s.msg,
	)
	s.content = container.NewVBox(s.form, s.done)
	return s
}

// show puts v on the step.
func (s *networkSetup) show(v NetworkStepView) {
	setText(s.msg, v.Message)
	setText(s.done, v.Done)
	changed := setVisible(s.form, v.ShowForm)
	if setVisible(s.done, v.Done != "") || changed {
		s.u.root.Refresh()
	}
}

// JoinSource turns what the owner typed into a source the service can
// load: URLs as they are; file paths (also file:// URLs and ~/…) made
// absolute, since the service runs in another directory.
func JoinSource(typed string) string {
	src := strings.TrimSpace(typed)
	if src == "" || strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		return src
	}
	if u, err := url.Parse(src); err == nil && u.Scheme == "file" {
		src = u.Path
	}
	if rest, ok := strings.CutPrefix(src, "~"); ok && (rest == "" || rest[0] == '/' || rest[0] == filepath.Separator) {
		if home, err := os.UserHomeDir(); err == nil {
			src = home + rest
		}
	}
	if abs, err := filepath.Abs(src); err == nil {
		src = abs
	}
	return src
}

func (s *networkSetup) doJoin() {
	src := JoinSource(s.source.Text)
	if src == "" {
		setText(s.msg, "Paste the network's address or a file path first.")
		return
	}
	s.joinBtn.Disable()
	setText(s.msg, "Joining…")
	var n protocol.Network
	s.u.call(func(ctx context.Context) error {
		var err error
		n, err = s.u.c.JoinNetwork(ctx, src)
		return err
	}, func(err error) {
		s.joinBtn.Enable()
		s.show(NetworkStep(localapi.NetworkInfo{Joined: err == nil, Network: n}, err))
	})
}
