package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Bars are one or more series of bars over categories; horizontal puts
// the categories on the vertical axis (long network names read better).
func Bars(m Meta, categories []string, series []Series, format Format, horizontal bool) Chart {
	c := charts.NewBar()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: m.ID}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: "shadow"}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(series) > 1), Top: "48", Left: "8", Right: "8"}),
		charts.WithGridOpts(grid(86, 16)),
	)
	c.SetXAxis(categories)
	for _, s := range series {
		data := make([]opts.BarData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.BarData{Value: value(v)}
		}
		var o []charts.SeriesOpts
		if s.Color != "" {
			o = append(o, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.Color}))
		}
		if s.Stack != "" {
			o = append(o, charts.WithBarChartOpts(opts.BarChart{Stack: s.Stack}))
		}
		c.AddSeries(s.Name, data, o...)
	}
	if horizontal {
		c.XYReversal()
		c.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{Type: "value"}), charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
	}
	h := 320
	if horizontal && len(categories) > 8 {
		h = 120 + 26*len(categories)
	}
	ch := finish(m, "bar", h, format, c.Validate, c.JSON)
	formatSeries(ch.Option, series)
	focusSeries(ch)
	valueAxis := "yAxis"
	if horizontal {
		valueAxis = "xAxis"
	}
	wholeNumbers(ch, valueAxis, format)
	return ch
}

// ColoredBars is a single series whose bars each have their own colour
// (one bar per network, in the network's colour).
func ColoredBars(m Meta, slices []Slice, format Format, horizontal bool) Chart {
	categories := make([]string, len(slices))
	values := make([]*float64, len(slices))
	for i, s := range slices {
		categories[i] = s.Name
		values[i] = &slices[i].Value
	}
	ch := Bars(m, categories, []Series{{Name: m.Title, Values: values}}, format, horizontal)
	data := seriesOf(ch)[0]["data"].([]any)
	for i, s := range slices {
		if s.Color != "" {
			data[i].(map[string]any)["itemStyle"] = map[string]any{"color": s.Color}
		}
	}
	return ch
}
