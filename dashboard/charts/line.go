package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// newLine is a line chart over categories with the settings every imscope
// line chart shares: axis tooltip, a legend under the title that wraps
// onto as many lines as it needs (never paged: a series whose name is on
// a hidden page cannot be matched to its line; the page script moves the
// plot down below the legend).
func newLine(m Meta, x []string, yAxis opts.YAxis) *charts.Line {
	c := charts.NewLine()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: m.ID}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "48", Left: "8", Right: "8"}),
		charts.WithGridOpts(grid(86, 16)),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", BoundaryGap: opts.Bool(false)}),
		charts.WithYAxisOpts(yAxis),
	)
	c.SetXAxis(x)
	return c
}

func lineData(vs []*float64) []opts.LineData {
	out := make([]opts.LineData, len(vs))
	for i, v := range vs {
		out[i] = opts.LineData{Value: value(v)}
	}
	return out
}

func addLines(c *charts.Line, series []Series, area bool) {
	for _, s := range series {
		o := []charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{Stack: s.Stack, ShowSymbol: opts.Bool(len(s.Values) <= 40)})}
		if s.Color != "" {
			o = append(o, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}), charts.WithLineStyleOpts(opts.LineStyle{Color: s.Color}))
		}
		if s.Dashed {
			o = append(o, charts.WithLineStyleOpts(opts.LineStyle{Color: s.Color, Type: "dashed"}))
		}
		if area {
			o = append(o, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.85)}))
		}
		c.AddSeries(s.Name, lineData(s.Values), o...)
	}
}

// formatSeries names each series' own value format, for charts that mix
// units (HHI beside CR4).
func formatSeries(o map[string]any, series []Series) {
	for i, s := range o["series"].([]map[string]any) {
		if i < len(series) && series[i].Format != "" {
			s["imFormat"] = string(series[i].Format)
		}
	}
}

// StackedShare is the market over time: each network's share stacked to
// 100% per period, so a gain is visibly someone else's loss.
func StackedShare(m Meta, periods []string, series []Series) Chart {
	for i := range series {
		series[i].Stack = "share"
	}
	c := newLine(m, periods, opts.YAxis{Type: "value", Min: 0, Max: 100})
	addLines(c, series, true)
	ch := finish(m, "line", 380, Percent, c.Validate, c.JSON)
	focusSeries(ch)
	noteSeries(ch, series)
	return ch
}

// Lines is one or more series over categories (forecasts, traffic).
func Lines(m Meta, x []string, series []Series, format Format) Chart {
	c := newLine(m, x, opts.YAxis{Type: "value", Scale: opts.Bool(format != Percent && format != Ratio)})
	addLines(c, series, false)
	ch := finish(m, "line", 320, format, c.Validate, c.JSON)
	formatSeries(ch.Option, series)
	focusSeries(ch)
	wholeNumbers(ch, "yAxis", format)
	return ch
}

// Band is a horizontal range of a chart's value axis drawn behind the
// data, such as a merger-guidelines concentration band.
type Band struct {
	Name     string
	From, To float64
	Color    string
}

// Threshold is a horizontal line at a value, with its name.
type Threshold struct {
	Name  string
	Value float64
}

// thresholdColor draws threshold lines, readable on light and dark.
const thresholdColor = "#7a7f87"

// Concentration is HHI on the left axis (0–10,000, with the guideline
// bands behind it and thresholds drawn across) and CR4 on the right
// (0–100%).
func Concentration(m Meta, periods []string, hhi, cr4 Series, bands []Band, thresholds []Threshold) Chart {
	hhi.Format, cr4.Format = Index, Percent
	c := newLine(m, periods, opts.YAxis{Type: "value", Name: "HHI", Min: 0, Max: 10000})
	c.ExtendYAxis(opts.YAxis{Type: "value", Name: "CR4", Min: 0, Max: 100, Position: "right"})
	addLines(c, []Series{hhi, cr4}, false)
	ch := finish(m, "line", 360, Index, c.Validate, c.JSON)
	formatSeries(ch.Option, []Series{hhi, cr4})
	ss := seriesOf(ch)
	ss[1]["yAxisIndex"] = 1
	areas := make([]any, len(bands))
	for i, b := range bands {
		areas[i] = []any{
			map[string]any{"name": b.Name, "yAxis": b.From, "itemStyle": map[string]any{"color": b.Color, "opacity": 0.12}},
			map[string]any{"yAxis": b.To},
		}
	}
	lines := make([]any, len(thresholds))
	for i, t := range thresholds {
		lines[i] = map[string]any{"name": t.Name, "yAxis": t.Value}
	}
	// The bands and thresholds are named in the legend, not inside the
	// plot: labels there were crossed by the CR4 line and collided with
	// each other on a phone. Each gets a legend entry of its own (a series
	// without data, in its colour).
	ss[0]["markArea"] = map[string]any{"silent": true, "label": map[string]any{"show": false}, "data": areas}
	ss[0]["markLine"] = map[string]any{"silent": true, "symbol": "none", "lineStyle": map[string]any{"type": "dashed", "color": thresholdColor}, "label": map[string]any{"show": false}, "data": lines}
	legend := []any{hhi.Name, cr4.Name}
	for _, b := range bands {
		ss = append(ss, map[string]any{"type": "line", "name": b.Name, "data": []any{}, "silent": true, "itemStyle": map[string]any{"color": b.Color, "opacity": 0.45}})
		legend = append(legend, map[string]any{"name": b.Name, "icon": "rect"})
	}
	for _, t := range thresholds {
		ss = append(ss, map[string]any{"type": "line", "name": t.Name, "data": []any{}, "silent": true,
			"itemStyle": map[string]any{"color": thresholdColor}, "lineStyle": map[string]any{"color": thresholdColor, "type": "dashed"}})
		legend = append(legend, t.Name)
	}
	ch.Option["series"] = ss
	ch.Option["legend"].(map[string]any)["data"] = legend
	return ch
}
