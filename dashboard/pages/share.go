package pages

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/charts"
)

// otherColor is the colour of the folded "other" entry in every chart.
const otherColor = "#9aa5b1"

// ShareView is the Market share page.
type ShareView struct {
	Metric        string
	Latest        *api.PeriodShares
	LatestLabel   string
	Trend, Donut  *card
	HHI           *card
	Published     *card
	PublishedRows []api.Published
	LatestConc    *api.Concentration
	Empty         bool
	// Source is what the shares are of: measured usage or one publisher's
	// figures on one basis.
	Source api.SourceUsed
}

func (s *Site) buildShare(p *pageCtx) error {
	res, q, err := p.askSourced("/share", api.ParamTop, p.values.Get(api.ParamTop))
	if err != nil {
		p.usageFilters(p.given(), true)
		p.view.Filter = append(p.view.Filter, p.sourceFields(api.SourceUsed{}, p.given())...)
		p.view.Content = ShareView{Empty: true}
		return err
	}
	p.usageFilters(q, true)
	p.view.Filter = append(p.view.Filter, p.topField(q[api.ParamTop]))
	sd := res.(api.ShareData)
	p.view.Filter = append(p.view.Filter, p.sourceFields(sd.SourceUsed, q)...)
	v := ShareView{Metric: p.T("metric." + q[api.ParamMetric]), Source: sd.SourceUsed}
	g := imscope.Granularity(q[api.ParamGranularity])
	sub := p.windowSubtitle(q)
	if len(sd.Periods) == 0 {
		v.Empty = true
		p.view.Content = v
		return nil
	}
	links := p.partLinks("share", "/share", q, "shares")
	latest := sd.Periods[len(sd.Periods)-1]
	v.Latest, v.LatestLabel = &latest, periodLabel(time.Time(latest.Period), g)
	v.Trend = p.card(charts.StackedShare(p.meta("share-trend", "chart.share_trend", sub), p.periodLabels(sd.Periods, g), p.shareSeries(sd.Periods)), 8, links)
	p.withEvents(v.Trend, periodSpan(shareStarts(sd.Periods), g), shownNetworks(q), nil)
	ring := make([]charts.Slice, 0, len(latest.Shares))
	for _, s := range latest.Shares {
		ring = append(ring, charts.Slice{Name: p.shareName(s), Value: s.Share, Color: p.netColor(s.Network), Note: p.view.FoldNote(s.Folded)})
	}
	v.Donut = p.card(charts.Donut(p.meta("share-latest", "chart.share_latest", v.Metric, v.LatestLabel), ring), 4, links)

	cres, cq, err := p.ask("/concentration", sourceExtra(q)...)
	if err != nil {
		p.fail(err)
	} else if cd := cres.(api.ConcentrationData); len(cd.Periods) > 0 {
		v.HHI = p.card(p.concentrationChart(cd, g, sub), 12, p.partLinks("concentration", "/concentration", cq, "periods", "coalitions"))
		p.withEvents(v.HHI, periodSpan(concentrationStarts(cd.Periods), g), nil, nil) // the whole market's
		last := cd.Periods[len(cd.Periods)-1]
		v.LatestConc = &last
	}
	if len(sd.Published) > 0 {
		v.PublishedRows = sd.Published
		v.Published = p.card(p.publishedChart(sd, g), 12, p.partLinks("share", "/share", q, "published"))
	}
	p.view.Content = v
	return nil
}

// given is the page's own parameters, for a filter bar shown when the
// question failed (so the reader can correct what they typed).
func (p *pageCtx) given() map[string]string {
	out := map[string]string{}
	for k := range p.values {
		out[k] = p.values.Get(k)
	}
	return out
}

func (p *pageCtx) topField(current string) field {
	f := field{Name: api.ParamTop, Label: p.T("filter.top"), Type: "select"}
	for _, n := range []string{"0", "3", "5", "8"} {
		label := p.T("filter.top_n", n)
		if n == "0" {
			label = p.T("filter.top_all")
		}
		f.Options = append(f.Options, option{Value: n, Label: label, Selected: current == n})
	}
	return f
}

// windowSubtitle says what a usage chart shows: metric, segment, window.
func (p *pageCtx) windowSubtitle(q map[string]string) string {
	seg := p.T("filter.segment_market")
	if q[api.ParamSegment] != "" {
		seg = q[api.ParamSegment]
	}
	to, _ := time.Parse(time.DateOnly, q[api.ParamTo])
	last := q[api.ParamTo]
	if !to.IsZero() {
		last = to.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return fmt.Sprintf("%s · %s · %s – %s", p.T("metric."+q[api.ParamMetric]), seg, q[api.ParamFrom], last)
}

// periodLabel names a period the way readers write it: 2012-03, 2012-Q1,
// 2012, or the date of a day or week.
func periodLabel(t time.Time, g imscope.Granularity) string {
	switch g {
	case imscope.Month:
		return t.Format("2006-01")
	case imscope.Quarter:
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
	case imscope.Year:
		return t.Format("2006")
	}
	return t.Format(time.DateOnly)
}

func (p *pageCtx) periodLabels(ps []api.PeriodShares, g imscope.Granularity) []string {
	out := make([]string, len(ps))
	for i, s := range ps {
		out[i] = periodLabel(time.Time(s.Period), g)
	}
	return out
}

// netColor is a network's colour, grey for "other".
func (p *pageCtx) netColor(id string) string {
	if id == analytics.OtherNetwork {
		return otherColor
	}
	return p.view.Color(id)
}

// shareSeries is one series per network, ordered by the latest period's
// rank (other last), with a gap where a network has no row.
func (p *pageCtx) shareSeries(ps []api.PeriodShares) []charts.Series {
	order := []string{}
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			order = append(order, id)
		}
	}
	for i := len(ps) - 1; i >= 0; i-- {
		for _, s := range ps[i].Shares {
			if s.Network != analytics.OtherNetwork {
				add(s.Network)
			}
		}
	}
	for _, period := range ps {
		for _, s := range period.Shares {
			if s.Network == analytics.OtherNetwork {
				add(s.Network)
			}
		}
	}
	out := make([]charts.Series, len(order))
	for i, id := range order {
		vals := make([]*float64, len(ps))
		for j, period := range ps {
			for _, s := range period.Shares {
				if s.Network == id {
					vals[j] = new(s.Share)
				}
			}
		}
		out[i] = charts.Series{Name: p.view.Net(id), Color: p.netColor(id), Values: vals}
		if id == analytics.OtherNetwork {
			out[i].Name, out[i].Notes = p.otherSeries(ps)
		}
	}
	return out
}

// concentrationChart is HHI and CR4 over time with the 2010 guideline
// bands behind them and the 2023 threshold across.
func (p *pageCtx) concentrationChart(cd api.ConcentrationData, g imscope.Granularity, sub string) charts.Chart {
	labels := make([]string, len(cd.Periods))
	hhi := charts.Series{Name: "HHI", Color: "#1d4ed8"}
	cr4 := charts.Series{Name: "CR4", Color: "#d55e00", Dashed: true}
	for i, c := range cd.Periods {
		labels[i] = periodLabel(time.Time(c.Period), g)
		hhi.Values = append(hhi.Values, new(c.HHI))
		cr4.Values = append(cr4.Values, new(c.CR4))
	}
	bands := []charts.Band{
		{Name: p.T("band.unconcentrated"), From: 0, To: 1500, Color: "#0f7b4f"},
		{Name: p.T("band.moderately concentrated"), From: 1500, To: 2500, Color: "#a35f00"},
		{Name: p.T("band.highly concentrated"), From: 2500, To: 10000, Color: "#b42318"},
	}
	th := []charts.Threshold{{Name: p.T("chart.threshold_2023"), Value: 1800}}
	ch := charts.Concentration(p.meta("concentration", "chart.concentration", sub), labels, hhi, cr4, bands, th)
	if lo, hi, notes := hhiInterval(cd); notes != nil {
		for i, n := range notes {
			if n != "" {
				notes[i] = p.T("chart.hhi_interval", n)
			}
		}
		charts.IntervalBand(ch, p.T("chart.hhi_band"), "#1d4ed8", 0, 0, lo, hi, notes)
	}
	return ch
}

// publishedChart draws the measured shares over time, one line per
// network, with the published figures as points over them (a bound shown
// as "< 1%" in the tooltip): the table of differences under it gives the
// numbers. With source=published the shares are the published figures
// themselves, so only the points are drawn.
func (p *pageCtx) publishedChart(sd api.ShareData, g imscope.Granularity) charts.Chart {
	// The periods are the measured ones and the published ones together:
	// a publisher's quarter without measurement still gets its points.
	periods := slices.Clone(sd.Periods)
	have := map[time.Time]bool{}
	for _, ps := range periods {
		have[time.Time(ps.Period)] = true
	}
	for _, r := range sd.Published {
		if t := time.Time(r.Period); r.Published != nil && !have[t] {
			have[t] = true
			periods = append(periods, api.PeriodShares{Period: r.Period})
		}
	}
	slices.SortFunc(periods, func(a, b api.PeriodShares) int { return time.Time(a.Period).Compare(time.Time(b.Period)) })
	labels := p.periodLabels(periods, g)
	at := map[string]int{}
	for i, l := range labels {
		at[l] = i
	}
	lines := p.shareSeries(periods)
	if sd.Source == "published" {
		lines = nil // the published figures are the points; no measured curve
	}
	points := map[string]*charts.Series{}
	var order []string
	publisher := ""
	for _, r := range sd.Published {
		if r.Published == nil {
			continue
		}
		i, ok := at[periodLabel(time.Time(r.Period), g)]
		if !ok {
			continue
		}
		key := r.Network + "\x00" + r.Publisher + "\x00" + r.Basis
		pt := points[key]
		if pt == nil {
			name := p.T("chart.published_point", p.view.Net(r.Network), r.Publisher)
			if r.Basis != "" {
				name += " · " + r.Basis
			}
			pt = &charts.Series{Name: name, Color: p.netColor(r.Network), Values: make([]*float64, len(labels)), Notes: make([]string, len(labels))}
			points[key] = pt
			order = append(order, key)
		}
		pt.Values[i] = r.Published
		switch r.Bound {
		case "lt":
			pt.Notes[i] = p.T("chart.bound_lt", FormatPct(*r.Published))
		case "gt":
			pt.Notes[i] = p.T("chart.bound_gt", FormatPct(*r.Published))
		}
		publisher = r.Publisher
	}
	pts := make([]charts.Series, 0, len(order))
	for _, k := range order {
		pts = append(pts, *points[k])
	}
	return charts.LinesWithPoints(p.meta("published", "chart.published_over", "", publisher), labels, lines, pts, charts.Percent)
}

// hhiInterval is each period's HHI interval (published bounds), with the
// text of its edges for the tooltip; notes is nil when no period has an
// interval wider than a point (measured shares), so no band is drawn.
func hhiInterval(cd api.ConcentrationData) (lo, hi []*float64, notes []string) {
	wide := false
	lo, hi = make([]*float64, len(cd.Periods)), make([]*float64, len(cd.Periods))
	text := make([]string, len(cd.Periods))
	for i, c := range cd.Periods {
		lo[i], hi[i] = ptr(c.HHIMin), ptr(c.HHIMax)
		if c.HHIMax-c.HHIMin > 1e-9 {
			wide = true
			text[i] = oneDecimal(c.HHIMin) + " … " + oneDecimal(c.HHIMax)
		}
	}
	if !wide {
		return nil, nil, nil
	}
	return lo, hi, text
}

// oneDecimal is an HHI to one decimal with thousands separators (5,982.6):
// the precision at which published bounds move it.
func oneDecimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	i := strings.IndexByte(s, '.')
	whole, _ := strconv.ParseFloat(s[:i], 64)
	return FormatNum(whole) + s[i:]
}
