// Package telemetry is the service's Prometheus registry and the
// instruments the HTTP layer, the outbox and the party clients report to.
package telemetry

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"zerovisit/workflow"
)

// Metrics is the service's Prometheus registry and the HTTP instruments.
// It is a value passed around, not a global, so tests can each have one.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	dispatch *prometheus.CounterVec
	parties  *prometheus.HistogramVec
}

// NewMetrics creates a registry with Go runtime and process collectors and
// the HTTP request instruments.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zerovisit_http_requests_total",
			Help: "HTTP requests by method, route template and status code.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "zerovisit_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route template.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
		dispatch: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zerovisit_outbox_attempts_total",
			Help: "Outbox delivery attempts by effect kind and outcome (done, retry, dead).",
		}, []string{"kind", "outcome"}),
		parties: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "zerovisit_party_call_duration_seconds",
			Help:    "Calls to external parties by party and outcome (ok, client_error, server_error, unavailable, circuit_open …).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"party", "outcome"}),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.dispatch, m.parties,
	)
	return m
}

// ObserveDispatch counts one outbox delivery attempt; it is the dispatcher's observer.
func (m *Metrics) ObserveDispatch(kind workflow.EffectKind, outcome workflow.DispatchOutcome) {
	m.dispatch.WithLabelValues(string(kind), string(outcome)).Inc()
}

// ObservePartyCall records one call to an external party; it is the party
// clients' OnCall hook.
func (m *Metrics) ObservePartyCall(party, outcome string, d time.Duration) {
	m.parties.WithLabelValues(party, outcome).Observe(d.Seconds())
}

// WatchOutbox exports the number of outbox entries in each state, read from
// count at every scrape, so dead effects show on a dashboard.
func (m *Metrics) WatchOutbox(count func(ctx context.Context) (map[workflow.OutboxState]int64, error)) {
	m.Registry.MustRegister(&outboxCollector{count: count, desc: prometheus.NewDesc(
		"zerovisit_outbox_entries", "Outbox entries by state.", []string{"state"}, nil)})
}

type outboxCollector struct {
	count func(ctx context.Context) (map[workflow.OutboxState]int64, error)
	desc  *prometheus.Desc
}

func (o *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- o.desc }

func (o *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := o.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(o.desc, err)
		return
	}
	for _, st := range []workflow.OutboxState{workflow.OutboxPending, workflow.OutboxDone, workflow.OutboxDead} {
		ch <- prometheus.MustNewConstMetric(o.desc, prometheus.GaugeValue, float64(counts[st]), string(st))
	}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// ObserveRequest counts a request and its latency by method, route
// template and status.
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}
