package coordinator

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/protocol"
)

// route is one served endpoint; the list is compared with docs/openapi.yaml.
type route struct {
	method, path string // path in OpenAPI form: /v1/jobs/{id}
	auth         bool
	h            func(w http.ResponseWriter, r *http.Request, who common.Address) error
}

// apiError is an error with a status and code for the client.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return &apiError{http.StatusBadRequest, "bad_request", fmt.Sprintf(format, a...)}
}
func notFound(msg string) error { return &apiError{http.StatusNotFound, "not_found", msg} }

func (s *Server) routeList() []route {
	return []route{
		{"GET", "/v1/auth/nonce", false, s.handleNonce},
		{"POST", "/v1/auth/login", false, s.handleLogin},
		{"PUT", "/v1/blobs/{hash}", true, s.handlePutBlob},
		{"GET", "/v1/blobs/{hash}", false, s.handleGetBlob},
		{"POST", "/v1/jobs", true, s.handleSubmit},
		{"GET", "/v1/jobs/{id}", false, s.handleJob},
		{"POST", "/v1/leases", true, s.handleLease},
		{"POST", "/v1/leases/{id}/heartbeat", true, s.handleHeartbeat},
		{"POST", "/v1/leases/{id}/giveback", true, s.handleGiveBack},
		{"POST", "/v1/leases/{id}/result", true, s.handleResult},
		{"GET", "/v1/earnings/{address}", false, s.handleEarnings},
		{"GET", "/v1/vouchers/{address}", false, s.handleVoucher},
		{"GET", "/v1/nodes/{address}", false, s.handleNode},
		{"GET", "/healthz", false, s.handleHealth},
	}
}

func (s *Server) buildHandler() http.Handler {
	mux := http.NewServeMux()
	s.routes = s.routeList()
	for _, rt := range s.routes {
		mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
	}
	metricsH := promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{})
	mux.Handle("GET /metrics", metricsH)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.metrics.requests.WithLabelValues("unknown", "404").Inc()
		writeJSON(w, http.StatusNotFound, protocol.ErrorResponse{Error: "no such endpoint: " + r.Method + " " + truncate(r.URL.Path), Code: "not_found"})
	})
	return mux
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(c int) {
	if w.code == 0 {
		w.code = c
	}
	w.ResponseWriter.WriteHeader(c)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// wrap adds panic recovery, auth, rate limits, metrics and JSON errors.
func (s *Server) wrap(rt route) http.Handler {
	name := rt.method + " " + rt.path
	return http.HandlerFunc(func(w0 http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &statusWriter{ResponseWriter: w0}
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("Handler panicked", "route", name, "panic", fmt.Sprint(p))
				if w.code == 0 {
					writeJSON(w, http.StatusInternalServerError, protocol.ErrorResponse{Error: "internal error", Code: "internal"})
				}
			}
			s.metrics.requests.WithLabelValues(name, strconv.Itoa(w.code)).Inc()
			s.metrics.latency.WithLabelValues(name).Observe(time.Since(start).Seconds())
		}()
		var who common.Address
		key := "ip:" + clientIP(r)
		if rt.auth {
			tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok {
				writeJSON(w, http.StatusUnauthorized, protocol.ErrorResponse{Error: "sign in first: missing bearer token", Code: "unauthorized"})
				return
			}
			a, err := s.auth.verify(tok)
			if err != nil {
				writeJSON(w, http.StatusUnauthorized, protocol.ErrorResponse{Error: err.Error(), Code: "unauthorized"})
				return
			}
			who, key = a, "addr:"+a.Hex()
		}
		if !s.limits.allow(key) {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, protocol.ErrorResponse{Error: "rate limit exceeded, slow down", Code: "rate_limited"})
			return
		}
		if err := rt.h(w, r, who); err != nil {
			s.writeErr(w, r, name, err)
		}
	})
}

func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, route string, err error) {
	var ae *apiError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &mbe):
		ae = &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("request body over %d bytes", mbe.Limit)}
	case errors.Is(err, protocol.ErrInvalid):
		ae = &apiError{http.StatusBadRequest, "bad_request", err.Error()}
	case errors.Is(err, store.ErrNotFound):
		ae = &apiError{http.StatusNotFound, "not_found", err.Error()}
	case errors.Is(err, store.ErrNotYours):
		ae = &apiError{http.StatusForbidden, "forbidden", "lease belongs to another node"}
	case errors.Is(err, store.ErrLeaseGone):
		ae = &apiError{http.StatusConflict, "lease_gone", err.Error()}
	case errors.Is(err, store.ErrTooLarge):
		ae = &apiError{http.StatusRequestEntityTooLarge, "too_large", err.Error()}
	case errors.Is(err, store.ErrConflict):
		ae = &apiError{http.StatusConflict, "conflict", "a different result was already reported for this lease"}
	case r.Context().Err() != nil:
		return // client went away
	default:
		s.log.Error("Request failed", "route", route, "err", err)
		ae = &apiError{http.StatusServiceUnavailable, "unavailable", "coordinator could not complete the request; retry later"}
	}
	writeJSON(w, ae.status, protocol.ErrorResponse{Error: ae.msg, Code: ae.code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads one JSON object with no unknown fields within the body limit.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest("request body is not the expected JSON: %s", truncate(err.Error()))
	}
	if dec.More() {
		return badRequest("request body has data after the JSON object")
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return err
	}
	return nil
}

// decodeOptional is decode for a body that may be empty (or only white
// space), which leaves v as it is.
func (s *Server) decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	br := bufio.NewReader(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	for {
		b, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			_ = br.UnreadByte()
			break
		}
	}
	r.Body = io.NopCloser(br)
	return s.decode(w, r, v)
}

func pathAddress(r *http.Request) (common.Address, error) {
	a := r.PathValue("address")
	if !common.IsHexAddress(a) {
		return common.Address{}, badRequest("%q is not an address", truncate(a))
	}
	return common.HexToAddress(a), nil
}

func pathHash(r *http.Request) (string, error) {
	h := r.PathValue("hash")
	if !protocol.ValidHash(h) {
		return "", badRequest("blob address must be a lower-case hex sha256")
	}
	return h, nil
}

func pathID(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !validID(id) {
		return "", notFound("no such id")
	}
	return id, nil
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	if _, err := s.store.Stats(r.Context()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) handleNonce(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	writeJSON(w, http.StatusOK, protocol.NonceResponse{Nonce: s.auth.nonce(), Domain: s.auth.domain, URI: s.auth.uri, ChainID: s.auth.chainID})
	return nil
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	var req protocol.LoginRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	resp, err := s.auth.login(req)
	if err != nil {
		return &apiError{http.StatusUnauthorized, "unauthorized", "sign-in refused: " + err.Error()}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) handlePutBlob(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	h, err := pathHash(r)
	if err != nil {
		return err
	}
	if r.ContentLength > s.cfg.MaxBlobBytes {
		return &apiError{http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("blob over %d bytes", s.cfg.MaxBlobBytes)}
	}
	if _, err := s.blobSize(r.Context(), h); err == nil {
		w.WriteHeader(http.StatusNoContent) // already here
		return nil
	}
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBlobBytes)
	head, err := io.ReadAll(io.LimitReader(body, inlineBlobMax+1))
	if err != nil {
		return err
	}
	if len(head) <= inlineBlobMax {
		sum := sha256.Sum256(head)
		if hex.EncodeToString(sum[:]) != h {
			return badRequest("blob content does not match its sha256 %s", h)
		}
		if err := s.store.PutBlob(r.Context(), h, head); err != nil {
			return err
		}
	} else {
		err = s.blobs.put(h, io.MultiReader(bytes.NewReader(head), body))
		if errors.Is(err, errHashMismatch) {
			return badRequest("blob content does not match its sha256 %s", h)
		}
		if err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// blobSize finds a blob in the store or on disk.
func (s *Server) blobSize(ctx context.Context, h string) (int64, error) {
	n, err := s.store.BlobSize(ctx, h)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return n, err
	}
	return s.blobs.size(h)
}

func (s *Server) handleGetBlob(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	h, err := pathHash(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	data, err := s.store.Blob(r.Context(), h)
	if err == nil {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	f, err := s.blobs.open(h)
	if errors.Is(err, errBlobMissing) {
		return notFound("no blob " + h)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request, who common.Address) error {
	var req protocol.SubmitRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	now := s.cfg.Now()
	jobs := make([]store.NewJob, len(req.Jobs))
	ids := make([]string, len(req.Jobs))
	checked := map[string]bool{}
	for i, spec := range req.Jobs {
		if !spec.Deadline.After(now) || spec.Deadline.After(now.Add(s.cfg.MaxJobWindow)) {
			return badRequest("jobs[%d]: deadline must be in the future and within %s", i, s.cfg.MaxJobWindow)
		}
		for _, h := range []string{spec.Module, spec.Input} {
			if h == "" || checked[h] {
				continue
			}
			if _, err := s.blobSize(r.Context(), h); err != nil {
				return badRequest("jobs[%d]: blob %s is not uploaded", i, h)
			}
			checked[h] = true
		}
		ids[i] = newID()
		jobs[i] = store.NewJob{ID: ids[i], Requester: who.Hex(), Spec: spec,
			Cap: min(spec.Replicas+s.cfg.ExtraReplicas, protocol.MaxReplicas)}
	}
	limit, err := s.admit(r.Context(), jobs)
	if err != nil {
		return err
	}
	if err := s.store.CreateJobs(r.Context(), jobs, now, limit); err != nil {
		var be *store.BudgetError
		if errors.As(err, &be) {
			s.log.Info("Jobs refused: over the reward pool", "requester", who.Hex(), "count", len(jobs), "asked", be.Asked.String(), "available", be.Available().String())
			return s.overBudget(be, jobs)
		}
		return err
	}
	s.metrics.jobs.Add(float64(len(jobs)))
	s.log.Info("Jobs submitted", "requester", who.Hex(), "count", len(jobs))
	s.signal()
	writeJSON(w, http.StatusCreated, protocol.SubmitResponse{JobIDs: ids})
	return nil
}

func (s *Server) handleJob(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	j, err := s.store.Job(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, protocol.JobStatus{ID: j.ID, Requester: j.Requester, Spec: j.Spec, State: j.State,
		OutputHash: j.OutputHash, Error: j.Error, Target: j.Target, Results: j.Results, CreatedAt: j.CreatedAt, DoneAt: j.DoneAt, Suspended: j.Suspended})
	return nil
}

func (s *Server) handleLease(w http.ResponseWriter, r *http.Request, who common.Address) error {
	var req protocol.LeaseRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	resp := protocol.LeaseResponse{Assignments: []protocol.Assignment{}}
	wasi := false
	for _, rt := range req.Capabilities.Runtimes {
		wasi = wasi || rt == protocol.RuntimeWASI
	}
	if !wasi {
		writeJSON(w, http.StatusOK, resp) // nothing this node can run
		return nil
	}
	ctx := r.Context()
	stake, err := s.stake.get(ctx, who)
	if err != nil {
		s.log.Warn("Stake read failed", "node", who.Hex(), "err", err)
	}
	tier := StakeTier(stake, s.cfg.StakeUnit)
	q := store.LeaseQuery{Node: who.Hex(), Max: req.Max, MemoryBytes: req.Capabilities.MemoryMB << 20,
		TTL: s.cfg.LeaseTTL, TrustAfter: s.cfg.TrustAfter, SpotCheck: s.spotCheck, NewID: newID,
		Profile: req.Capabilities.Sandbox}
	deadline := time.NewTimer(time.Duration(req.WaitSeconds) * time.Second)
	defer deadline.Stop()
	for {
		wake := s.waitCh()
		q.Now = s.cfg.Now()
		leases, err := s.store.Lease(ctx, q)
		if err != nil {
			return err
		}
		if len(leases) > 0 {
			for _, l := range leases {
				resp.Assignments = append(resp.Assignments, protocol.Assignment{LeaseID: l.ID, JobID: l.JobID, Spec: l.Spec, Deadline: l.Deadline.UTC()})
			}
			s.metrics.leased.Add(float64(len(leases)))
			writeJSON(w, http.StatusOK, resp)
			return nil
		}
		select {
		case <-wake:
			// Staked nodes pick first: the others hold back a little.
			if d := s.cfg.PriorityDelay * time.Duration(MaxStakeTier-tier); d > 0 {
				select {
				case <-time.After(d):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		case <-deadline.C:
			writeJSON(w, http.StatusOK, resp)
			return nil
		case <-s.closing: // shutting down: answer now, the node polls again later
			writeJSON(w, http.StatusOK, resp)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) handleHeartbeat(w http.ResponseWriter, r *http.Request, who common.Address) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// The body is optional: old nodes send none.
	var req protocol.HeartbeatRequest
	if err := s.decodeOptional(w, r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	now := s.cfg.Now()
	dl := now.Add(s.cfg.LeaseTTL)
	if err := s.store.Heartbeat(r.Context(), id, who.Hex(), dl, now, req.State); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, protocol.LeaseState{LeaseID: id, Deadline: dl.UTC()})
	return nil
}

func (s *Server) handleGiveBack(w http.ResponseWriter, r *http.Request, who common.Address) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.store.GiveBack(r.Context(), id, who.Hex(), s.cfg.Now()); err != nil {
		return err
	}
	s.signal()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleResult(w http.ResponseWriter, r *http.Request, who common.Address) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var rep protocol.ResultReport
	if err := s.decode(w, r, &rep); err != nil {
		return err
	}
	if err := rep.Validate(); err != nil {
		return err
	}
	size, err := s.blobSize(r.Context(), rep.OutputHash)
	if err != nil {
		return badRequest("output blob %s is not uploaded: upload it first", rep.OutputHash)
	}
	ctx := r.Context()
	stake, err := s.stake.get(ctx, who)
	if err != nil {
		s.log.Warn("Stake read failed", "node", who.Hex(), "err", err)
	}
	out, err := s.store.Report(ctx, store.Report{LeaseID: id, Node: who.Hex(), OutputHash: rep.OutputHash, OutputBytes: size, Metrics: rep.Metrics,
		BonusBP: BonusBP(StakeTier(stake, s.cfg.StakeUnit)), Now: s.cfg.Now()})
	if err != nil {
		return err
	}
	if !out.Replay {
		s.metrics.results.WithLabelValues(out.Verdict).Inc()
	}
	if out.Settled {
		s.metrics.settled.WithLabelValues(out.JobState).Inc()
		s.log.Debug("Job settled", "jobID", out.JobID, "state", out.JobState, "credited", len(out.Credited), "rejected", len(out.Rejected))
		for _, rj := range out.Rejected {
			s.log.Warn("Wrong result rejected", "jobID", out.JobID, "node", rj.Node)
			s.slash(out.JobID, out.AcceptedHash, rj)
		}
	}
	if out.MoreReplicas {
		s.signal()
	}
	writeJSON(w, http.StatusOK, protocol.ResultAck{JobID: out.JobID, JobState: out.JobState, Verdict: out.Verdict})
	return nil
}

// slash asks the Slasher, in the background, to take a share of a staked
// node's stake for a rejected result.
func (s *Server) slash(jobID, accepted string, rj store.Rejected) {
	if s.cfg.Slasher == nil {
		return
	}
	node := common.HexToAddress(rj.Node)
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		stake, err := s.stake.get(ctx, node)
		if err != nil || stake.Sign() <= 0 {
			return
		}
		amount := new(big.Int).Mul(stake, big.NewInt(s.cfg.SlashBP))
		amount.Quo(amount, big.NewInt(10000))
		evidence, _ := json.Marshal(map[string]string{"job_id": jobID, "accepted_hash": accepted, "node_hash": rj.OutputHash})
		if err := s.cfg.Slasher.Slash(ctx, node, amount, evidence); err != nil {
			s.log.Error("Slash failed", "node", node.Hex(), "jobID", jobID, "err", err)
			return
		}
		s.log.Warn("Node slashed", "node", node.Hex(), "jobID", jobID, "amount", amount.String())
	}()
}

func (s *Server) handleEarnings(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	a, err := pathAddress(r)
	if err != nil {
		return err
	}
	credits, total, err := s.store.Credits(r.Context(), a.Hex(), 0)
	if err != nil {
		return err
	}
	e := protocol.Earnings{Address: a.Hex(), Total: total.String(), ByDay: []protocol.DayEarning{}, Jobs: []protocol.JobEarning{}}
	days := map[string]*big.Int{}
	var order []string
	for _, c := range credits {
		d := c.At.UTC().Format("2006-01-02")
		if days[d] == nil {
			days[d] = new(big.Int)
			order = append(order, d)
		}
		days[d].Add(days[d], c.Amount)
		if len(e.Jobs) < 1000 {
			e.Jobs = append(e.Jobs, protocol.JobEarning{JobID: c.JobID, Amount: c.Amount.String(), At: c.At.UTC()})
		}
	}
	for _, d := range order {
		e.ByDay = append(e.ByDay, protocol.DayEarning{Day: d, Amount: days[d].String()})
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) handleVoucher(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	a, err := pathAddress(r)
	if err != nil {
		return err
	}
	if s.cfg.Vouchers == nil {
		return &apiError{http.StatusNotFound, "vouchers_disabled", "this coordinator signs no vouchers (no reward pool configured)"}
	}
	_, total, err := s.store.Credits(r.Context(), a.Hex(), 1)
	if err != nil {
		return err
	}
	v, err := s.cfg.Vouchers.SignVoucher(r.Context(), a, total)
	if err != nil {
		return fmt.Errorf("sign voucher: %w", err)
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) handleNode(w http.ResponseWriter, r *http.Request, _ common.Address) error {
	a, err := pathAddress(r)
	if err != nil {
		return err
	}
	n, err := s.store.Node(r.Context(), a.Hex())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, protocol.NodeInfo{Address: a.Hex(), Valid: n.Valid, Invalid: n.Invalid,
		Trusted: n.Trusted(s.cfg.TrustAfter), Flagged: n.Invalid > 0})
	return nil
}
