package coordinator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/idlenode/idlenode/coordinator/store"
)

// Config configures a Server. Store and DataDir are required; the rest
// has defaults (see withDefaults).
type Config struct {
	Store   store.Store
	DataDir string // blobs live under DataDir/blobs
	Logger  *slog.Logger

	// PublicURL is where clients reach this coordinator; its host is the
	// SIWE domain and the URL the SIWE URI. Default "http://" + Addr.
	PublicURL string
	ChainID   uint64 // SIWE chain id; 0 when the network has no chain yet

	// RelaxedSync skips fsync of blobs: they survive a process crash but
	// not a power loss. Pair it with the SQLite store's synchronous=NORMAL.
	RelaxedSync bool

	Addr     string       // listen address for Run; "" with no Listener: Run serves nothing
	Listener net.Listener // used instead of Addr when set

	LeaseTTL      time.Duration // default 60 s; heartbeats extend by this much
	TokenTTL      time.Duration // default 15 min
	ExpireEvery   time.Duration // default 1 s
	MaxBodyBytes  int64         // JSON bodies, default 1 MiB
	MaxBlobBytes  int64         // default 64 MiB
	MaxJobWindow  time.Duration // latest allowed deadline from now, default 30 days
	ExtraReplicas int           // replicas beyond the request before failing, default 2
	TrustAfter    int64         // clean accepted replicas before single-replica jobs, default 20; <0 disables
	SpotCheckRate float64       // fraction of a trusted node's jobs still replicated, default 0.1
	RateLimit     rate.Limit    // requests per second per client, default 50; rate.Inf: no limit
	RateBurst     int           // default 100

	// MaxReward is the largest reward per replica a job may offer, in
	// base units; default 1e18 (1 token); zero or less: no maximum.
	MaxReward *big.Int
	// Pool reads the RewardPool: a submission is refused when the most
	// its jobs can credit, plus everything credited and the most open
	// jobs can still credit, exceeds what the pool can pay. nil: no
	// pool, no such limit.
	Pool         PoolReader
	PoolCacheTTL time.Duration // default 5 s

	Vouchers      VoucherSigner // nil: vouchers off
	Stake         StakeReader   // nil: nobody has stake
	Slasher       Slasher       // nil: no slashing
	StakeUnit     *big.Int      // stake per tier, default 1e18 base units
	StakeCacheTTL time.Duration // default 5 min
	SlashBP       int64         // share of stake slashed per wrong result, basis points, default 1000
	// PriorityDelay is how long a woken long-poll waits per stake tier
	// below the top before taking work, so staked nodes pick first.
	// Default 10 ms.
	PriorityDelay time.Duration

	Registry *prometheus.Registry // default: a new one, served at /metrics
	Now      func() time.Time     // default time.Now
}

func (c *Config) withDefaults() error {
	if c.Store == nil {
		return errors.New("config: Store is required")
	}
	if c.DataDir == "" {
		return errors.New("config: DataDir is required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.LeaseTTL, 60*time.Second)
	def(&c.TokenTTL, 15*time.Minute)
	def(&c.ExpireEvery, time.Second)
	def(&c.MaxJobWindow, 30*24*time.Hour)
	def(&c.StakeCacheTTL, 5*time.Minute)
	def(&c.PriorityDelay, 10*time.Millisecond)
	def(&c.PoolCacheTTL, 5*time.Second)
	if c.MaxReward == nil {
		c.MaxReward = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.MaxBlobBytes <= 0 {
		c.MaxBlobBytes = 64 << 20
	}
	if c.ExtraReplicas <= 0 {
		c.ExtraReplicas = 2
	}
	if c.TrustAfter == 0 {
		c.TrustAfter = 20
	}
	if c.TrustAfter < 0 {
		c.TrustAfter = 0
	}
	if c.SpotCheckRate == 0 {
		c.SpotCheckRate = 0.1
	}
	if c.SpotCheckRate < 0 || c.SpotCheckRate > 1 {
		return errors.New("config: SpotCheckRate must be in 0..1")
	}
	if c.RateLimit == 0 {
		c.RateLimit = 50
	}
	if c.RateLimit < 0 || c.RateBurst < 0 {
		return errors.New("config: RateLimit and RateBurst must not be negative")
	}
	if c.RateBurst == 0 {
		c.RateBurst = 100
	}
	if c.StakeUnit == nil {
		c.StakeUnit = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	}
	if c.SlashBP == 0 {
		c.SlashBP = 1000
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.PublicURL == "" {
		host := c.Addr
		if c.Listener != nil {
			host = c.Listener.Addr().String()
		}
		if host == "" {
			host = "localhost"
		}
		c.PublicURL = "http://" + host
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("config: PublicURL %q is not a URL", c.PublicURL)
	}
	return nil
}

// Server is the coordinator. Build it with New.
type Server struct {
	cfg     Config
	log     *slog.Logger
	store   store.Store
	blobs   *blobStore
	auth    *auth
	stake   *stakeCache
	pool    *poolCache
	metrics *metrics
	limits  *limiter
	handler http.Handler
	routes  []route

	wakeMu sync.Mutex
	wake   chan struct{} // closed and replaced when work appears

	closing   chan struct{} // closed when Run begins shutting down: long polls end
	closeOnce sync.Once

	bg sync.WaitGroup // slashing calls in flight
}

// New builds a server; it reads or creates the token key in the store.
func New(cfg Config) (*Server, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, fmt.Errorf("new coordinator: %w", err)
	}
	blobs, err := newBlobStore(cfg.DataDir + "/blobs")
	if err != nil {
		return nil, fmt.Errorf("new coordinator: %w", err)
	}
	blobs.noSync = cfg.RelaxedSync
	ctx := context.Background()
	key, err := cfg.Store.Meta(ctx, "token_key")
	if errors.Is(err, store.ErrNotFound) {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
		err = cfg.Store.SetMeta(ctx, "token_key", key)
	}
	if err != nil {
		return nil, fmt.Errorf("new coordinator: token key: %w", err)
	}
	u, _ := url.Parse(cfg.PublicURL)
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		store: cfg.Store,
		blobs: blobs,
		auth: &auth{key: key, ttl: cfg.TokenTTL, domain: u.Host, uri: cfg.PublicURL, chainID: cfg.ChainID,
			now: cfg.Now, nonces: map[string]time.Time{}},
		stake:   &stakeCache{r: cfg.Stake, ttl: cfg.StakeCacheTTL, now: cfg.Now, m: map[common.Address]stakeEntry{}},
		pool:    &poolCache{r: cfg.Pool, ttl: cfg.PoolCacheTTL, now: cfg.Now, log: cfg.Logger},
		limits:  newLimiter(cfg.RateLimit, cfg.RateBurst),
		wake:    make(chan struct{}),
		closing: make(chan struct{}),
	}
	s.metrics, err = newMetrics(cfg.Registry, cfg.Store)
	if err != nil {
		return nil, fmt.Errorf("new coordinator: %w", err)
	}
	s.handler = s.buildHandler()
	return s, nil
}

// Handler serves the API, /metrics and /healthz.
func (s *Server) Handler() http.Handler { return s.handler }

// URL is the public URL clients sign in against.
func (s *Server) URL() string { return s.cfg.PublicURL }

// Run expires leases in the background and serves HTTP when an address or
// listener is configured, until ctx ends; then it shuts down gracefully
// (in-flight requests get 10 s) and returns nil.
func (s *Server) Run(ctx context.Context) error {
	var srv *http.Server
	errc := make(chan error, 1)
	if s.cfg.Listener != nil || s.cfg.Addr != "" {
		ln := s.cfg.Listener
		if ln == nil {
			var err error
			if ln, err = net.Listen("tcp", s.cfg.Addr); err != nil {
				return fmt.Errorf("run coordinator: %w", err)
			}
		}
		srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
		s.log.Info("Coordinator listening", "addr", ln.Addr().String(), "url", s.cfg.PublicURL)
		go func() { errc <- srv.Serve(ln) }()
	}
	t := time.NewTicker(s.cfg.ExpireEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.log.Info("Coordinator shutting down")
			s.closeOnce.Do(func() { close(s.closing) })
			if srv != nil {
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				err := srv.Shutdown(sctx)
				cancel()
				if err != nil {
					s.log.Warn("Shutdown incomplete", "err", err)
				}
			}
			s.bg.Wait()
			return nil
		case err := <-errc:
			return fmt.Errorf("run coordinator: %w", err)
		case <-t.C:
			st, err := s.store.Expire(ctx, s.cfg.Now())
			if err != nil {
				if ctx.Err() == nil {
					s.log.Error("Expire leases failed", "err", err)
				}
				continue
			}
			if st.Leases > 0 || st.Jobs > 0 {
				s.log.Info("Leases expired", "leases", st.Leases, "jobsFailed", st.Jobs)
				s.metrics.expired.Add(float64(st.Leases))
				s.signal()
			}
		}
	}
}

// signal wakes every long-poll.
func (s *Server) signal() {
	s.wakeMu.Lock()
	close(s.wake)
	s.wake = make(chan struct{})
	s.wakeMu.Unlock()
}

func (s *Server) waitCh() <-chan struct{} {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	return s.wake
}

func newID() string { return randHex(16) }

func (s *Server) spotCheck() bool { return mrand.Float64() < s.cfg.SpotCheckRate }

// idHex checks an id from a path: 32 lower-case hex characters.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

// Routes lists the served endpoints as "METHOD /path" in OpenAPI form.
func (s *Server) Routes() []string {
	out := make([]string, 0, len(s.routes)+1)
	for _, r := range s.routes {
		out = append(out, r.method+" "+r.path)
	}
	return append(out, "GET /metrics")
}

// Wait blocks until background calls to the hooks (slashing) are done.
func (s *Server) Wait() { s.bg.Wait() }
