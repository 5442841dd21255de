package charts

import (
	"strings"
	"testing"
)

// TestIntervalGolden: the HHI band and the published points, against
// golden files, with a hostile name in every text a reader supplies.
func TestIntervalGolden(t *testing.T) {
	m := func(id string) Meta { return Meta{ID: id, Title: "Title " + hostile, SaveAsImage: "Save"} }
	band := Concentration(m("c"), []string{"2010-Q2", "2010-Q3"}, Series{Name: "HHI", Values: []*float64{f(5000), f(5982.6)}}, Series{Name: "CR4", Values: []*float64{f(90), f(96.07)}},
		nil, nil)
	IntervalBand(band, "HHI range "+hostile, "#1d4ed8", 0, 0, []*float64{nil, f(5982.6)}, []*float64{nil, f(5984.3)}, []string{"", "range 5,982.6 … 5,984.3 " + hostile})
	points := LinesWithPoints(m("p"), []string{"2010-Q3", "2011-Q1"},
		[]Series{{Name: "QQ", Color: "#12b7f5", Values: []*float64{nil, f(76.7)}}},
		[]Series{{Name: "QQ, published (" + hostile + ")", Color: "#12b7f5", Values: []*float64{f(76.37), nil}, Notes: []string{"", ""}},
			{Name: "popo", Values: []*float64{f(1), nil}, Notes: []string{"published as no more than 1% " + hostile, ""}}}, Percent)
	for name, c := range map[string]Chart{"interval_band": band, "published_points": points} {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, name, c)
		})
	}
	// The band: base and width stacked, out of the tooltip, the edges as
	// the HHI series' notes; no band where there is no interval.
	ss := seriesOf(band)
	b, w := ss[len(ss)-2], ss[len(ss)-1]
	if b["stack"] != w["stack"] || b["imBand"] != true || w["areaStyle"] == nil || w["data"].([]any)[1] != *f(5984.3)-*f(5982.6) || b["data"].([]any)[0] != "-" {
		t.Errorf("band series %v / %v", b, w)
	}
	if notes, _ := ss[0]["imNotes"].([]string); len(notes) != 2 || !strings.Contains(notes[1], "5,984.3") {
		t.Errorf("HHI notes %v", ss[0]["imNotes"])
	}
	ps := seriesOf(points)
	if ps[1]["type"] != "scatter" || ps[1]["data"].([]any)[1] != "-" || ps[2]["imNotes"] == nil {
		t.Errorf("points %v", ps[1:])
	}
}
