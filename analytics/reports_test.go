package analytics

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"

	"github.com/imscope/imscope"
)

// loadSeed reads testdata/im-share-q3.csv, a copy of shared/data's
// Analysys 2010-Q3 figures, as market reports.
func loadSeed(t *testing.T) []imscope.MarketReport {
	t.Helper()
	fh, err := os.Open("testdata/im-share-q3.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []imscope.MarketReport
	for _, r := range recs[1:] { // period,publisher,basis,network,share_pct,bound,note
		share, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, imscope.MarketReport{Period: r[0], PeriodStart: date(2010, 7, 1), Publisher: r[1], Basis: r[2],
			Network: r[3], Share: share, Bound: imscope.Bound(r[5]), Note: r[6]})
	}
	return out
}

func TestCompareWithReports(t *testing.T) {
	f := imscope.Filter{From: date(2010, 1, 1), To: date(2011, 1, 1), Granularity: imscope.Quarter, Metric: "active_users_30d"}
	// Measured 2010-Q3 out of 1,000 users: qq 780 (78%), wangwang 100 (10%),
	// fetion 50 (5%), msn 50 (5%), wechat 10 (1%), sinauc 5 (0.5%), popo 5 (0.5%).
	rows := []ShareInput{
		{date(2010, 7, 1), "qq", 780}, {date(2010, 7, 1), "wangwang", 100}, {date(2010, 7, 1), "fetion", 50},
		{date(2010, 7, 1), "msn", 50}, {date(2010, 7, 1), "wechat", 10}, {date(2010, 7, 1), "sinauc", 5}, {date(2010, 7, 1), "popo", 5},
	}
	measured, err := Shares(f, rows, 0)
	if err != nil {
		t.Fatal(err)
	}
	reports := loadSeed(t)
	// A monthly report starting the same day must not be set beside a quarter.
	reports = append(reports, imscope.MarketReport{Period: "2010-07", PeriodStart: date(2010, 7, 1), Publisher: "Other", Network: "qq", Share: 90, Bound: imscope.BoundEq})
	got, err := CompareWithReports(f, measured, reports)
	if err != nil {
		t.Fatal(err)
	}
	// Diff = measured − published: qq 78 − 76.37 = 1.63; wangwang 10 − 9.81 = 0.19;
	// fetion 5 − 5.55 = −0.55; msn 5 − 4.34 = 0.66; skype unmeasured.
	// "<1%" rows: sinauc and popo measured 0.5 ≤ 1 (within); yahoo unmeasured.
	// wechat is measured but unpublished: last, Published nil.
	want := []struct {
		network   string
		measured  *float64
		published *float64
		diff      *float64
		within    *bool
	}{
		{"qq", f64(78), f64(76.37), f64(1.63), nil},
		{"wangwang", f64(10), f64(9.81), f64(0.19), nil},
		{"fetion", f64(5), f64(5.55), f64(-0.55), nil},
		{"msn", f64(5), f64(4.34), f64(0.66), nil},
		{"skype", nil, f64(2.08), nil, nil},
		{"popo", f64(0.5), f64(1), nil, ptr(true)},
		{"sinauc", f64(0.5), f64(1), nil, ptr(true)},
		{"yahoo", nil, f64(1), nil, nil},
		{"wechat", f64(1), nil, nil, nil},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		t.Run(w.network, func(t *testing.T) {
			if g.Network != w.network {
				t.Fatalf("row %d is %s", i, g.Network)
			}
			nearPtr(t, "measured", g.Measured, w.measured, 1e-9)
			nearPtr(t, "published", g.Published, w.published, 1e-9)
			nearPtr(t, "diff", g.Diff, w.diff, 1e-9)
			if (g.WithinBound == nil) != (w.within == nil) || (g.WithinBound != nil && *g.WithinBound != *w.within) {
				t.Errorf("within bound = %v, want %v", g.WithinBound, w.within)
			}
			if w.published != nil && (g.Label != "2010-Q3" || g.Publisher != "Analysys International" || g.Basis != "users") {
				t.Errorf("report fields lost: %+v", g)
			}
		})
	}
}

func TestCompareWithReportsInvalid(t *testing.T) {
	f := imscope.Filter{From: date(2010, 1, 1), To: date(2011, 1, 1), Granularity: imscope.Quarter}
	_, err := CompareWithReports(f, nil, []imscope.MarketReport{{Period: "2010-Q3", PeriodStart: date(2010, 7, 1), Network: "qq", Share: 120}})
	wantInvalid(t, err, "share")
	_, err = CompareWithReports(f, nil, []imscope.MarketReport{{Period: "2010-Q3", PeriodStart: date(2010, 7, 1), Network: "qq", Share: 1, Bound: "about"}})
	wantInvalid(t, err, "bound")
	_, err = CompareWithReports(imscope.Filter{From: f.From, To: f.To, Granularity: "fortnight"}, nil, nil)
	wantInvalid(t, err, "granularity")
}
