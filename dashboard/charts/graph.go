package charts

import (
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Graph is a network of nodes (IM networks, sized by users) and links
// (bridges, width by traffic, colour by health), laid out on a circle so
// the picture is the same on every load.
func Graph(m Meta, nodes []Node, links []Link) Chart {
	c := charts.NewGraph()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: m.ID}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
	)
	top := 0.0
	for _, n := range nodes {
		top = max(top, n.Value)
	}
	ns := make([]opts.GraphNode, len(nodes))
	for i, n := range nodes {
		size := 18.0
		if top > 0 {
			size = 14 + 46*math.Sqrt(n.Value/top) // area ∝ users
		}
		ns[i] = opts.GraphNode{Name: n.ID, Value: float32(n.Value), SymbolSize: size, ItemStyle: itemColor(n.Color)}
	}
	heaviest := 0.0
	for _, l := range links {
		heaviest = max(heaviest, l.Value)
	}
	ls := make([]opts.GraphLink, len(links))
	for i, l := range links {
		w := l.Width
		if w == 0 {
			w = 1.5
			if heaviest > 0 {
				w = 1.5 + 8.5*math.Sqrt(l.Value/heaviest)
			}
		}
		ls[i] = opts.GraphLink{Source: l.Source, Target: l.Target, Value: float32(l.Value), LineStyle: &opts.LineStyle{Width: float32(w), Color: l.Color, Opacity: opts.Float(0.85)}}
	}
	c.AddSeries(m.Title, ns, ls, charts.WithGraphChartOpts(opts.GraphChart{Layout: "circular", Roam: opts.Bool(true)}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}))
	ch := finish(m, "graph", 420, Count, c.Validate, c.JSON)
	s := seriesOf(ch)[0]
	s["top"], s["bottom"], s["left"], s["right"] = 72, 24, 80, 80
	s["emphasis"] = map[string]any{"focus": "adjacency"}
	s["labelLayout"] = map[string]any{"hideOverlap": true} // the tooltip names a node whose label would overprint
	ch.Option["legend"] = map[string]any{"show": false}
	labels := map[string]string{}
	for _, n := range nodes {
		labels[n.ID] = n.Label
	}
	for _, l := range links {
		if l.Label != "" {
			labels[l.Source+"\x00"+l.Target] = l.Label
		}
	}
	s["imLabels"] = labels
	return ch
}
