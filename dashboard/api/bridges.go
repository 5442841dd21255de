package api

import (
	"context"
	"slices"
	"time"

	"github.com/imscope/imscope/analytics"
)

// defaultTrafficSpan is the window bridge endpoints show without from: the
// last day up to now, what an operator watching live traffic wants.
const defaultTrafficSpan = 24 * time.Hour

// Traffic is the health of some interop traffic; it is inlined into
// routes, bridges and series points.
type Traffic struct {
	Messages     uint64   `json:"messages"` // tried, delivered or not
	Failures     uint64   `json:"failures"`
	Bytes        uint64   `json:"bytes"`
	Rate         float64  `json:"rate"`          // messages per second over the span
	FailureRatio *float64 `json:"failure_ratio"` // failures / messages
	// Latency quantiles in microseconds, from merged histograms; *AtLeast
	// is true when the quantile fell in the +Inf bucket (the value is then
	// the highest finite bound). Null without observations.
	P50US         *float64 `json:"p50_us"`
	P50AtLeast    *bool    `json:"p50_at_least"`
	P95US         *float64 `json:"p95_us"`
	P95AtLeast    *bool    `json:"p95_at_least"`
	P99US         *float64 `json:"p99_us"`
	P99AtLeast    *bool    `json:"p99_at_least"`
	MeanLatencyUS *float64 `json:"mean_latency_us"`
}

func quantile(q *analytics.LatencyQuantile) (*float64, *bool) {
	if q == nil {
		return nil, nil
	}
	return &q.Micros, &q.AtLeast
}

func traffic(t analytics.Traffic) Traffic {
	out := Traffic{Messages: t.Messages, Failures: t.Failures, Bytes: t.Bytes, Rate: t.Rate, FailureRatio: t.FailureRatio, MeanLatencyUS: t.MeanLatency}
	out.P50US, out.P50AtLeast = quantile(t.P50)
	out.P95US, out.P95AtLeast = quantile(t.P95)
	out.P99US, out.P99AtLeast = quantile(t.P99)
	return out
}

func (t Traffic) cells() []any {
	return []any{t.Messages, t.Failures, t.Bytes, t.Rate, t.FailureRatio, t.P50US, t.P50AtLeast, t.P95US, t.P95AtLeast, t.P99US, t.P99AtLeast, t.MeanLatencyUS}
}

var trafficColumns = []Column{
	{"messages", "integer", "messages tried, delivered or not"},
	{"failures", "integer", "messages not delivered"},
	{"bytes", "integer", "bytes carried"},
	{"rate", "number", "messages per second over the span"},
	{"failure_ratio", "number", "failures / messages; empty without messages"},
	{"p50_us", "number", "median latency, µs"},
	{"p50_at_least", "boolean", "the median fell in the +Inf bucket"},
	{"p95_us", "number", "95th percentile latency, µs"},
	{"p95_at_least", "boolean", "the p95 fell in the +Inf bucket"},
	{"p99_us", "number", "99th percentile latency, µs"},
	{"p99_at_least", "boolean", "the p99 fell in the +Inf bucket"},
	{"mean_latency_us", "number", "mean latency, µs"},
}

// Route is the health of one route (bridge, from, to) over the span.
type Route struct {
	Bridge      string `json:"bridge"`
	FromNetwork string `json:"from_network"`
	ToNetwork   string `json:"to_network"`
	Traffic
	TrafficShare *float64 `json:"traffic_share"` // percent of all interop messages in the span
	Intervals    int      `json:"intervals"`
}

// Uptime is how long a bridge was up, from its state events.
type Uptime struct {
	Uptime         *float64 `json:"uptime"` // up / (up + down), fraction
	UpSeconds      float64  `json:"up_seconds"`
	DownSeconds    float64  `json:"down_seconds"`
	UnknownSeconds float64  `json:"unknown_seconds"`
	Coverage       float64  `json:"coverage"` // (up + down) / span
	Changes        int      `json:"changes"`
}

// Bridge is the health of one bridge over the span, with its uptime.
type Bridge struct {
	Bridge string `json:"bridge"`
	Routes int    `json:"routes"`
	Traffic
	TrafficShare *float64 `json:"traffic_share"`
	Intervals    int      `json:"intervals"`
	// Uptime is null for a bridge that reported no state.
	Uptime *Uptime `json:"uptime"`
}

// BridgesData answers /bridges.
type BridgesData struct {
	Seconds  float64  `json:"seconds"`  // the span
	Messages uint64   `json:"messages"` // every route's messages in the span
	Routes   []Route  `json:"routes"`   // busiest first
	Bridges  []Bridge `json:"bridges"`  // busiest first, then bridges with states only
	// UptimeError says why uptime is missing when the states could not be
	// read; "" normally.
	UptimeError string `json:"uptime_error"`

	// report is the answer as analytics gave it, for the pages' figures
	// that derive from it (links between networks, the failure ratio).
	report analytics.BridgeReport
}

// Report is the answer as analytics gave it: the pages derive the links
// between networks and the failure ratio from it, not from the JSON.
func (d BridgesData) Report() analytics.BridgeReport { return d.report }

// Rows gives the cells of the CSV table named, in its declared columns.
func (d BridgesData) Rows(table string) [][]any {
	var out [][]any
	if table == "bridges" {
		for _, b := range d.Bridges {
			r := append([]any{b.Bridge, b.Routes}, b.cells()...)
			r = append(r, b.TrafficShare, b.Intervals)
			if u := b.Uptime; u != nil {
				r = append(r, u.Uptime, u.UpSeconds, u.DownSeconds, u.UnknownSeconds, u.Coverage, u.Changes)
			} else {
				r = append(r, nil, nil, nil, nil, nil, nil)
			}
			out = append(out, r)
		}
		return out
	}
	for _, rt := range d.Routes {
		r := append([]any{rt.Bridge, rt.FromNetwork, rt.ToNetwork}, rt.cells()...)
		out = append(out, append(r, rt.TrafficShare, rt.Intervals))
	}
	return out
}

func concat(parts ...[]Column) []Column { return slices.Concat(parts...) }

var bridgesEndpoint = &Endpoint{
	Path:    "/bridges",
	Summary: "Health per route and per bridge over a span, with uptime",
	Description: "rate = messages / span seconds; failure ratio = failures / messages; traffic share = route messages / all messages × 100; " +
		"p50/p95/p99 from the bucket-wise sum of the latency histograms. Uptime = up / (up + down) from bridge state events. " +
		"Default span: the 24 hours up to now; a `to` in the future is cut to now. `networks` keeps routes touching a selected network.",
	Uses: []string{ParamFrom, ParamTo, ParamNetworks},
	Tables: []Table{
		{Name: "routes", Doc: "one row per route (bridge, from, to)", Columns: concat(
			[]Column{{"bridge", "string", "bridge id"}, {"from_network", "string", "sending network"}, {"to_network", "string", "receiving network"}},
			trafficColumns,
			[]Column{{"traffic_share", "number", "percent of all interop messages in the span"}, {"intervals", "integer", "samples merged"}},
		)},
		{Name: "bridges", Doc: "one row per bridge", Columns: concat(
			[]Column{{"bridge", "string", "bridge id"}, {"routes", "integer", "routes with traffic"}},
			trafficColumns,
			[]Column{{"traffic_share", "number", "percent of all interop messages"}, {"intervals", "integer", "samples merged"},
				{"uptime", "number", "up / (up + down), fraction; empty without states"},
				{"up_seconds", "number", "seconds up"}, {"down_seconds", "number", "seconds down"}, {"unknown_seconds", "number", "seconds before the first state"},
				{"coverage", "number", "(up + down) / span"}, {"changes", "integer", "state changes in the span"}},
		)},
	},
	Data: BridgesData{},
}

type spanParams struct {
	span analytics.Span
	now  time.Time
}

func (a *API) bindSpan(q *request, sh shared) (spanParams, error) {
	span, err := q.spanFilter(sh, defaultTrafficSpan)
	if err != nil {
		return spanParams{}, err
	}
	q.setNetworks(sh.networks)
	return spanParams{span: span, now: q.now}, nil
}

func (a *API) registerBridges() {
	register(a, bridgesEndpoint,
		func(_ context.Context, q *request, sh shared) (spanParams, error) { return a.bindSpan(q, sh) },
		func(ctx context.Context, p spanParams) (Result, error) {
			rep, err := analytics.BridgeHealthIn(ctx, a.engine, p.span, p.now)
			if err != nil {
				return nil, err
			}
			d := BridgesData{Seconds: rep.Seconds, Messages: rep.Messages, Routes: make([]Route, len(rep.Routes)), Bridges: make([]Bridge, 0, len(rep.Bridges)), report: rep.BridgeReport}
			if rep.UptimeErr != nil {
				a.log.Error("cannot compute bridge uptime; answering without it", "err", rep.UptimeErr)
				d.UptimeError = "bridge states could not be read; uptime is missing"
			}
			for i, r := range rep.Routes {
				d.Routes[i] = Route{Bridge: r.Bridge, FromNetwork: r.From, ToNetwork: r.To, Traffic: traffic(r.Traffic), TrafficShare: r.TrafficShare, Intervals: r.Intervals}
			}
			for _, b := range rep.Statuses() {
				bj := Bridge{Bridge: b.Bridge, Routes: b.Routes, Traffic: traffic(b.Traffic), TrafficShare: b.TrafficShare, Intervals: b.Intervals}
				if u := b.Uptime; u != nil {
					bj.Uptime = &Uptime{Uptime: u.Uptime, UpSeconds: u.Up.Seconds(), DownSeconds: u.Down.Seconds(), UnknownSeconds: u.Unknown.Seconds(), Coverage: u.Coverage, Changes: u.Changes}
				}
				d.Bridges = append(d.Bridges, bj)
			}
			return d, nil
		})
}
