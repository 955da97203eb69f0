package coordinator

import (
	"context"
	"math/big"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/idlenode/idlenode/coordinator/store"
	"github.com/idlenode/idlenode/internal/buildinfo"
)

type metrics struct {
	requests *prometheus.CounterVec   // route, code
	latency  *prometheus.HistogramVec // route
	leased   prometheus.Counter
	expired  prometheus.Counter
	results  *prometheus.CounterVec // verdict
	settled  *prometheus.CounterVec // state
	jobs     prometheus.Counter
}

func newMetrics(reg *prometheus.Registry, st store.Store) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "idlenode_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "idlenode_http_request_seconds", Help: "HTTP request latency by route (long polls included).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18)}, []string{"route"}),
		leased:  prometheus.NewCounter(prometheus.CounterOpts{Name: "idlenode_leases_total", Help: "Assignments handed out."}),
		expired: prometheus.NewCounter(prometheus.CounterOpts{Name: "idlenode_leases_expired_total", Help: "Leases expired and requeued by the sweeper."}),
		results: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "idlenode_results_total", Help: "Results reported, by the replica's verdict at report time."}, []string{"verdict"}),
		settled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "idlenode_jobs_settled_total", Help: "Jobs validated or failed by a result."}, []string{"state"}),
		jobs:    prometheus.NewCounter(prometheus.CounterOpts{Name: "idlenode_jobs_submitted_total", Help: "Jobs submitted."}),
	}
	jobsGauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "idlenode_jobs_open", Help: "Jobs waiting for a quorum."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s, err := st.Stats(ctx)
		if err != nil {
			return -1
		}
		return float64(s.Open)
	})
	suspendedGauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "idlenode_leases_suspended", Help: "Active leases whose node said it suspended the replica."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s, err := st.Stats(ctx)
		if err != nil {
			return -1
		}
		return float64(s.SuspendedLeases)
	})
	// What the ledger has promised, for watching the reward pool's room.
	// Gauges are floats: close enough for a dashboard; the ledger and the
	// API keep exact integers.
	commitment := func(name, help string, pick func(store.Commitments) *big.Int) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			c, err := st.Commitments(ctx)
			if err != nil || pick(c) == nil {
				return -1
			}
			f, _ := new(big.Float).SetInt(pick(c)).Float64()
			return f
		})
	}
	credited := commitment("idlenode_ledger_credited_base_units", "Every credit ever written, in base units (approximate).",
		func(c store.Commitments) *big.Int { return c.Credited })
	reserved := commitment("idlenode_ledger_reserved_base_units", "The worst-case payout reserved by open jobs, in base units (approximate).",
		func(c store.Commitments) *big.Int { return c.Reserved })
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{Name: "idlenode_build_info", Help: "Always 1; the version label names the running build (\"dev\" for an unreleased one).",
		ConstLabels: prometheus.Labels{"version": buildinfo.Version}})
	buildInfo.Set(1)
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.leased, m.expired, m.results, m.settled, m.jobs, jobsGauge, suspendedGauge, credited, reserved, buildInfo,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
