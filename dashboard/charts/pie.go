package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Donut is one period's market: a ring of shares, largest first.
func Donut(m Meta, slices []Slice) Chart {
	c := charts.NewPie()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: m.ID}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "48", Left: "8", Right: "8"}),
	)
	data := make([]opts.PieData, len(slices))
	for i, s := range slices {
		data[i] = opts.PieData{Name: s.Name, Value: s.Value, ItemStyle: itemColor(s.Color)}
	}
	c.AddSeries(m.Title, data, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"38%", "62%"}, Center: []string{"50%", "50%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}"}))
	ch := finish(m, "pie", 360, Percent, c.Validate, c.JSON)
	s := seriesOf(ch)[0]
	s["minShowLabelAngle"] = 10 // small slices are named in the legend only
	// The ring's box starts under the legend (the page script moves it
	// down when the legend wraps), and labels that would overprint hide:
	// the legend names every slice.
	s["top"], s["bottom"] = 86, 8
	s["labelLayout"] = map[string]any{"hideOverlap": true}
	// A slice's note (the networks an "Other" slice holds) rides on its
	// data item for the page script's tooltip.
	if items, ok := s["data"].([]any); ok {
		for i, sl := range slices {
			if item, ok := items[i].(map[string]any); ok && sl.Note != "" {
				item["imNote"] = sl.Note
			}
		}
	}
	return ch
}
