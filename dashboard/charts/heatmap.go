package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Cell is one cell of a heat map, by category index; a nil Value is a
// suppressed or missing cell, drawn empty with its Note in the tooltip.
type Cell struct {
	X, Y  int
	Value *float64
	Note  string
}

// Heatmap is a matrix (switching probabilities, pairwise overlap) with a
// colour scale from Min to Max.
func Heatmap(m Meta, x, y []string, cells []Cell, lo, hi float64, format Format) Chart {
	c := charts.NewHeatMap()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: m.ID}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithGridOpts(grid(64, 56)),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: x, SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: y, Inverse: opts.Bool(true), SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: float32(lo), Max: float32(hi), Orient: "horizontal", Left: "center", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: []string{"#f7fbff", "#6baed6", "#08306b"}}}),
	)
	data := make([]opts.HeatMapData, len(cells))
	for i, cl := range cells {
		data[i] = opts.HeatMapData{Value: [3]any{cl.X, cl.Y, value(cl.Value)}, Name: cl.Note}
	}
	c.AddSeries(m.Title, data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(len(x)*len(y) <= 100)}))
	h := 140 + 34*len(y)
	h = max(h, 300)
	ch := finish(m, "heatmap", h, format, c.Validate, c.JSON)
	ch.Option["legend"] = map[string]any{"show": false}
	s := seriesOf(ch)[0]
	// The page script hides the labels when cells get too narrow for them
	// (a phone) and recolours the scale for the dark theme.
	s["label"] = map[string]any{"show": len(x)*len(y) <= 100, "fontSize": 10}
	s["labelLayout"] = map[string]any{"hideOverlap": true}
	// Every category labelled: a matrix row without its name is unreadable.
	axis(ch, "xAxis")["axisLabel"] = map[string]any{"interval": 0, "rotate": 30}
	axis(ch, "yAxis")["axisLabel"] = map[string]any{"interval": 0}
	return ch
}
