package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Node is a node of a flow or network chart.
type Node struct {
	ID    string // unique within the chart
	Label string // what the reader sees
	Color string
	Value float64
	Depth int // sankey column
}

// Link is a weighted edge between two nodes, by ID.
type Link struct {
	Source, Target string
	Value          float64
	Color          string
	Width          float64 // graph edges; 0 picks one from Value
	Label          string
}

// Sankey shows flows between two columns of nodes (users' primary network
// in one period and the next, entrants and leavers included).
func Sankey(m Meta, nodes []Node, links []Link) Chart {
	c := charts.NewSankey()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: m.ID}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
	)
	ns := make([]opts.SankeyNode, len(nodes))
	for i, n := range nodes {
		d := n.Depth
		ns[i] = opts.SankeyNode{Name: n.ID, Depth: &d, ItemStyle: itemColor(n.Color)}
	}
	ls := make([]opts.SankeyLink, len(links))
	for i, l := range links {
		ls[i] = opts.SankeyLink{Source: l.Source, Target: l.Target, Value: float32(l.Value)}
	}
	c.AddSeries(m.Title, ns, ls, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}))
	ch := finish(m, "sankey", 420, Count, c.Validate, c.JSON)
	s := seriesOf(ch)[0]
	s["top"], s["bottom"], s["left"] = 72, 16, 16
	s["emphasis"] = map[string]any{"focus": "adjacency"}
	s["lineStyle"] = map[string]any{"color": "gradient", "opacity": 0.35}
	s["right"] = 16
	// The last column's labels sit left of their nodes, inside the chart.
	s["levels"] = []any{map[string]any{"depth": 1, "label": map[string]any{"position": "left"}}}
	ch.Option["legend"] = map[string]any{"show": false}
	// Node ids must be unique per column ("qq" before and after), so the
	// label the reader sees travels beside the id and the page script
	// shows it (names are data, never markup).
	labels := map[string]string{}
	for _, n := range nodes {
		labels[n.ID] = n.Label
	}
	s["imLabels"] = labels
	return ch
}
