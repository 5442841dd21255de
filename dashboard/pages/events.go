package pages

import (
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/charts"
)

// eventItem is an event listed under the chart it is drawn on.
type eventItem struct {
	Date, Title, Link string
}

// chartSpan is a time chart's categories: the label of each and the time
// it starts; the last category ends at end.
type chartSpan struct {
	labels []string
	starts []time.Time
	end    time.Time
}

// at is the label of the category t falls in, "" when outside the span.
func (s chartSpan) at(t time.Time) string {
	if len(s.starts) == 0 || t.Before(s.starts[0]) || !t.Before(s.end) {
		return ""
	}
	for i := len(s.starts) - 1; i >= 0; i-- {
		if !t.Before(s.starts[i]) {
			return s.labels[i]
		}
	}
	return ""
}

// withEvents draws on c's chart the events that fall in its span and
// concern the networks or bridges it shows (nil: not limited), and lists
// them under it. A failure to read events leaves the chart as it is: the
// events explain the curve, they are not the curve.
func (p *pageCtx) withEvents(c *card, span chartSpan, networks, bridges []string) {
	if c == nil || c.Empty != nil || len(span.starts) == 0 {
		return
	}
	res, _, err := p.ask("/events", api.ParamFrom, span.starts[0].UTC().Format(time.RFC3339), api.ParamTo, span.end.UTC().Format(time.RFC3339),
		api.ParamNetworks, "", api.ParamEventBridges, "")
	if err != nil {
		p.site.log.Warn("cannot read the events to draw on a chart", "chart", c.Chart.ID, "request_id", p.reqID, "err", err)
		return
	}
	var marks []charts.Mark
	for _, e := range res.(api.EventsData).Events {
		ev := e.Imscope()
		x := span.at(ev.At)
		if x == "" || !ev.Concerns(networks, bridges) {
			continue
		}
		marks = append(marks, charts.Mark{X: x, Title: e.Title, Date: e.Date})
		c.Events = append(c.Events, eventItem{Date: e.Date, Title: e.Title, Link: e.Link})
	}
	if len(marks) == 0 {
		return
	}
	charts.MarkEvents(c.Chart, marks)
	if j, err := c.Chart.JSON(); err == nil {
		c.JSON = j
	}
}

// periodSpan is the span of a chart over periods of granularity g.
func periodSpan(starts []time.Time, g imscope.Granularity) chartSpan {
	s := chartSpan{starts: starts}
	for _, t := range starts {
		s.labels = append(s.labels, periodLabel(t, g))
	}
	if len(starts) > 0 {
		s.end = g.Next(starts[len(starts)-1])
	}
	return s
}

// shareStarts and concentrationStarts are the periods' starts of the
// share and concentration charts.
func shareStarts(ps []api.PeriodShares) []time.Time {
	out := make([]time.Time, len(ps))
	for i, s := range ps {
		out[i] = time.Time(s.Period)
	}
	return out
}

func concentrationStarts(ps []api.Concentration) []time.Time {
	out := make([]time.Time, len(ps))
	for i, c := range ps {
		out[i] = time.Time(c.Period)
	}
	return out
}

// shownNetworks is the networks a question was limited to, nil for all.
func shownNetworks(q map[string]string) []string {
	if q[api.ParamNetworks] == "" {
		return nil
	}
	return strings.Split(q[api.ParamNetworks], ",")
}

// bridgeSeriesSpan is the span of the Bridges page's series charts (their
// labels x, as routeSeries wrote them), with the bridges and networks
// their routes show.
func bridgeSeriesSpan(sd api.BridgeSeriesData, x []string) (span chartSpan, networks, bridges []string) {
	for _, pt := range sd.Points {
		if !slices.ContainsFunc(span.starts, pt.TS.Equal) {
			span.starts = append(span.starts, pt.TS)
		}
		for _, id := range []string{pt.FromNetwork, pt.ToNetwork} {
			if !slices.Contains(networks, id) {
				networks = append(networks, id)
			}
		}
		if !slices.Contains(bridges, pt.Bridge) {
			bridges = append(bridges, pt.Bridge)
		}
	}
	slices.SortFunc(span.starts, func(a, b time.Time) int { return a.Compare(b) })
	if len(span.starts) != len(x) || len(x) == 0 {
		return chartSpan{}, nil, nil
	}
	span.labels = x
	span.end = span.starts[len(span.starts)-1].Add(time.Duration(sd.StepSeconds) * time.Second)
	return span, networks, bridges
}
