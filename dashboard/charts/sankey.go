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
	Depth int  // sankey column
	Apart bool // graph: linked to no other node, drawn apart (see Graph)
}

// Link is a weighted edge between two nodes, by ID.
type Link struct {
	Source, Target string
	Value          float64
	Color          string
	Width          float64 // graph edges; 0 picks one from Value
	Label          string
}

// labelRoom is the width of a Sankey's label margins, in pixels.
const labelRoom = 130

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
	// Labels sit outside the flows, the first column's left of its nodes
	// and the last column's right of them, in margins of labelRoom pixels
	// (the page script narrows them on a phone): the two columns can never
	// meet. Nodes are at least nodeGap apart, so neighbours' labels do not
	// overprint; one that still would is hidden (the tooltip names it).
	s["top"], s["bottom"], s["left"], s["right"] = 72, 16, labelRoom, labelRoom
	s["nodeGap"] = 16
	s["animationDuration"] = 300 // a Sankey's own default is 1 s, its labels clipped meanwhile
	s["emphasis"] = map[string]any{"focus": "adjacency"}
	s["lineStyle"] = map[string]any{"color": "gradient", "opacity": 0.35}
	s["labelLayout"] = map[string]any{"hideOverlap": true}
	label := func(position string) map[string]any {
		return map[string]any{"position": position, "width": labelRoom - 8, "overflow": "truncate"}
	}
	s["levels"] = []any{map[string]any{"depth": 0, "label": label("left")}, map[string]any{"depth": 1, "label": label("right")}}
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
