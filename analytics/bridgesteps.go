package analytics

import (
	"cmp"
	"slices"
	"time"

	"github.com/imscope/imscope"
)

// BridgeStep is the health of every route over one step of a series.
type BridgeStep struct {
	Start time.Time // the step's start, UTC (before f.From for a step cut by it)
	// Routes are measured as BridgeHealthOf measures a span, over the part
	// of the step inside f's range; by bridge, from, to.
	Routes []RouteHealth
}

// BridgeSteps measures route health per step: samples are the rows of a
// per-step query (queries.BridgeRoutes with this step), ordered by time,
// each stamped with its step's start. Each step is a span of its own for
// the health maths — rate over the step, traffic share of the step's
// messages — and a step cut by f's ends is measured over the part inside
// them. Steps without samples are absent, not zero.
func BridgeSteps(f imscope.Filter, step time.Duration, samples []imscope.BridgeSample) ([]BridgeStep, error) {
	if err := checkSpan(f); err != nil {
		return nil, err
	}
	if step <= 0 {
		return nil, invalid("step", "must be positive, not %s", step)
	}
	return bridgeSteps(f, step, samples)
}

// bridgeSteps is BridgeSteps for a span and step validated where they
// entered.
func bridgeSteps(f imscope.Filter, step time.Duration, samples []imscope.BridgeSample) ([]BridgeStep, error) {
	var out []BridgeStep
	for i := 0; i < len(samples); {
		ts := samples[i].TS.UTC()
		j := i
		for j < len(samples) && samples[j].TS.Equal(ts) {
			j++
		}
		span := imscope.Filter{From: ts, To: ts.Add(step), Networks: f.Networks}
		if span.From.Before(f.From) {
			span.From = f.From
		}
		if span.To.After(f.To) {
			span.To = f.To
		}
		group := slices.Clone(samples[i:j])
		for k := range group {
			group[k].TS = span.From
		}
		i = j
		rep, err := BridgeHealthOf(span, group)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(rep.Routes, func(x, y RouteHealth) int {
			return cmp.Or(cmp.Compare(x.Bridge, y.Bridge), cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
		})
		out = append(out, BridgeStep{Start: ts, Routes: rep.Routes})
	}
	return out, nil
}
