package charts

import (
	"github.com/go-echarts/go-echarts/v2/opts"
)

// IntervalBand shades, on a line chart over categories, the interval a
// series' value can take in each category — the HHI that published bounds
// ("< 1%") allow, [min, max] — as a band: a transparent base at min and a
// stacked area of max − min over it, on the value axis axisIndex. Both
// carry the band's name (one legend entry hides both) and imBand, which
// keeps them out of the page script's tooltip: the band's edges are given
// instead as notes (text, escaped by the page script) under the value of
// series number of, not as a base and a width no reader asked for.
// Categories without an interval (nil) have no band.
func IntervalBand(c Chart, name, color string, axisIndex, of int, lo, hi []*float64, notes []string) {
	if ss := seriesOf(c); of < len(ss) {
		ss[of]["imNotes"] = notes
	}
	base := make([]any, len(lo))
	width := make([]any, len(lo))
	for i := range lo {
		if i >= len(hi) || lo[i] == nil || hi[i] == nil {
			base[i], width[i] = "-", "-"
			continue
		}
		base[i], width[i] = *lo[i], *hi[i]-*lo[i]
	}
	common := func() map[string]any {
		return map[string]any{"type": "line", "name": name, "stack": "imBand-" + name, "yAxisIndex": axisIndex,
			"symbol": "none", "silent": true, "imBand": true, "lineStyle": map[string]any{"opacity": 0}, "itemStyle": map[string]any{"color": color},
			"tooltip": map[string]any{"show": false}}
	}
	b := common()
	b["data"] = base
	w := common()
	w["data"] = width
	w["areaStyle"] = map[string]any{"color": color, "opacity": 0.35}
	c.Option["series"] = append(seriesOf(c), b, w)
	if l, ok := c.Option["legend"].(map[string]any); ok {
		if data, ok := l["data"].([]any); ok {
			l["data"] = append(data, map[string]any{"name": name, "icon": "rect"})
		}
	}
}

// LinesWithPoints is measured series as lines with published figures drawn
// over them as points (diamonds, in the series' colours), so a reader sees
// where a publisher's figure sits against the measured curve. Points'
// Notes (a bound such as "no more than 1%") show in the tooltip, as text.
func LinesWithPoints(m Meta, x []string, lines, points []Series, format Format) Chart {
	c := newLine(m, x, opts.YAxis{Type: "value", Scale: opts.Bool(format != Percent && format != Ratio)})
	addLines(c, lines, false)
	ch := finish(m, "line", 360, format, c.Validate, c.JSON)
	focusSeries(ch)
	ss := seriesOf(ch)
	for _, p := range points {
		data := make([]any, len(p.Values))
		for i, v := range p.Values {
			data[i] = value(v)
		}
		s := map[string]any{"type": "scatter", "name": p.Name, "data": data, "symbol": "diamond", "symbolSize": 11,
			"itemStyle": map[string]any{"color": p.Color, "borderColor": "#ffffff", "borderWidth": 1}, "z": 5}
		ss = append(ss, s)
	}
	ch.Option["series"] = ss
	all := append(append([]Series{}, lines...), points...)
	noteSeries(ch, all)
	return ch
}
