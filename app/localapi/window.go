package localapi

import (
	"context"
	"errors"
	"net/http"
)

//	POST /v1/window   ShowWindowRequest -> {}
//
// The service opens its window, or brings it to the front: what a second
// click on the desktop menu entry asks for.

// ShowWindowRequest names the tab to show; "" for the last one.
type ShowWindowRequest struct {
	Tab string `json:"tab,omitempty"`
}

// ErrNoWindow means the service has no window to show (headless).
var ErrNoWindow = errors.New("this node service has no window (it runs headless)")

// ServeWindow adds the window route: show opens or raises the window.
func (s *Server) ServeWindow(show func(tab string) error) {
	s.mux.HandleFunc("POST /v1/window", func(rw http.ResponseWriter, r *http.Request) {
		var req ShowWindowRequest
		if err := decode(r, &req, true); err != nil {
			writeError(rw, http.StatusBadRequest, err)
			return
		}
		if err := show(req.Tab); err != nil {
			writeError(rw, http.StatusInternalServerError, err)
			return
		}
		writeJSON(rw, http.StatusOK, struct{}{})
	})
}

// ShowWindow asks the service to open its window on tab, or bring it to
// the front; ErrNoWindow when it runs headless.
func (c *Client) ShowWindow(ctx context.Context, tab string) error {
	err := c.do(ctx, http.MethodPost, "/v1/window", ShowWindowRequest{Tab: tab}, nil)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return ErrNoWindow
	}
	return err
}
