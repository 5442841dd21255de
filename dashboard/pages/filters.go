package pages

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/api"
)

// field is one control of a page's filter bar.
type field struct {
	Name, Label, Type  string // Type: text, select, checks, hidden
	Value, Placeholder string
	Pattern            string
	Size               int
	Wide               bool // room for an RFC 3339 time
	Options            []option
}

type option struct {
	Value, Label, Color string
	Selected            bool
}

var granularities = []imscope.Granularity{imscope.Day, imscope.Week, imscope.Month, imscope.Quarter, imscope.Year}

// hiddenViewFields carry the view parameters through a filter submit.
func (p *pageCtx) hiddenViewFields() []field {
	var out []field
	for _, k := range []string{pLang, pTheme, pEmbed, ParamRefresh} {
		if v := p.values.Get(k); v != "" {
			out = append(out, field{Name: k, Type: "hidden", Value: v})
		}
	}
	return out
}

// usageFilters is the filter bar of the usage pages: the window as the
// API normalised it (so the reader sees the defaults actually used),
// granularity, metric, segment and networks.
func (p *pageCtx) usageFilters(q map[string]string, withNetworks bool) {
	fs := []field{
		{Name: api.ParamFrom, Label: p.T("filter.from"), Type: "text", Value: shortDate(q[api.ParamFrom]), Placeholder: "2010-01", Size: 10},
		{Name: api.ParamTo, Label: p.T("filter.to"), Type: "text", Value: shortDate(q[api.ParamTo]), Placeholder: "2013-01", Size: 10},
		p.granularityField(q[api.ParamGranularity]),
		p.metricField(q[api.ParamMetric]),
		p.segmentField(q[api.ParamSegment], "filter.segment_market"),
	}
	if withNetworks {
		fs = append(fs, p.networksField(q[api.ParamNetworks]))
	}
	p.view.Filter = append(fs, p.hiddenViewFields()...)
	p.usagePresets(q)
}

func (p *pageCtx) granularityField(current string) field {
	f := field{Name: api.ParamGranularity, Label: p.T("filter.granularity"), Type: "select"}
	for _, g := range granularities {
		f.Options = append(f.Options, option{Value: string(g), Label: p.T("granularity." + string(g)), Selected: string(g) == current})
	}
	return f
}

func (p *pageCtx) metricField(current string) field {
	f := field{Name: api.ParamMetric, Label: p.T("filter.metric"), Type: "select"}
	for _, m := range imscope.Metrics {
		f.Options = append(f.Options, option{Value: m.Name, Label: p.T("metric." + m.Name), Selected: m.Name == current})
	}
	return f
}

// segmentField lists the segments the data has; "" is the whole market
// (usage) or every segment (panel), named by allKey.
func (p *pageCtx) segmentField(current, allKey string) field {
	f := field{Name: api.ParamSegment, Label: p.T("filter.segment"), Type: "select", Options: []option{{Value: "", Label: p.T(allKey), Selected: current == ""}}}
	segs, err := p.site.api.Segments(p.ctx)
	if err != nil {
		p.site.log.Warn("cannot list segments for the filter", "request_id", p.reqID, "err", err)
	}
	if current != "" && !slices.Contains(segs, current) {
		segs = append(segs, current)
	}
	for _, s := range segs {
		if s != "" {
			f.Options = append(f.Options, option{Value: s, Label: s, Selected: s == current})
		}
	}
	return f
}

// networksField is the network selection as checkboxes: the catalog's
// networks, plus any selected id the catalog does not name.
func (p *pageCtx) networksField(current string) field {
	selected := map[string]bool{}
	for _, id := range strings.Split(current, ",") {
		if id != "" {
			selected[id] = true
		}
	}
	f := field{Name: pNetwork, Label: p.T("filter.networks"), Type: "checks", Value: p.T("filter.networks_all")}
	if n := len(selected); n > 0 {
		f.Value = p.T("filter.networks_n", n)
	}
	for _, n := range p.site.cfg.Networks {
		f.Options = append(f.Options, option{Value: n.ID, Label: n.Name(p.view.Lang), Color: n.Color, Selected: selected[n.ID]})
		delete(selected, n.ID)
	}
	for _, id := range slices.Sorted(maps.Keys(selected)) {
		f.Options = append(f.Options, option{Value: id, Label: id, Selected: true})
	}
	return f
}

// usagePresets are one-click windows ending where the data ends: the last
// 1, 2, 3 and 5 years at a readable granularity.
func (p *pageCtx) usagePresets(q map[string]string) {
	to, err := time.Parse(time.DateOnly, q[api.ParamTo])
	if err != nil {
		return
	}
	for _, preset := range []struct {
		years int
		g     imscope.Granularity
	}{{1, imscope.Month}, {2, imscope.Month}, {3, imscope.Quarter}, {5, imscope.Year}} {
		from := to.AddDate(-preset.years, 0, 0)
		url := p.with(api.ParamFrom, from.Format("2006-01"), api.ParamTo, to.Format("2006-01"), api.ParamGranularity, string(preset.g))
		cur := q[api.ParamFrom] == from.Format(time.DateOnly) && q[api.ParamGranularity] == string(preset.g)
		p.view.Presets = append(p.view.Presets, navLink{Label: p.T("preset.years", preset.years), URL: url, Current: cur})
	}
}

// shortDate shows a period start as the API would accept it back:
// 2012-01-01 as 2012-01 (a month), other dates as they are.
func shortDate(s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil && t.Day() == 1 {
		return t.Format("2006-01")
	}
	return s
}
