package localapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/settings"
)

// ErrNotRunning means no node service answers on the socket.
var ErrNotRunning = errors.New("the idlenode service is not running (start it with 'idlenode run')")

// Client talks to a running node service. It is safe for concurrent use.
type Client struct {
	hc     *http.Client
	stream *http.Client
}

// NewClient returns a client for the service listening on socket.
func NewClient(socket string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dial(ctx, socket)
		},
		MaxIdleConns: 2,
	}
	return &Client{
		hc:     &http.Client{Transport: tr, Timeout: 10 * time.Second},
		stream: &http.Client{Transport: tr},
	}
}

// APIError is an error the service answered with.
type APIError struct {
	Status int
	ErrorBody
}

func (e *APIError) Error() string { return e.ErrorBody.Error }

// FieldErrors returns the settings field errors of err, if any.
func FieldErrors(err error) settings.Errors {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Fields
	}
	return nil
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://idlenode"+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return mapDialError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		ae := &APIError{Status: resp.StatusCode}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&ae.ErrorBody); err != nil || ae.ErrorBody.Error == "" {
			ae.ErrorBody.Error = fmt.Sprintf("service answered %s", resp.Status)
		}
		return ae
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("read service answer: %w", err)
	}
	return nil
}

func mapDialError(err error) error {
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
		return ErrNotRunning
	}
	return fmt.Errorf("reach the idlenode service: %w", err)
}

// State returns the service's current snapshot.
func (c *Client) State(ctx context.Context) (app.State, error) {
	var st app.State
	err := c.do(ctx, http.MethodGet, "/v1/state", nil, &st)
	return st, err
}

// Watch calls fn with each snapshot as the service publishes it, until ctx
// ends (nil) or the stream breaks (the error).
func (c *Client) Watch(ctx context.Context, fn func(app.State)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://idlenode/v1/state/stream", nil)
	if err != nil {
		return err
	}
	resp, err := c.stream.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return mapDialError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("watch state: service answered %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var st app.State
		if err := json.Unmarshal(sc.Bytes(), &st); err != nil {
			return fmt.Errorf("watch state: %w", err)
		}
		fn(st)
	}
	if ctx.Err() != nil {
		return nil
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("watch state: %w", err)
	}
	return errors.New("watch state: the service closed the stream")
}

// Pause pauses work; d > 0 snoozes for d.
func (c *Client) Pause(ctx context.Context, d time.Duration) (app.State, error) {
	var st app.State
	err := c.do(ctx, http.MethodPost, "/v1/pause", pauseRequest{Minutes: d.Minutes()}, &st)
	return st, err
}

// Resume ends a pause.
func (c *Client) Resume(ctx context.Context) (app.State, error) {
	var st app.State
	err := c.do(ctx, http.MethodPost, "/v1/resume", nil, &st)
	return st, err
}

// Settings returns the service's settings.
func (c *Client) Settings(ctx context.Context) (settings.Settings, error) {
	var s settings.Settings
	err := c.do(ctx, http.MethodGet, "/v1/settings", nil, &s)
	return s, err
}

// PutSettings replaces the settings. Field errors come back in an
// *APIError (see FieldErrors).
func (c *Client) PutSettings(ctx context.Context, s settings.Settings) (settings.Settings, error) {
	var out settings.Settings
	err := c.do(ctx, http.MethodPut, "/v1/settings", s, &out)
	return out, err
}

// Set sets one setting by its key.
func (c *Client) Set(ctx context.Context, key, value string) (settings.Settings, error) {
	var out settings.Settings
	err := c.do(ctx, http.MethodPost, "/v1/settings/set", SetRequest{Key: key, Value: value}, &out)
	return out, err
}

// Preset applies a preset.
func (c *Client) Preset(ctx context.Context, name string) (settings.Settings, error) {
	var out settings.Settings
	err := c.do(ctx, http.MethodPost, "/v1/settings/preset", map[string]string{"name": name}, &out)
	return out, err
}

// Quit stops the service.
func (c *Client) Quit(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/v1/quit", nil, nil)
}

// Do calls an extra route (the wallet's): in is sent as JSON, the answer
// decoded into out.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	return c.do(ctx, method, path, in, out)
}
