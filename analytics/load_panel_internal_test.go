package analytics

import (
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func TestPanelStep(t *testing.T) {
	quarters := []time.Time{date(2011, 1, 1), date(2011, 4, 1), date(2011, 7, 1)}
	months := []time.Time{date(2011, 1, 1), date(2011, 2, 1)}
	for _, tc := range []struct {
		name    string
		periods []time.Time
		p       time.Time
		want    imscope.Granularity
	}{
		{"a quarter by its successor", quarters, date(2011, 1, 1), imscope.Quarter},
		{"the last by its predecessor", quarters, date(2011, 7, 1), imscope.Quarter},
		{"months", months, date(2011, 2, 1), imscope.Month},
		{"a lone period is a month", []time.Time{date(2011, 1, 1)}, date(2011, 1, 1), imscope.Month},
		{"not a panel period", quarters, date(2011, 2, 1), imscope.Month},
		{"an irregular gap is a month", []time.Time{date(2011, 1, 1), date(2011, 1, 20)}, date(2011, 1, 1), imscope.Month},
		{"weeks", []time.Time{date(2011, 1, 3), date(2011, 1, 10)}, date(2011, 1, 3), imscope.Week},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PanelStep(tc.periods, tc.p); got != tc.want {
				t.Errorf("PanelStep = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestMergers(t *testing.T) {
	p1, p2 := date(2011, 1, 1), date(2011, 2, 1)
	periods := []PeriodShares{
		{Period: p1, Shares: []Share{{Network: "a", Share: 40}, {Network: "b", Share: 30}, {Network: "c", Share: 20}, {Network: "d", Share: 10}}},
		{Period: p2, Shares: []Share{{Network: "a", Share: 50}, {Network: "c", Share: 50}}},
	}
	got, absent, err := Mergers(periods, []string{"c", "d", "x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(absent) != 1 || absent[0] != "x" {
		t.Errorf("absent %v, want [x]", absent)
	}
	if len(got) != 2 || got[0].Merger != nil || len(got[0].Missing) != 1 || got[0].Missing[0] != "x" {
		t.Fatalf("a member missing in a period leaves it without arithmetic: %+v", got)
	}
	got, _, err = Mergers(periods, []string{"c", "d"})
	if err != nil {
		t.Fatal(err)
	}
	// 40/30/20/10, c and d merge: ΔHHI = 2 × 20 × 10 = 400.
	if m := got[0].Merger; m == nil || m.DeltaHHI != 400 || m.Members[0] != "c" {
		t.Errorf("January: %+v", m)
	}
	if got[1].Merger != nil || len(got[1].Present) != 1 || got[1].Present[0] != "c" {
		t.Errorf("February, d gone: %+v", got[1])
	}
}

func TestAsk(t *testing.T) {
	f := imscope.Filter{From: date(2011, 1, 1), To: date(2011, 2, 1), Granularity: imscope.Month, Metric: "messages"}
	if q, err := Ask(f); err != nil || !q.Filter().From.Equal(f.From) {
		t.Fatalf("Ask(%+v) = %+v, %v", f, q, err)
	}
	for _, tc := range []struct {
		name  string
		f     imscope.Filter
		param string
	}{
		{"no range", imscope.Filter{Granularity: imscope.Month, Metric: "messages"}, "from"},
		{"no metric", imscope.Filter{From: f.From, To: f.To, Granularity: imscope.Month}, "metric"},
		{"no granularity", imscope.Filter{From: f.From, To: f.To, Metric: "messages"}, "granularity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Ask(tc.f)
			wantInvalid(t, err, tc.param)
		})
	}
	span := imscope.Filter{From: f.From, To: f.To}
	if s, err := AskSpan(span); err != nil || !s.Filter().To.Equal(span.To) {
		t.Fatalf("AskSpan(%+v) = %+v, %v", span, s, err)
	}
	_, err := AskSpan(imscope.Filter{From: f.To, To: f.From})
	wantInvalid(t, err, "to")
}
