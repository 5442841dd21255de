package analytics

import (
	"fmt"
	"slices"
	"testing"

	"github.com/imscope/imscope"
)

var switchFilter = imscope.Filter{From: date(2011, 1, 1), To: date(2011, 3, 1), Granularity: imscope.Month}

// threeByThree is the golden 3×3 switching matrix, from January to February
// 2011, as ClickHouse returns it ("" = outside the panel):
//
//	            to a    b    c  | leavers | at p (row total)
//	from a        80   10   10  |   20    | 120
//	from b        40  140   20  |   10    | 210
//	from c        20   20   60  |   10    | 110
//	entrants       5   15   10  |    –    |  30
//	at p+1       145  185  100  |   40    | 470 users in all
var threeByThree = []TransitionCount{
	{date(2011, 1, 1), "a", "a", 80}, {date(2011, 1, 1), "a", "b", 10}, {date(2011, 1, 1), "a", "c", 10}, {date(2011, 1, 1), "a", "", 20},
	{date(2011, 1, 1), "b", "a", 40}, {date(2011, 1, 1), "b", "b", 140}, {date(2011, 1, 1), "b", "c", 20}, {date(2011, 1, 1), "b", "", 10},
	{date(2011, 1, 1), "c", "a", 20}, {date(2011, 1, 1), "c", "b", 20}, {date(2011, 1, 1), "c", "c", 60}, {date(2011, 1, 1), "c", "", 10},
	{date(2011, 1, 1), "", "a", 5}, {date(2011, 1, 1), "", "b", 15}, {date(2011, 1, 1), "", "c", 10},
}

func goldenSwitching(t *testing.T) Switching {
	t.Helper()
	got, err := SwitchingFromCounts(switchFilter, threeByThree)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d matrices, want 1", len(got))
	}
	return got[0]
}

func TestSwitchingGolden(t *testing.T) {
	s := goldenSwitching(t)
	if !slices.Equal(s.Networks, []string{"a", "b", "c"}) || s.Outside() != 3 {
		t.Fatalf("networks %v", s.Networks)
	}
	if !s.From.Equal(date(2011, 1, 1)) || !s.To.Equal(date(2011, 2, 1)) {
		t.Errorf("periods %v → %v", s.From, s.To)
	}
	if !slices.Equal(s.Before, []uint64{120, 210, 110, 30}) || !slices.Equal(s.After, []uint64{145, 185, 100, 40}) || s.Users != 470 {
		t.Errorf("totals before %v after %v users %d", s.Before, s.After, s.Users)
	}
	// P_ij = N_ij / row total:
	//	a: 80/120 = 2/3, 10/120 = 1/12, 1/12, leave 20/120 = 1/6
	//	b: 40/210 = 4/21, 140/210 = 2/3, 20/210 = 2/21, leave 10/210 = 1/21
	//	c: 20/110 = 2/11, 2/11, 60/110 = 6/11, leave 1/11
	//	entrants: 5/30 = 1/6, 15/30 = 1/2, 10/30 = 1/3
	wantP := [][]float64{
		{2.0 / 3, 1.0 / 12, 1.0 / 12, 1.0 / 6},
		{4.0 / 21, 2.0 / 3, 2.0 / 21, 1.0 / 21},
		{2.0 / 11, 2.0 / 11, 6.0 / 11, 1.0 / 11},
		{1.0 / 6, 1.0 / 2, 1.0 / 3, 0},
	}
	// D_ij = N_ij / Σ_{k≠i} N_ik, leavers included:
	//	a: 40 left → b 10/40 = .25, c .25, leave 20/40 = .5
	//	b: 70 left → a 40/70 = 4/7, c 20/70 = 2/7, leave 1/7
	//	c: 50 left → a .4, b .4, leave .2
	wantD := [][]float64{
		{0, .25, .25, .5},
		{4.0 / 7, 0, 2.0 / 7, 1.0 / 7},
		{.4, .4, 0, .2},
		{1.0 / 6, 1.0 / 2, 1.0 / 3, 0},
	}
	// Net flow i→j = N_ij − N_ji: a→b 10 − 40 = −30 (a gained 30 from b),
	// a→c 10 − 20 = −10, b→c 20 − 20 = 0; to the outside: leavers − entrants,
	// a 20 − 5 = 15, b 10 − 15 = −5, c 10 − 10 = 0.
	wantNet := [][]int64{
		{0, -30, -10, 15},
		{30, 0, 0, -5},
		{10, 0, 0, 0},
		{-15, 5, 0, 0},
	}
	for i := range 4 {
		for j := range 4 {
			at := fmt.Sprintf("[%d][%d]", i, j)
			near(t, "P"+at, s.P[i][j], wantP[i][j], 1e-12)
			near(t, "D"+at, s.Diversion[i][j], wantD[i][j], 1e-12)
			if s.NetFlow[i][j] != wantNet[i][j] {
				t.Errorf("net flow %s = %d, want %d", at, s.NetFlow[i][j], wantNet[i][j])
			}
		}
	}
	// Retention P_ii: a 2/3, b 2/3, c 6/11.
	nearPtr(t, "retention a", s.Retention[0], f64(2.0/3), 1e-12)
	nearPtr(t, "retention b", s.Retention[1], f64(2.0/3), 1e-12)
	nearPtr(t, "retention c", s.Retention[2], f64(6.0/11), 1e-12)
	nearPtr(t, "retention outside", s.Retention[3], nil, 0)
}

func TestPrimaries(t *testing.T) {
	jan := date(2011, 1, 1)
	recs := []imscope.PanelRecord{
		// user 1: equal days, more messages on msn → msn
		{Period: jan, UserKey: 1, Network: "qq", ActiveDays: 10, Messages: 100},
		{Period: jan, UserKey: 1, Network: "msn", ActiveDays: 10, Messages: 200},
		// user 2: equal days and messages → the smaller id, msn
		{Period: jan, UserKey: 2, Network: "qq", ActiveDays: 5, Messages: 7},
		{Period: jan, UserKey: 2, Network: "msn", ActiveDays: 5, Messages: 7},
		// user 3: days beat messages → qq
		{Period: jan, UserKey: 3, Network: "qq", ActiveDays: 20, Messages: 1},
		{Period: jan, UserKey: 3, Network: "msn", ActiveDays: 5, Messages: 999},
		// user 4: no activity → not present
		{Period: jan, UserKey: 4, Network: "qq"},
		// user 5: another segment, filtered out below
		{Period: jan, UserKey: 5, Network: "qq", ActiveDays: 1, Segment: "students"},
	}
	f := switchFilter
	f.Segment = ""
	got, err := Primaries(f, recs)
	if err != nil {
		t.Fatal(err)
	}
	want := []Primary{{jan, 1, "msn"}, {jan, 2, "msn"}, {jan, 3, "qq"}, {jan, 5, "qq"}}
	if !slices.Equal(got, want) {
		t.Errorf("primaries %v, want %v", got, want)
	}
	f.Segment = "students"
	got, _ = Primaries(f, recs)
	if !slices.Equal(got, []Primary{{jan, 5, "qq"}}) {
		t.Errorf("students: %v", got)
	}
	_, err = Primaries(f, append(recs, recs[0]))
	wantInvalid(t, err, "records")
}

// The panel path must give the same counts as the ClickHouse path:
//
//	user 1: qq in January, qq in February        → qq → qq
//	user 2: qq, then msn                          → qq → msn
//	user 3: msn, then absent                      → msn → leaver
//	user 4: absent, then msn                      → entrant → msn
//	user 5: msn (5 days beats qq's 2), then qq (9 days beats msn's 1) → msn → qq
//
// March has no records at all, so February → March and March → April are
// missing (no matrix), not "everyone left" and "everyone entered".
func TestSwitchingFromPanel(t *testing.T) {
	jan, feb, apr := date(2011, 1, 1), date(2011, 2, 1), date(2011, 4, 1)
	recs := []imscope.PanelRecord{
		{Period: jan, UserKey: 1, Network: "qq", ActiveDays: 3}, {Period: feb, UserKey: 1, Network: "qq", ActiveDays: 3},
		{Period: jan, UserKey: 2, Network: "qq", ActiveDays: 3}, {Period: feb, UserKey: 2, Network: "msn", ActiveDays: 3},
		{Period: jan, UserKey: 3, Network: "msn", ActiveDays: 3},
		{Period: feb, UserKey: 4, Network: "msn", ActiveDays: 3},
		{Period: jan, UserKey: 5, Network: "qq", ActiveDays: 2}, {Period: jan, UserKey: 5, Network: "msn", ActiveDays: 5},
		{Period: feb, UserKey: 5, Network: "qq", ActiveDays: 9}, {Period: feb, UserKey: 5, Network: "msn", ActiveDays: 1},
		{Period: apr, UserKey: 1, Network: "qq", ActiveDays: 3},
	}
	f := imscope.Filter{From: jan, To: date(2011, 5, 1), Granularity: imscope.Month}
	counts, err := TransitionsFromPanel(f, recs)
	if err != nil {
		t.Fatal(err)
	}
	want := []TransitionCount{
		{jan, "", "msn", 1}, {jan, "msn", "", 1}, {jan, "msn", "qq", 1}, {jan, "qq", "msn", 1}, {jan, "qq", "qq", 1},
	}
	if !slices.Equal(counts, want) {
		t.Fatalf("counts %v, want %v", counts, want)
	}
	got, err := SwitchingFromPanel(f, recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].From.Equal(jan) {
		t.Fatalf("%d matrices: %+v", len(got), got)
	}
	// networks msn, qq; outside at 2.
	wantN := [][]uint64{{0, 1, 1}, {1, 1, 0}, {1, 0, 0}}
	for i := range wantN {
		if !slices.Equal(got[0].Counts[i], wantN[i]) {
			t.Errorf("row %d = %v, want %v", i, got[0].Counts[i], wantN[i])
		}
	}
}

func TestSwitchingSelectionAndRange(t *testing.T) {
	// Selecting a and b folds c into other; the matrix still holds 470 users.
	f := switchFilter
	f.Networks = []string{"a", "b"}
	got, err := SwitchingFromCounts(f, threeByThree)
	if err != nil {
		t.Fatal(err)
	}
	s := got[0]
	if !slices.Equal(s.Networks, []string{"a", "b", OtherNetwork}) || s.Users != 470 {
		t.Fatalf("networks %v, users %d", s.Networks, s.Users)
	}
	// other → other = c → c = 60; other → a = 20; a → other = 10.
	if s.Counts[2][2] != 60 || s.Counts[2][0] != 20 || s.Counts[0][2] != 10 {
		t.Errorf("folded counts %v", s.Counts)
	}
	// A range of one month has no pair of periods: nothing.
	one := switchFilter
	one.To = date(2011, 2, 1)
	got, err = SwitchingFromCounts(one, threeByThree)
	if err != nil || len(got) != 0 {
		t.Errorf("one period: %v, %v", got, err)
	}
}

func TestSwitchingInvalid(t *testing.T) {
	cases := []struct {
		name   string
		f      imscope.Filter
		counts []TransitionCount
		param  string
	}{
		{"no granularity", imscope.Filter{From: switchFilter.From, To: switchFilter.To}, nil, "granularity"},
		{"no range", imscope.Filter{Granularity: imscope.Month}, nil, "from"},
		{"unaligned", switchFilter, []TransitionCount{{date(2011, 1, 2), "a", "b", 1}}, "period"},
		{"outside to outside", switchFilter, []TransitionCount{{date(2011, 1, 1), "", "", 1}}, "network"},
		{"duplicate", switchFilter, []TransitionCount{{date(2011, 1, 1), "a", "b", 1}, {date(2011, 1, 1), "a", "b", 2}}, "counts"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SwitchingFromCounts(tc.f, tc.counts)
			wantInvalid(t, err, tc.param)
		})
	}
}

// BenchmarkSwitchingFromCounts is what the dashboard does per request for a
// 10-network market: matrix from the 120 count rows ClickHouse returns,
// steady state, a 12-period forecast and the suppressed display table.
func BenchmarkSwitchingFromCounts(b *testing.B) {
	nets := []string{"qq", "wangwang", "fetion", "msn", "skype", "sinauc", "popo", "yahoo", "wechat", "line"}
	var counts []TransitionCount
	for i, from := range append([]string{""}, nets...) {
		for j, to := range append([]string{""}, nets...) {
			if from == "" && to == "" {
				continue
			}
			n := uint64(1000 + 37*i + 11*j)
			if from == to {
				n *= 50 // most users stay
			}
			counts = append(counts, TransitionCount{date(2011, 1, 1), from, to, n})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		ss, err := SwitchingFromCounts(switchFilter, counts)
		if err != nil {
			b.Fatal(err)
		}
		s := &ss[0]
		m := s.Markov()
		if st := m.SteadyState(); !st.Unique {
			b.Fatal("no steady state")
		}
		if _, err := m.Forecast(s.Shares(), 12); err != nil {
			b.Fatal(err)
		}
		_ = s.Table(10)
	}
}
