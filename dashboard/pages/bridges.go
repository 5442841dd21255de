package pages

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/charts"
)

// BridgesView is the Bridges page, for operators: which routes carry what,
// how healthy they are, and what is firing.
type BridgesView struct {
	Data                *api.BridgesData
	Graph               *card
	Rate, Failures, P95 *card
	Firing              []api.AlertState
	Events              []api.AlertEvent
	FailureRatio        *float64
	Window              string
	Empty               bool
}

// trafficSteps are the step choices of the series, "" letting the API
// pick one for the window.
var trafficSteps = []string{"", "1m", "5m", "15m", "1h", "6h", "24h"}

func (s *Site) buildBridges(p *pageCtx) error {
	if p.view.Refresh == 0 && p.values.Get(ParamRefresh) != "off" && s.opts.BridgesRefresh > 0 {
		p.view.Refresh = int(s.opts.BridgesRefresh.Seconds())
	}
	res, q, err := p.ask("/bridges")
	if err != nil {
		p.trafficFilters(p.given())
		p.view.Content = BridgesView{Empty: true}
		return err
	}
	bd := res.(api.BridgesData)
	v := BridgesView{Data: &bd, Window: windowLabel(q[api.ParamFrom], q[api.ParamTo])}
	sres, sq, err := p.ask("/bridges/series", api.ParamStep, p.values.Get(api.ParamStep))
	fq := maps.Clone(q)
	maps.Copy(fq, sq)
	p.trafficFilters(fq)
	if ares, _, aerr := p.ask("/alerts", api.ParamFrom, "", api.ParamTo, ""); aerr != nil {
		p.fail(aerr)
	} else {
		ad := ares.(api.AlertsData)
		v.Firing = ad.Firing()
		v.Events = ad.Events[:min(10, len(ad.Events))]
	}
	if bd.Messages == 0 {
		v.Empty = true
		p.view.Content = v
		return err
	}
	v.FailureRatio = bd.Report().FailureRatio()
	links := p.dataLinks("/bridges", q, "routes", "bridges")
	v.Graph = p.card(p.bridgeGraph(bd, v.Window), 12, links)
	if err != nil {
		p.fail(err)
	} else if sd := sres.(api.BridgeSeriesData); len(sd.Points) > 0 {
		slinks := p.dataLinks("/bridges/series", sq, "points")
		x, rate, fail, p95 := p.routeSeries(sd)
		v.Rate = p.card(charts.Lines(p.meta("route-rate", "chart.route_rate", v.Window), x, rate, charts.Rate), 12, slinks)
		v.Failures = p.card(charts.Lines(p.meta("route-failures", "chart.route_failures", v.Window), x, fail, charts.Ratio), 6, slinks)
		v.P95 = p.card(charts.Lines(p.meta("route-p95", "chart.route_p95", v.Window), x, p95, charts.Micros), 6, slinks)
		span, nets, bridges := bridgeSeriesSpan(sd, x)
		for _, c := range []*card{v.Rate, v.Failures, v.P95} {
			p.withEvents(c, span, nets, bridges)
		}
	}
	p.view.Content = v
	return nil
}

// windowLabel writes a traffic window for people: 2026-11-30 09:00 –
// 2026-12-01 09:00 UTC (the API's RFC 3339 ends, as given when unparsable).
func windowLabel(from, to string) string {
	f, err1 := time.Parse(time.RFC3339, from)
	t, err2 := time.Parse(time.RFC3339, to)
	if err1 != nil || err2 != nil {
		return from + " – " + to
	}
	return f.UTC().Format("2006-01-02 15:04") + " – " + t.UTC().Format("2006-01-02 15:04") + " UTC"
}

// trafficFilters is the Bridges filter bar: the window (dates or RFC 3339
// times), networks and the series step, with windows ending now.
func (p *pageCtx) trafficFilters(q map[string]string) {
	step := field{Name: api.ParamStep, Label: p.T("filter.step"), Type: "select"}
	for _, s := range trafficSteps {
		label := s
		if s == "" {
			label = p.T("filter.step_auto")
		}
		step.Options = append(step.Options, option{Value: s, Label: label, Selected: s == p.values.Get(api.ParamStep)})
	}
	p.view.Filter = append([]field{
		{Name: api.ParamFrom, Label: p.T("filter.from"), Type: "text", Value: q[api.ParamFrom], Placeholder: "2012-06-01T00:00:00Z", Size: 20, Wide: true},
		{Name: api.ParamTo, Label: p.T("filter.to"), Type: "text", Value: q[api.ParamTo], Placeholder: "2012-06-02", Size: 20, Wide: true},
		p.networksField(q[api.ParamNetworks]), step,
	}, p.hiddenViewFields()...)
	now := p.site.cfg.Now().UTC().Truncate(time.Minute)
	for _, w := range []struct {
		key string
		d   time.Duration
	}{{"preset.hour", time.Hour}, {"preset.hours6", 6 * time.Hour}, {"preset.day", 24 * time.Hour}, {"preset.week", 7 * 24 * time.Hour}, {"preset.month", 30 * 24 * time.Hour}} {
		url := p.with(api.ParamFrom, now.Add(-w.d).Format(time.RFC3339), api.ParamTo, "", api.ParamStep, "")
		if w.d == 24*time.Hour {
			url = p.with(api.ParamFrom, "", api.ParamTo, "", api.ParamStep, "") // the default window
		}
		p.view.Presets = append(p.view.Presets, navLink{Label: p.T(w.key), URL: url})
	}
}

// bridgeGraph is the interconnection map: a node per network with users
// in the latest usage period or a bridge in the window (area ∝ users), an
// edge per linked pair (width ∝ messages both ways, colour by failure
// ratio). Networks bridged to nobody are drawn apart: the market's leader
// walled off from everyone is the picture's point, not a missing node.
func (p *pageCtx) bridgeGraph(bd api.BridgesData, window string) charts.Chart {
	pairs := bd.Report().Links()
	linked := map[string]bool{}
	for _, l := range pairs {
		linked[l.A], linked[l.B] = true, true
	}
	users := p.latestUsers()
	nets := maps.Clone(linked)
	for id, n := range users {
		if n > 0 {
			nets[id] = true
		}
	}
	var nodes []charts.Node
	for i, id := range slices.Sorted(maps.Keys(nets)) {
		color := p.netColor(id)
		if color == "" {
			color = charts.Palette[i%len(charts.Palette)]
		}
		nodes = append(nodes, charts.Node{ID: id, Label: p.view.Net(id), Color: color, Value: users[id], Apart: !linked[id]})
	}
	slices.SortStableFunc(nodes, func(a, b charts.Node) int { return cmp.Compare(b.Value, a.Value) })
	var links []charts.Link
	for _, l := range pairs {
		ratio := l.FailureRatio()
		links = append(links, charts.Link{Source: l.A, Target: l.B, Value: float64(l.Messages), Color: healthColor(ratio),
			Label: p.T("bridges.edge", fmt.Sprint(l.Bridges), FormatRatio(ratio))})
	}
	return charts.Graph(p.meta("bridge-graph", "chart.bridge_graph", window), nodes, links,
		charts.GraphGroups{Linked: p.T("bridges.group_linked"), Apart: p.T("bridges.group_apart")})
}

// healthColor is the edge colour of a failure ratio (the badges' scale).
func healthColor(ratio float64) string {
	switch healthClass(&ratio) {
	case "good":
		return "#0f7b4f"
	case "warn":
		return "#d48a00"
	}
	return "#b42318"
}

// latestUsers is each network's users in the latest usage period, for
// node sizes; empty (equal nodes) when there is no usage data.
func (p *pageCtx) latestUsers() map[string]float64 {
	out := map[string]float64{}
	res, _, err := p.ask("/share", api.ParamFrom, "", api.ParamTo, "", api.ParamNetworks, "", api.ParamMetric, api.DefaultMetric, api.ParamGranularity, "")
	if err != nil {
		p.site.log.Warn("cannot size the bridge graph by users", "request_id", p.reqID, "err", err)
		return out
	}
	if sd := res.(api.ShareData); len(sd.Periods) > 0 {
		for _, s := range sd.Periods[len(sd.Periods)-1].Shares {
			out[s.Network] = s.Value
		}
	}
	return out
}

// routeSeries turns the per-step points into one series per route for
// rate, failure ratio and p95 latency over the same time axis.
func (p *pageCtx) routeSeries(sd api.BridgeSeriesData) (x []string, rate, fail, p95 []charts.Series) {
	var times []time.Time
	type key struct{ bridge, from, to string }
	var routes []key
	at := map[key]map[time.Time]api.SeriesPoint{}
	for _, pt := range sd.Points {
		k := key{pt.Bridge, pt.FromNetwork, pt.ToNetwork}
		if at[k] == nil {
			at[k] = map[time.Time]api.SeriesPoint{}
			routes = append(routes, k)
		}
		at[k][pt.TS] = pt
		if !slices.ContainsFunc(times, pt.TS.Equal) {
			times = append(times, pt.TS)
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	layout := "01-02 15:04"
	if sd.StepSeconds >= 86400 {
		layout = time.DateOnly
	}
	for _, t := range times {
		x = append(x, t.UTC().Format(layout))
	}
	for i, k := range routes {
		name := fmt.Sprintf("%s → %s (%s)", p.view.Net(k.from), p.view.Net(k.to), k.bridge)
		color := charts.Palette[i%len(charts.Palette)]
		r, f, l := charts.Series{Name: name, Color: color}, charts.Series{Name: name, Color: color}, charts.Series{Name: name, Color: color}
		for _, t := range times {
			pt, ok := at[k][t]
			if !ok {
				r.Values, f.Values, l.Values = append(r.Values, nil), append(f.Values, nil), append(l.Values, nil)
				continue
			}
			r.Values = append(r.Values, new(float64(pt.Messages)/float64(sd.StepSeconds)))
			f.Values = append(f.Values, pt.FailureRatio)
			l.Values = append(l.Values, pt.P95US)
		}
		rate, fail, p95 = append(rate, r), append(fail, f), append(p95, l)
	}
	return x, rate, fail, p95
}
