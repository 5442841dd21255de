package api

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/respond"
)

const ParamStep = "step"

// Steps of a bridge series: the rollup is per minute, so a step is whole
// minutes; a series has at most maxSteps points per route.
const maxSteps = 5000

// stepLadder are the default steps: the finest that keeps a series under
// 300 points per route.
var stepLadder = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// SeriesPoint is one route's traffic in one step.
type SeriesPoint struct {
	TS          time.Time `json:"ts"` // start of the step
	Bridge      string    `json:"bridge"`
	FromNetwork string    `json:"from_network"`
	ToNetwork   string    `json:"to_network"`
	Traffic
	TrafficShare *float64 `json:"traffic_share"` // percent of the step's interop messages
}

// BridgeSeriesData answers /bridges/series.
type BridgeSeriesData struct {
	StepSeconds int64         `json:"step_seconds"`
	Points      []SeriesPoint `json:"points"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d BridgeSeriesData) Rows(string) [][]any {
	out := make([][]any, len(d.Points))
	for i, p := range d.Points {
		out[i] = append(append([]any{p.TS, p.Bridge, p.FromNetwork, p.ToNetwork}, p.cells()...), p.TrafficShare)
	}
	return out
}

var bridgeSeriesEndpoint = &Endpoint{
	Path:    "/bridges/series",
	Summary: "Each route's traffic per time step, for charts",
	Description: "One point per route and step that carried traffic (steps without traffic are absent, not zero), with the step's rate, " +
		"failure ratio, latency quantiles and traffic share, computed as /bridges computes them over one step (a step cut by from or to is measured over the part inside). Default span: the 24 hours up to now; default step: the finest of 1m, 5m, 15m, 1h, 6h, 1d, 7d giving at most 300 points per route.",
	Uses: []string{ParamFrom, ParamTo, ParamNetworks},
	Params: []paramDoc{
		{Name: ParamStep, Type: "string", Doc: "step length as a Go duration in whole minutes (5m, 1h, 24h); at most 5000 steps in the span"},
	},
	Tables: []Table{{Name: "points", Doc: "one row per route and step", Columns: concat(
		[]Column{{"ts", "date-time", "start of the step"}, {"bridge", "string", "bridge id"}, {"from_network", "string", "sending network"}, {"to_network", "string", "receiving network"}},
		trafficColumns,
		[]Column{{"traffic_share", "number", "percent of the step's interop messages"}},
	)}},
	Data: BridgeSeriesData{},
}

type seriesParams struct {
	spanParams
	step time.Duration
}

// parseStep reads `step`, or picks one from the ladder for the span.
func (q *request) parseStep(span time.Duration) (time.Duration, error) {
	s := q.raw(ParamStep)
	var step time.Duration
	if s == "" {
		step = stepLadder[len(stepLadder)-1]
		for _, st := range stepLadder {
			if span/st <= 300 {
				step = st
				break
			}
		}
	} else {
		var err error
		if step, err = time.ParseDuration(s); err != nil {
			return 0, invalid(ParamStep, fmt.Sprintf("%s is not a duration such as 5m or 1h", respond.Quote(s)))
		}
		if step < time.Minute || step%time.Minute != 0 {
			return 0, invalid(ParamStep, fmt.Sprintf("%s is not a whole number of minutes (at least 1m)", step))
		}
		if span/step > maxSteps {
			return 0, invalid(ParamStep, fmt.Sprintf("%s gives %d steps over the span; at most %d", step, span/step, maxSteps))
		}
	}
	q.set(ParamStep, strconv.FormatInt(int64(step/time.Second), 10)+"s")
	return step, nil
}

func (a *API) registerBridgeSeries() {
	register(a, bridgeSeriesEndpoint,
		func(_ context.Context, q *request, sh shared) (seriesParams, error) {
			sp, err := a.bindSpan(q, sh)
			if err != nil {
				return seriesParams{}, err
			}
			f := sp.span.Filter()
			step, err := q.parseStep(f.To.Sub(f.From))
			return seriesParams{spanParams: sp, step: step}, err
		},
		func(ctx context.Context, p seriesParams) (Result, error) {
			steps, err := analytics.BridgeSeries(ctx, a.engine, p.span, p.step)
			if err != nil {
				return nil, err
			}
			d := BridgeSeriesData{StepSeconds: int64(p.step / time.Second), Points: []SeriesPoint{}}
			for _, st := range steps {
				for _, r := range st.Routes {
					d.Points = append(d.Points, SeriesPoint{TS: st.Start, Bridge: r.Bridge, FromNetwork: r.From, ToNetwork: r.To, Traffic: traffic(r.Traffic), TrafficShare: r.TrafficShare})
				}
			}
			return d, nil
		})
}
