package charts

import (
	"testing"
)

// TestFoldNotesGolden: the networks a folded "Other" entry holds ride on
// the options as text for the page script's tooltips — per period on the
// trend's series (imNotes), on the ring's slice (imNote) — escaped like
// every label, and a chart without notes carries none (its golden files
// are unchanged). -update rewrites testdata/share_fold_*.json.
func TestFoldNotesGolden(t *testing.T) {
	m := Meta{ID: "f", Title: "Shares", SaveAsImage: "Save"}
	cases := []struct {
		name string
		c    Chart
	}{
		{"share_fold_trend", StackedShare(m, []string{"2010-Q3", "2010-Q4"}, []Series{
			{Name: "QQ", Color: "#12b7f5", Values: []*float64{f(76.37), f(76.9)}},
			{Name: "Other (3 networks)", Color: "#9aa5b1", Values: []*float64{f(23.63), f(23.1)},
				Notes: []string{"Folded in: Fetion, MSN, " + hostile, "Folded in: Fetion, MSN"}},
		})},
		{"share_fold_donut", Donut(m, []Slice{{Name: "QQ", Value: 76.37}, {Name: "Other (2 networks)", Value: 23.63, Note: "Folded in: MSN, " + hostile}})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, tc.name, tc.c)
		})
	}
	trend := seriesOf(cases[0].c)
	if trend[0]["imNotes"] != nil || len(trend[1]["imNotes"].([]string)) != 2 {
		t.Errorf("imNotes: QQ %v, other %v; want none, then one per period", trend[0]["imNotes"], trend[1]["imNotes"])
	}
	ring := seriesOf(cases[1].c)[0]["data"].([]any)
	if ring[0].(map[string]any)["imNote"] != nil || ring[1].(map[string]any)["imNote"] != "Folded in: MSN, "+hostile {
		t.Errorf("slice notes %v", ring)
	}
}
