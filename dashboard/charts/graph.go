package charts

import (
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// GraphGroups names the graph's two kinds of node in its legend: the
// networks linked to another, and those linked to none (drawn apart).
type GraphGroups struct {
	Linked, Apart string
}

// groupColor is the legend's colour of both groups: nodes keep their
// network's colour, the legend only names the groups.
const groupColor = "#7a7f87"

// apartRow is how many unlinked nodes share a row under the circle.
const apartRow = 4

// Graph is a network of nodes (IM networks, sized by users) and links
// (bridges, width by traffic, colour by health), laid out on a circle so
// the picture is the same on every load. Nodes marked Apart — networks
// bridged to nobody — are drawn in rows under the circle, with a dashed
// border and a legend group of their own, so a leader walled off from
// everyone is as visible as the bridges are.
func Graph(m Meta, nodes []Node, links []Link, groups GraphGroups) Chart {
	c := charts.NewGraph()
	c.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: m.ID}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
	)
	top := 0.0
	apart := 0
	for _, n := range nodes {
		top = max(top, n.Value)
		if n.Apart {
			apart++
		}
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
	if apart > 0 {
		placeApart(ch, nodes, groups)
	}
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

// placeApart lays the graph out by hand: the linked nodes on a circle (as
// ECharts' circular layout would, first node at the top, clockwise), the
// unlinked ones in rows of apartRow under it, each group a legend entry.
// ECharts fits the coordinates into the series' box keeping their aspect.
func placeApart(ch Chart, nodes []Node, groups GraphGroups) {
	s := seriesOf(ch)[0]
	s["layout"] = "none"
	// Top and bottom only: ECharts then keeps the coordinates' aspect
	// (with all four sides it stretches them to the box, circles into
	// flat ellipses), centred across the chart's width.
	s["top"] = 92 // under the legend
	s["left"] = "center"
	delete(s, "right")
	s["categories"] = []any{
		map[string]any{"name": groups.Linked, "itemStyle": map[string]any{"color": groupColor}},
		// A dashed ring in the legend, as the nodes' borders (an empty
		// symbol would be filled white, in the dark theme too).
		map[string]any{"name": groups.Apart, "itemStyle": map[string]any{"color": "transparent", "borderColor": groupColor, "borderWidth": 1.5, "borderType": "dashed"}},
	}
	ch.Option["legend"] = map[string]any{"show": true, "top": 48, "left": 8, "data": []any{
		map[string]any{"name": groups.Linked, "icon": "circle"},
		map[string]any{"name": groups.Apart, "icon": "circle"},
	}}
	const radius = 100.0
	linked := 0
	for _, n := range nodes {
		if !n.Apart {
			linked++
		}
	}
	data := s["data"].([]any)
	li, ai, total := 0, 0, countApart(nodes)
	rowsY := 0.0 // the first row's y: under the circle, or at the top when nothing is linked
	if linked > 0 {
		rowsY = radius * 1.8
	}
	for i, n := range nodes {
		d := data[i].(map[string]any)
		if !n.Apart {
			a := 2 * math.Pi * float64(li) / float64(linked)
			d["x"], d["y"] = round2(radius*math.Sin(a)), round2(-radius*math.Cos(a))
			d["category"] = 0
			li++
			continue
		}
		row, col := ai/apartRow, ai%apartRow
		inRow := min(apartRow, total-row*apartRow)
		x := 0.0
		if inRow > 1 { // a row a little wider than the circle: room for the labels
			x = -1.5*radius + 3*radius*float64(col)/float64(inRow-1)
		}
		d["x"], d["y"] = round2(x), round2(rowsY+float64(row)*radius*0.7)
		d["category"] = 1
		style, _ := d["itemStyle"].(map[string]any)
		if style == nil {
			style = map[string]any{}
			d["itemStyle"] = style
		}
		style["borderType"], style["borderWidth"], style["borderColor"], style["opacity"] = "dashed", 2, groupColor, 0.8
		d["label"] = map[string]any{"position": "bottom"} // beside, neighbours' names would collide
		ai++
	}
}

func countApart(nodes []Node) int {
	n := 0
	for _, x := range nodes {
		if x.Apart {
			n++
		}
	}
	return n
}

// round2 keeps golden files readable: positions to two decimals.
func round2(v float64) float64 { return math.Round(v*100)/100 + 0 } // + 0: no -0
