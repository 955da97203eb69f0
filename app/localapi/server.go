// Package localapi is the node service's local API: HTTP over a Unix socket
// that only the owner can reach. The window, the tray's helpers and the CLI
// verbs (`idlenode status`, `pause`, `settings`) use it through Client.
//
// Routes (JSON):
//
//	GET  /v1/state            one State snapshot
//	GET  /v1/state/stream     newline-delimited State snapshots, as they change
//	POST /v1/pause            {"minutes": N} (0 or absent: until resumed)
//	POST /v1/resume
//	GET  /v1/settings         the settings
//	PUT  /v1/settings         replace the settings (400 with field errors)
//	POST /v1/settings/set     {"key": K, "value": V}
//	POST /v1/settings/preset  {"name": "gentle"|"balanced"|"max"}
//	POST /v1/quit             stop the service
//
// Extra routes (the wallet's) are added with Server.Handle.
package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/app/settings"
)

// Backend is the node core as the API sees it. *app.App implements it.
type Backend interface {
	State() app.State
	Subscribe() (<-chan app.State, func())
	Pause(d time.Duration)
	Resume()
	UpdateSettings(fn func(*settings.Settings) error) (settings.Settings, error)
	Quit()
}

var _ Backend = (*app.App)(nil)

// Server serves the API for one Backend.
type Server struct {
	b   Backend
	log *slog.Logger
	mux *http.ServeMux
}

// NewServer builds the API's routes.
func NewServer(b Backend, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{b: b, log: log, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /v1/state", s.getState)
	s.mux.HandleFunc("GET /v1/state/stream", s.stream)
	s.mux.HandleFunc("POST /v1/pause", s.pause)
	s.mux.HandleFunc("POST /v1/resume", func(w http.ResponseWriter, r *http.Request) {
		s.b.Resume()
		writeJSON(w, http.StatusOK, s.b.State())
	})
	s.mux.HandleFunc("GET /v1/settings", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.b.State().Settings)
	})
	s.mux.HandleFunc("PUT /v1/settings", s.putSettings)
	s.mux.HandleFunc("POST /v1/settings/set", s.setSetting)
	s.mux.HandleFunc("POST /v1/settings/preset", s.preset)
	s.mux.HandleFunc("POST /v1/quit", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "stopping"})
		go s.b.Quit()
	})
	return s
}

// Handle adds a route, such as the wallet's.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	s.mux.ServeHTTP(w, r)
}

// ErrAlreadyRunning means a node service already answers on the socket.
var ErrAlreadyRunning = errors.New("another idlenode service is already running for this user")

// Serve serves the API on ln until ctx ends. Connections from other users
// are refused where the OS tells who is calling.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, peerKey{}, peerAllowed(c))
		},
	}
	inner := hs.Handler
	hs.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, _ := r.Context().Value(peerKey{}).(bool); !ok {
			writeError(w, http.StatusForbidden, errors.New("only the user running the node may use its API"))
			return
		}
		inner.ServeHTTP(w, r)
	})
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		return nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

type peerKey struct{}

func (s *Server) getState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.b.State())
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, errors.New("streaming unsupported"))
		return
	}
	ch, cancel := s.b.Subscribe()
	defer cancel()
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	for {
		select {
		case <-r.Context().Done():
			return
		case st := <-ch:
			if err := enc.Encode(st); err != nil {
				return
			}
			fl.Flush()
		}
	}
}

type pauseRequest struct {
	Minutes float64 `json:"minutes"`
}

func (s *Server) pause(w http.ResponseWriter, r *http.Request) {
	var req pauseRequest
	if err := decode(r, &req, true); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	if req.Minutes < 0 || req.Minutes > 7*24*60 {
		writeError(w, http.StatusBadRequest, errors.New("minutes must be between 0 (until resumed) and 10080 (a week)"))
		return
	}
	s.b.Pause(time.Duration(req.Minutes * float64(time.Minute)))
	writeJSON(w, http.StatusOK, s.b.State())
}

func (s *Server) putSettings(w http.ResponseWriter, r *http.Request) {
	var next settings.Settings
	if err := decode(r, &next, false); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	s.updated(w, func(cur *settings.Settings) error { *cur = next; return nil })
}

// SetRequest sets one setting by its JSON key.
type SetRequest struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (s *Server) setSetting(w http.ResponseWriter, r *http.Request) {
	var req SetRequest
	if err := decode(r, &req, false); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	s.updated(w, func(cur *settings.Settings) error { return cur.Set(req.Key, req.Value) })
}

func (s *Server) preset(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decode(r, &req, false); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	s.updated(w, func(cur *settings.Settings) error { return settings.ApplyPreset(cur, req.Name) })
}

func (s *Server) updated(w http.ResponseWriter, fn func(*settings.Settings) error) {
	next, err := s.b.UpdateSettings(fn)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, next)
}

func decode(r *http.Request, v any, emptyOK bool) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) && emptyOK {
			return nil
		}
		return fmt.Errorf("bad request body: %v", err)
	}
	return nil
}

// ErrorBody is every error response.
type ErrorBody struct {
	Error  string          `json:"error"`
	Fields settings.Errors `json:"fields,omitempty"`
}

func writeError(w http.ResponseWriter, code int, err error) {
	body := ErrorBody{Error: err.Error()}
	if es, ok := settings.AsErrors(err); ok {
		body.Fields = es
	}
	writeJSON(w, code, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
