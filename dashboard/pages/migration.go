package pages

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/charts"
)

// MigrationView is the Migration page: who gains from whom between two
// panel periods.
type MigrationView struct {
	Pair                      *api.SwitchPair
	FromLabel, ToLabel        string
	Sankey, Heatmap, Net, Fcs *card
	Flows                     []analytics.NetFlow
	MinCount                  int
	Empty                     bool
}

func (s *Site) buildMigration(p *pageCtx) error {
	periods := p.panelPeriodOptions()
	res, q, err := p.ask("/switching", api.ParamFrom, "", api.ParamTo, "")
	if err != nil {
		p.panelFilters(p.given(), periods, true)
		p.view.Content = MigrationView{Empty: true}
		return err
	}
	p.panelFilters(q, periods, true)
	sd := res.(api.SwitchingData)
	v := MigrationView{MinCount: sd.MinCount}
	if len(sd.Transitions) == 0 {
		v.Empty = true
		p.view.Content = v
		return nil
	}
	pair := sd.Transitions[0]
	v.Pair = &pair
	g := panelGranularity(periods, time.Time(pair.FromPeriod))
	v.FromLabel, v.ToLabel = periodLabel(time.Time(pair.FromPeriod), g), periodLabel(time.Time(pair.ToPeriod), g)
	sub := p.T("migration.subtitle", v.FromLabel, v.ToLabel, FormatNum(pair.Users))
	v.Sankey = p.sankeyCard(pair, sd.MinCount, sub, p.dataLinks("/switching", q, "cells"))
	v.Heatmap = p.card(p.transitionHeatmap(pair, sd.MinCount, sub), 6, p.dataLinks("/switching", q, "cells"))
	v.Flows = pair.Disclosure().NetFlows()
	v.Net = p.card(p.netFlowBars(pair, sub), 6, p.dataLinks("/switching", q, "cells"))
	if len(pair.Forecast) > 0 {
		v.Fcs = p.card(p.forecastLines(pair, sub), 12, p.dataLinks("/switching", q, "forecast", "networks"))
		// What happened between the two periods explains the switching
		// the forecast starts from: drawn at its start, when it is about
		// the market or one of the networks the forecast shows.
		var nets []string
		for _, n := range pair.Networks {
			nets = append(nets, n.Network)
		}
		p.withEvents(v.Fcs, chartSpan{labels: []string{p.T("migration.now")}, starts: []time.Time{time.Time(pair.FromPeriod)}, end: g.Next(time.Time(pair.ToPeriod))}, nets, nil)
	}
	if pair.Suppressed > 0 {
		p.notice("info", p.T("migration.suppressed", pair.Suppressed, sd.MinCount))
	}
	p.view.Content = v
	return nil
}

// panelPeriodOptions are the panel's periods for the period pickers.
func (p *pageCtx) panelPeriodOptions() []api.PanelPeriod {
	res, _, err := p.ask("/panel/periods")
	if err != nil {
		p.fail(err)
		return nil
	}
	return res.(api.PanelPeriodsData).Periods
}

// panelGranularity is the granularity of the panel period starting at t.
func panelGranularity(periods []api.PanelPeriod, t time.Time) imscope.Granularity {
	for _, pp := range periods {
		if time.Time(pp.Period).Equal(t) {
			return imscope.Granularity(pp.Granularity)
		}
	}
	return imscope.Month
}

// panelFilters is the filter bar of the panel pages: period pickers,
// segment (all by default), and for migration the suppression threshold
// and forecast horizon.
func (p *pageCtx) panelFilters(q map[string]string, periods []api.PanelPeriod, pair bool) {
	pick := func(name, label, current string) field {
		f := field{Name: name, Label: label, Type: "select"}
		for _, pp := range periods {
			t := time.Time(pp.Period)
			v := t.Format(time.DateOnly)
			f.Options = append(f.Options, option{Value: v, Label: periodLabel(t, imscope.Granularity(pp.Granularity)), Selected: v == q[name]})
		}
		return f
	}
	var fs []field
	if pair {
		fs = append(fs, pick(api.ParamFromPeriod, p.T("filter.from_period"), q[api.ParamFromPeriod]), pick(api.ParamToPeriod, p.T("filter.to_period"), q[api.ParamToPeriod]))
	} else {
		fs = append(fs, pick(api.ParamPeriod, p.T("filter.period"), q[api.ParamPeriod]))
	}
	fs = append(fs, p.segmentField(q[api.ParamSegment], "filter.segment_all"))
	if pair {
		fs = append(fs,
			field{Name: api.ParamMinCount, Label: p.T("filter.min_count"), Type: "text", Value: q[api.ParamMinCount], Placeholder: "10", Size: 5, Pattern: `\d+`},
			field{Name: api.ParamK, Label: p.T("filter.k"), Type: "text", Value: q[api.ParamK], Placeholder: "4", Size: 3, Pattern: `\d+`})
	}
	p.view.Filter = append(fs, p.hiddenViewFields()...)
}

// Sankey node ids: a column prefix and the network id, so the same
// network before and after are two nodes.
func fromNode(id string) string { return "from\x00" + id }
func toNode(id string) string   { return "to\x00" + id }

// sankeyCard draws the count matrix as flows: entrants come from
// "outside", leavers go to it; suppressed cells are left out (their users
// are not shown anywhere, as the privacy rule asks). When every cell is
// suppressed (a small panel) the card says so instead of an empty box.
// The columns are the two periods the subtitle names, so a node is
// labelled by its network alone (a label that fits a phone's margin).
func (p *pageCtx) sankeyCard(pair api.SwitchPair, minCount int, sub string, links []navLink) *card {
	var nodes []charts.Node
	seen := map[string]bool{}
	node := func(id, network string, depth int) {
		if seen[id] {
			return
		}
		seen[id] = true
		nodes = append(nodes, charts.Node{ID: id, Label: p.matrixLabel(network, depth == 0), Color: p.netColor(network), Depth: depth})
	}
	var flows []charts.Link
	for _, c := range pair.Cells {
		if c.Count == nil || *c.Count == 0 {
			continue
		}
		node(fromNode(c.From), c.From, 0)
		node(toNode(c.To), c.To, 1)
		flows = append(flows, charts.Link{Source: fromNode(c.From), Target: toNode(c.To), Value: float64(*c.Count)})
	}
	if len(flows) == 0 {
		return &card{Chart: charts.Chart{ID: "sankey"}, Span: 12, Links: links, DataLabel: p.T("data"),
			Empty: &emptyState{Title: p.T("chart.sankey"), Hint: " " + p.T("migration.sankey_empty", minCount)}}
	}
	return p.card(charts.Sankey(p.meta("sankey", "chart.sankey", sub), nodes, flows), 12, links)
}

// matrixNames are the rows/columns of the transition matrix: the networks
// by users before, then outside.
func matrixNames(pair api.SwitchPair) []string {
	nets := slices.Clone(pair.Networks)
	slices.SortFunc(nets, func(a, b api.SwitchNetwork) int { return cmp.Compare(b.UsersBefore, a.UsersBefore) })
	out := make([]string, 0, len(nets)+1)
	for _, n := range nets {
		out = append(out, n.Network)
	}
	return append(out, api.OutsideNode)
}

func (p *pageCtx) matrixLabel(id string, from bool) string {
	if id == api.OutsideNode {
		if from {
			return p.T("migration.entrants")
		}
		return p.T("migration.leavers")
	}
	return p.view.Net(id)
}

// transitionHeatmap is P_ij, rows the earlier period's network.
func (p *pageCtx) transitionHeatmap(pair api.SwitchPair, minCount int, sub string) charts.Chart {
	names := matrixNames(pair)
	idx := map[string]int{}
	rows, cols := make([]string, len(names)), make([]string, len(names))
	for i, n := range names {
		idx[n] = i
		rows[i], cols[i] = p.matrixLabel(n, true), p.matrixLabel(n, false)
	}
	var cells []charts.Cell
	for _, c := range pair.Cells {
		cell := charts.Cell{X: idx[c.To], Y: idx[c.From], Value: c.P}
		if c.Count != nil {
			cell.Note = p.T("migration.cell_users", FormatNum(*c.Count))
		}
		if c.Suppressed {
			cell.Value = nil
			cell.Note = p.T("migration.cell_suppressed", minCount)
		}
		cells = append(cells, cell)
	}
	return charts.Heatmap(p.meta("transitions", "chart.transitions", sub), cols, rows, cells, 0, 1, charts.Ratio)
}

// netFlowBars is each network's net gain from switching (from the other
// networks; entrants and leavers apart), largest first.
func (p *pageCtx) netFlowBars(pair api.SwitchPair, sub string) charts.Chart {
	gain := pair.Disclosure().NetGains()
	var sl []charts.Slice
	for _, n := range matrixNames(pair) {
		if n != api.OutsideNode {
			sl = append(sl, charts.Slice{Name: p.view.Net(n), Value: float64(gain[n]), Color: p.netColor(n)})
		}
	}
	slices.SortStableFunc(sl, func(a, b charts.Slice) int { return cmp.Compare(b.Value, a.Value) })
	return charts.ColoredBars(p.meta("netflow", "chart.netflow", sub), sl, charts.Count, true)
}

// forecastLines is the k-period Markov forecast of shares, from the later
// period (step 0) on, with the steady state as the last point.
func (p *pageCtx) forecastLines(pair api.SwitchPair, sub string) charts.Chart {
	x := make([]string, 0, len(pair.Forecast)+1)
	for _, f := range pair.Forecast {
		if f.Step == 0 {
			x = append(x, p.T("migration.now"))
		} else {
			x = append(x, "+"+strconv.Itoa(f.Step))
		}
	}
	x = append(x, p.T("migration.steady"))
	var series []charts.Series
	for _, n := range pair.Networks {
		s := charts.Series{Name: p.view.Net(n.Network), Color: p.netColor(n.Network)}
		for _, f := range pair.Forecast {
			var v *float64
			for _, sh := range f.Shares {
				if sh.Network == n.Network {
					v = new(sh.Share)
				}
			}
			s.Values = append(s.Values, v)
		}
		s.Values = append(s.Values, n.SteadyState)
		series = append(series, s)
	}
	return charts.Lines(p.meta("forecast", "chart.forecast", sub), x, series, charts.Percent)
}
