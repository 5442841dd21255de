package charts

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func f(v float64) *float64 { return &v }

const hostile = `</script><script>alert(1)</script>`

// TestGolden: each builder's option object, against a golden file
// (go test ./dashboard/charts -update rewrites them after a deliberate
// change; review the diff).
func TestGolden(t *testing.T) {
	m := func(id string) Meta {
		return Meta{ID: id, Title: "Title " + hostile, Subtitle: "sub", SaveAsImage: "Save"}
	}
	cases := []struct {
		name string
		c    Chart
	}{
		{"stacked_share", StackedShare(m("s"), []string{"2010-Q3", "2010-Q4"}, []Series{
			{Name: "QQ", Color: "#12b7f5", Values: []*float64{f(76.37), f(76.9)}},
			{Name: hostile, Values: []*float64{f(23.63), nil}},
		})},
		{"concentration", Concentration(m("c"), []string{"2010-Q3"}, Series{Name: "HHI", Values: []*float64{f(5982.6)}}, Series{Name: "CR4", Values: []*float64{f(96.07)}},
			[]Band{{Name: "unconcentrated", From: 0, To: 1500, Color: "#0f7b4f"}}, []Threshold{{Name: "2023", Value: 1800}})},
		{"donut", Donut(m("d"), []Slice{{Name: "QQ", Value: 76.37, Color: "#12b7f5"}, {Name: hostile, Value: 23.63}})},
		{"bars_horizontal", Bars(m("b"), []string{"QQ", "MSN"}, []Series{{Name: "users", Values: []*float64{f(10), nil}, Stack: "s"}}, Count, true)},
		{"colored_bars", ColoredBars(m("cb"), []Slice{{Name: "QQ", Value: 3, Color: "#12b7f5"}, {Name: "MSN", Value: -2}}, Count, false)},
		{"lines", Lines(m("l"), []string{"now", "+1"}, []Series{{Name: "QQ", Values: []*float64{f(76), f(77)}, Dashed: true}}, Percent)},
		{"sankey", Sankey(m("k"), []Node{{ID: "from\x00qq", Label: "QQ · 2010-Q3"}, {ID: "to\x00qq", Label: "QQ · 2010-Q4", Depth: 1}},
			[]Link{{Source: "from\x00qq", Target: "to\x00qq", Value: 100}})},
		{"heatmap", Heatmap(m("h"), []string{"QQ", "MSN"}, []string{"QQ", "MSN"}, []Cell{{X: 0, Y: 0, Value: f(0.9)}, {X: 1, Y: 0, Note: "hidden"}}, 0, 1, Ratio)},
		{"graph", Graph(m("g"), []Node{{ID: "fetion", Label: "Fetion", Value: 4}, {ID: "msn", Label: hostile, Value: 1}},
			[]Link{{Source: "fetion", Target: "msn", Value: 10, Color: "#0f7b4f", Label: "fetion-msn"}}, GraphGroups{Linked: "bridged", Apart: "no bridge"})},
		{"stacked_share_events", marked(StackedShare(m("se"), []string{"2010-Q3", "2010-Q4"}, []Series{
			{Name: "QQ", Color: "#12b7f5", Values: []*float64{f(76.37), f(76.9)}},
		}), []Mark{{X: "2010-Q4", Title: "3Q war " + hostile, Date: "2010-11-03"}, {X: "2011-Q1", Title: "not on the chart"}, {X: "2010-Q4", Title: "truce", Date: "2010-11-10"}})},
		{"concentration_events", marked(Concentration(m("ce"), []string{"2010-Q3", "2010-Q4"}, Series{Name: "HHI", Values: []*float64{f(5982.6), f(6000)}}, Series{Name: "CR4", Values: []*float64{f(96.07), f(96)}},
			nil, []Threshold{{Name: "2023", Value: 1800}}), []Mark{{X: "2010-Q4", Title: "3Q war", Date: "2010-11-03"}})},
		{"graph_isolated", Graph(m("gi"), []Node{{ID: "qq", Label: "QQ", Value: 76, Apart: true}, {ID: "fetion", Label: "Fetion", Value: 4}, {ID: "msn", Label: hostile, Value: 1}},
			[]Link{{Source: "fetion", Target: "msn", Value: 10, Color: "#0f7b4f"}}, GraphGroups{Linked: "bridged", Apart: hostile})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, tc.name, tc.c)
		})
	}
}

// marked is c with marks drawn on it.
func marked(c Chart, marks []Mark) Chart {
	MarkEvents(c, marks)
	return c
}

// TestGaps: a missing value is ECharts' gap, not zero.
func TestGaps(t *testing.T) {
	c := StackedShare(Meta{ID: "x"}, []string{"a", "b"}, []Series{{Name: "n", Values: []*float64{f(0), nil}}})
	data := seriesOf(c)[0]["data"].([]any)
	if v := data[0].(map[string]any)["value"]; v != 0.0 {
		t.Errorf("a zero became %v", v)
	}
	if v := data[1].(map[string]any)["value"]; v != "-" {
		t.Errorf("a missing value became %v", v)
	}
}

// TestConcentrationAxes: CR4 is drawn on the percent axis, HHI carries
// the bands and thresholds.
func TestConcentrationAxes(t *testing.T) {
	c := Concentration(Meta{ID: "c"}, []string{"p"}, Series{Name: "HHI", Values: []*float64{f(6000)}}, Series{Name: "CR4", Values: []*float64{f(96)}},
		[]Band{{Name: "a", From: 0, To: 1500}, {Name: "b", From: 1500, To: 2500}}, []Threshold{{Name: "t", Value: 1800}})
	s := seriesOf(c)
	if s[1]["yAxisIndex"] != 1 || s[0]["imFormat"] != "index" || s[1]["imFormat"] != "percent" {
		t.Errorf("series %v", s)
	}
	if areas := s[0]["markArea"].(map[string]any)["data"].([]any); len(areas) != 2 {
		t.Errorf("bands %v", areas)
	}
	if y := c.Option["yAxis"].([]map[string]any); len(y) != 2 || y[0]["max"] != 10000.0 || y[1]["max"] != 100.0 {
		t.Errorf("axes %v", y)
	}
}

// TestGraphIsolated: a network bridged to nobody is still drawn — the
// largest node, under the circle of the linked ones, in its own legend
// group with a dashed border — and without one the layout stays circular.
func TestGraphIsolated(t *testing.T) {
	g := GraphGroups{Linked: "bridged", Apart: "no bridge"}
	c := Graph(Meta{ID: "g"}, []Node{{ID: "qq", Value: 640, Apart: true}, {ID: "fetion", Value: 50}, {ID: "msn", Value: 30}, {ID: "skype", Value: 20, Apart: true}},
		[]Link{{Source: "fetion", Target: "msn", Value: 10}}, g)
	s := seriesOf(c)[0]
	if s["layout"] != "none" {
		t.Fatalf("layout %v", s["layout"])
	}
	data := s["data"].([]any)
	if len(data) != 4 {
		t.Fatalf("%d nodes drawn, want 4 (the unlinked ones too)", len(data))
	}
	node := func(i int) map[string]any { return data[i].(map[string]any) }
	circleBottom := 0.0
	for _, i := range []int{1, 2} {
		if node(i)["category"] != 0 {
			t.Errorf("linked node %v in category %v", node(i)["name"], node(i)["category"])
		}
		circleBottom = max(circleBottom, node(i)["y"].(float64))
	}
	for _, i := range []int{0, 3} {
		n := node(i)
		if n["category"] != 1 || n["itemStyle"].(map[string]any)["borderType"] != "dashed" {
			t.Errorf("unlinked node %v: %v", n["name"], n)
		}
		if y := n["y"].(float64); y <= circleBottom {
			t.Errorf("unlinked node %v at y %v, not under the circle (%v)", n["name"], y, circleBottom)
		}
	}
	if node(0)["symbolSize"].(float64) <= node(1)["symbolSize"].(float64) {
		t.Errorf("the unlinked leader is not the largest node: %v", data)
	}
	if l := c.Option["legend"].(map[string]any); l["show"] != true || len(l["data"].([]any)) != 2 {
		t.Errorf("legend %v", l)
	}
	if _, right := s["right"]; right || s["left"] != "center" {
		t.Errorf("left %v, right %v: the layout's aspect is not kept", s["left"], s["right"])
	}
	linkedOnly := Graph(Meta{ID: "g"}, []Node{{ID: "fetion", Value: 50}, {ID: "msn", Value: 30}}, []Link{{Source: "fetion", Target: "msn", Value: 10}}, g)
	if l := seriesOf(linkedOnly)[0]["layout"]; l != "circular" {
		t.Errorf("without unlinked nodes the layout is %v", l)
	}
}

// checkGolden compares chart c's option JSON, indented, with
// testdata/NAME.json (-update rewrites it), after checking that it carries
// no markup a page could run and no JavaScript function: charts are data.
func checkGolden(t *testing.T, name string, c Chart) {
	t.Helper()
	js, err := c.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), "</script") || strings.Contains(string(js), "<script") {
		t.Errorf("unescaped markup in %s", js)
	}
	if strings.Contains(string(js), "__f__") {
		t.Error("a JavaScript function in the option: charts are data only")
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(js), "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from %s:\n%s", name, path, buf.String())
	}
}
