package analytics

import (
	"errors"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func report(label string, start time.Time, publisher, basis, network string, share float64, b imscope.Bound) imscope.MarketReport {
	return imscope.MarketReport{Period: label, PeriodStart: start, Publisher: publisher, Basis: basis, Network: network, Share: share, Bound: b}
}

// TestPublishedMarkets: figures join a question at their own granularity;
// several bases (or publishers) without a choice are refused naming the
// parameter, with the choices; a choice narrows to one series.
func TestPublishedMarkets(t *testing.T) {
	q2, q3 := time.Date(2010, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	y2010 := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	reports := []imscope.MarketReport{
		report("2010-Q2", q2, "A", "mobile", "qq", 60, imscope.BoundEq),
		report("2010-Q3", q3, "A", "users", "qq", 76.37, imscope.BoundEq),
		report("2010-Q3", q3, "A", "users", "popo", 1, imscope.BoundLt),
		report("2010-Q3", q3, "B", "users", "qq", 70, imscope.BoundEq),
		report("2010", y2010, "A", "users", "qq", 75, imscope.BoundEq),
	}
	quarter := imscope.Filter{From: y2010, To: time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), Granularity: imscope.Quarter, Metric: "active_users_30d"}
	year := quarter
	year.Granularity = imscope.Year
	cases := []struct {
		name             string
		f                imscope.Filter
		publisher, basis string
		param            string // the refusal's parameter; "" for an answer
		periods          int
		rows             int // in the last period
	}{
		{"several bases", quarter, "", "", "basis", 0, 0},
		{"several publishers", quarter, "", "users", "publisher", 0, 0},
		{"one series", quarter, "A", "users", "", 1, 2},
		{"mobile alone", quarter, "", "mobile", "", 1, 1},
		{"a year's figure only at year granularity", year, "", "", "", 1, 1},
		{"unknown publisher", quarter, "C", "", "publisher", 0, 0},
		{"unknown basis", quarter, "", "revenue", "basis", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			used, avail, periods, err := PublishedMarkets(tc.f, reports, tc.publisher, tc.basis)
			var ie *imscope.InvalidError
			if tc.param != "" {
				if !errors.As(err, &ie) || ie.Param != tc.param {
					t.Fatalf("err %v, want an InvalidError naming %s", err, tc.param)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(periods) != tc.periods || len(periods[len(periods)-1].Rows) != tc.rows {
				t.Fatalf("periods %+v", periods)
			}
			if used.Basis == "" || used.Publisher == "" || len(avail) == 0 {
				t.Errorf("used %+v of %v", used, avail)
			}
		})
	}
	_, avail, _, _ := PublishedMarkets(quarter, reports, "", "")
	if len(avail) != 3 || avail[0] != (Series{"A", "mobile"}) || avail[2] != (Series{"B", "users"}) {
		t.Errorf("available %v", avail)
	}
}

// TestPublishedShares: shares as printed, bounds kept, ranks by figure,
// changes only between exact figures of consecutive periods.
func TestPublishedShares(t *testing.T) {
	q2, q3 := time.Date(2010, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	periods := []PublishedPeriod{
		{Period: q2, Label: "2010-Q2", Rows: []BoundedShare{{"qq", 70, imscope.BoundEq}, {"popo", 2, imscope.BoundEq}}},
		{Period: q3, Label: "2010-Q3", Rows: []BoundedShare{{"popo", 1, imscope.BoundLt}, {"qq", 76.37, imscope.BoundEq}}},
	}
	ps := PublishedShares(imscope.Quarter, periods, nil)
	last := ps[1]
	if last.Total != 76.37 || last.Shares[0].Network != "qq" || last.Shares[0].Rank != 1 || last.Shares[1].Bound != imscope.BoundLt {
		t.Fatalf("2010-Q3: %+v", last)
	}
	if d := last.Shares[0].DeltaPrev; d == nil || *d < 6.369 || *d > 6.371 {
		t.Errorf("qq ΔPrev %v, want 6.37", d)
	}
	if last.Shares[1].DeltaPrev != nil {
		t.Errorf("a bound has no change: %v", *last.Shares[1].DeltaPrev)
	}
	if only := PublishedShares(imscope.Quarter, periods, []string{"popo"}); len(only[1].Shares) != 1 || only[1].Total != 76.37 {
		t.Errorf("networks=popo: %+v", only[1])
	}
	for _, s := range []string{"", "auto", "measured", "published"} {
		if _, err := ParseSource(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ParseSource("guess"); err == nil {
		t.Error("source=guess accepted")
	}
}
