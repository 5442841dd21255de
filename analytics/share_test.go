package analytics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// shareFixture is a monthly market over two years. Every share below is
// worked out by hand:
//
//	2010-01: qq 50, msn 50                → total 100: qq 50%,  msn 50%
//	2010-02: qq 60, msn 20                → total  80: qq 75%,  msn 25%
//	2011-01: qq 70, msn 20, fetion 10     → total 100: qq 70%,  msn 20%, fetion 10%
//	2011-02: qq 60, msn 30, skype 10      → total 100: qq 60%,  msn 30%, skype 10%
//
// 2010-12 has no rows, so 2011-01 has no previous-period comparison.
var shareFixture = []ShareInput{
	{date(2010, 1, 1), "qq", 50}, {date(2010, 1, 1), "msn", 50},
	{date(2010, 2, 1), "qq", 60}, {date(2010, 2, 1), "msn", 20},
	{date(2011, 1, 1), "qq", 70}, {date(2011, 1, 1), "msn", 20}, {date(2011, 1, 1), "fetion", 10},
	{date(2011, 2, 1), "qq", 60}, {date(2011, 2, 1), "msn", 30}, {date(2011, 2, 1), "skype", 10},
	{date(2011, 3, 1), "qq", 1}, // at To: ignored
}

var share2011 = imscope.Filter{From: date(2011, 1, 1), To: date(2011, 3, 1), Granularity: imscope.Month, Metric: "messages"}

type wantShare struct {
	network      string
	share        float64
	rank         int
	dPrev, dYear *float64
	folded       []string
}

func checkShares(t *testing.T, got []PeriodShares, want map[time.Time][]wantShare) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d periods, want %d: %+v", len(got), len(want), got)
	}
	for _, ps := range got {
		w, ok := want[ps.Period]
		if !ok {
			t.Fatalf("unexpected period %s", ps.Period)
		}
		if len(ps.Shares) != len(w) {
			t.Fatalf("%s: %d shares, want %d: %+v", ps.Period.Format("2006-01"), len(ps.Shares), len(w), ps.Shares)
		}
		for i, s := range ps.Shares {
			at := fmt.Sprintf("%s %s", ps.Period.Format("2006-01"), s.Network)
			if s.Network != w[i].network || s.Rank != w[i].rank {
				t.Errorf("%s: position %d is %s rank %d, want %s rank %d", at, i, s.Network, s.Rank, w[i].network, w[i].rank)
				continue
			}
			near(t, at+" share", s.Share, w[i].share, 1e-9)
			nearPtr(t, at+" ΔPrev", s.DeltaPrev, w[i].dPrev, 1e-9)
			nearPtr(t, at+" ΔYear", s.DeltaYear, w[i].dYear, 1e-9)
			if !slices.Equal(s.Folded, w[i].folded) {
				t.Errorf("%s folded %v, want %v", at, s.Folded, w[i].folded)
			}
		}
	}
}

func TestSharesGolden(t *testing.T) {
	jan, feb := date(2011, 1, 1), date(2011, 2, 1)
	cases := []struct {
		name     string
		networks []string
		top      int
		want     map[time.Time][]wantShare
	}{
		{
			// 2011-01 vs 2010-01: qq 70−50 = +20, msn 20−50 = −30; fetion had no row: nil.
			// 2011-02 vs 2011-01: qq 60−70 = −10, msn 30−20 = +10; skype had no row: nil.
			// 2011-02 vs 2010-02: qq 60−75 = −15, msn 30−25 = +5.
			name: "all networks",
			want: map[time.Time][]wantShare{
				jan: {{"qq", 70, 1, nil, f64(20), nil}, {"msn", 20, 2, nil, f64(-30), nil}, {"fetion", 10, 3, nil, nil, nil}},
				feb: {{"qq", 60, 1, f64(-10), f64(-15), nil}, {"msn", 30, 2, f64(10), f64(5), nil}, {"skype", 10, 3, nil, nil, nil}},
			},
		},
		{
			// Top 1 by summed share over 2011: qq .7+.6 = 1.3 beats msn .2+.3 = .5.
			// other 2011-01 = msn 20 + fetion 10 = 30; a year earlier other = msn 50: ΔYear −20.
			// other 2011-02 = msn 30 + skype 10 = 40: ΔPrev 40−30 = +10; 2010-02 other = msn 25: ΔYear +15.
			name: "top 1",
			top:  1,
			want: map[time.Time][]wantShare{
				jan: {{"qq", 70, 1, nil, f64(20), nil}, {OtherNetwork, 30, 0, nil, f64(-20), []string{"fetion", "msn"}}},
				feb: {{"qq", 60, 1, f64(-10), f64(-15), nil}, {OtherNetwork, 40, 0, f64(10), f64(15), []string{"msn", "skype"}}},
			},
		},
		{
			// Selecting qq and skype folds msn and fetion into other; the
			// denominator stays the whole market. other: 2011-01 30, 2011-02 30
			// (ΔPrev 0); 2010-01 other = msn 50 → ΔYear −20; 2010-02 msn 25 → +5.
			name:     "selected networks",
			networks: []string{"qq", "skype"},
			want: map[time.Time][]wantShare{
				jan: {{"qq", 70, 1, nil, f64(20), nil}, {OtherNetwork, 30, 0, nil, f64(-20), []string{"fetion", "msn"}}},
				feb: {{"qq", 60, 1, f64(-10), f64(-15), nil}, {"skype", 10, 2, nil, nil, nil}, {OtherNetwork, 30, 0, f64(0), f64(5), []string{"msn"}}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := share2011
			f.Networks = tc.networks
			got, err := Shares(f, shareFixture, tc.top)
			if err != nil {
				t.Fatal(err)
			}
			checkShares(t, got, tc.want)
		})
	}
}

func TestSharesTotalsAndMissing(t *testing.T) {
	rows := []ShareInput{
		{date(2011, 1, 1), "qq", 0}, {date(2011, 1, 1), "msn", 0}, // total 0: no shares, period left out
		{date(2011, 2, 1), "qq", 3}, {date(2011, 2, 1), "msn", 1},
	}
	got, err := Shares(share2011, rows, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Period.Equal(date(2011, 2, 1)) || got[0].Total != 4 {
		t.Fatalf("got %+v, want only 2011-02 with total 4", got)
	}
	// qq 3/4 = 75%; the previous period has a zero total, so no comparison.
	near(t, "qq", got[0].Shares[0].Share, 75, 1e-12)
	if got[0].Shares[0].DeltaPrev != nil {
		t.Errorf("ΔPrev against a zero-total period = %v, want nil", *got[0].Shares[0].DeltaPrev)
	}
}

func TestComparisonPeriods(t *testing.T) {
	cases := []struct {
		g             imscope.Granularity
		p, prev, year time.Time
	}{
		{imscope.Day, date(2012, 2, 29), date(2012, 2, 28), date(2011, 2, 28)},
		{imscope.Day, date(2011, 3, 1), date(2011, 2, 28), date(2010, 3, 1)},
		{imscope.Week, date(2010, 8, 16), date(2010, 8, 9), date(2009, 8, 17)}, // 52 weeks: Monday stays Monday
		{imscope.Month, date(2011, 1, 1), date(2010, 12, 1), date(2010, 1, 1)},
		{imscope.Quarter, date(2010, 7, 1), date(2010, 4, 1), date(2009, 7, 1)},
		{imscope.Year, date(2010, 1, 1), date(2009, 1, 1), date(2009, 1, 1)},
	}
	for _, tc := range cases {
		t.Run(string(tc.g)+" "+tc.p.Format(time.DateOnly), func(t *testing.T) {
			if got := previousPeriod(tc.g, tc.p); !got.Equal(tc.prev) {
				t.Errorf("previous = %s, want %s", got.Format(time.DateOnly), tc.prev.Format(time.DateOnly))
			}
			if got := yearEarlier(tc.g, tc.p); !got.Equal(tc.year) {
				t.Errorf("year earlier = %s, want %s", got.Format(time.DateOnly), tc.year.Format(time.DateOnly))
			}
		})
	}
	if got := ComparisonFrom(share2011); !got.Equal(date(2010, 1, 1)) {
		t.Errorf("ComparisonFrom = %s, want 2010-01-01", got)
	}
}

func TestSharesInvalid(t *testing.T) {
	ok := []ShareInput{{date(2011, 1, 1), "qq", 1}}
	cases := []struct {
		name  string
		f     imscope.Filter
		rows  []ShareInput
		top   int
		param string
	}{
		{"no metric", imscope.Filter{From: share2011.From, To: share2011.To, Granularity: imscope.Month}, ok, 0, "metric"},
		{"negative top", share2011, ok, -1, "top"},
		{"unaligned period", share2011, []ShareInput{{date(2011, 1, 15), "qq", 1}}, 0, "period"},
		{"negative value", share2011, []ShareInput{{date(2011, 1, 1), "qq", -1}}, 0, "value"},
		{"NaN value", share2011, []ShareInput{{date(2011, 1, 1), "qq", math.NaN()}}, 0, "value"},
		{"empty network", share2011, []ShareInput{{date(2011, 1, 1), "", 1}}, 0, "network"},
		{"duplicate", share2011, []ShareInput{{date(2011, 1, 1), "qq", 1}, {date(2011, 1, 1), "qq", 2}}, 0, "rows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Shares(tc.f, tc.rows, tc.top)
			wantInvalid(t, err, tc.param)
		})
	}
}

// Property: in every period, shares sum to 100 (±1e-9), whatever the
// selection and top-N folding.
func TestSharesSumTo100(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	nets := []string{"qq", "wangwang", "fetion", "msn", "skype", "sinauc", "popo", "yahoo"}
	f := imscope.Filter{From: date(2010, 1, 1), To: date(2011, 1, 1), Granularity: imscope.Month, Metric: "active_users_30d"}
	for iter := range 300 {
		var rows []ShareInput
		for p := date(2009, 1, 1); p.Before(f.To); p = p.AddDate(0, 1, 0) {
			for _, n := range nets {
				if rng.IntN(4) == 0 {
					continue // missing
				}
				v := rng.Float64() * math.Pow(10, float64(rng.IntN(9)))
				if rng.IntN(10) == 0 {
					v = 0
				}
				rows = append(rows, ShareInput{p, n, v})
			}
		}
		g := f
		if rng.IntN(2) == 0 {
			g.Networks = nets[:rng.IntN(len(nets))]
		}
		top := rng.IntN(5)
		got, err := Shares(g, rows, top)
		if err != nil {
			t.Fatal(err)
		}
		for _, ps := range got {
			var sum float64
			for _, s := range ps.Shares {
				sum += s.Share
				if s.Share < 0 || s.Share > 100 {
					t.Fatalf("iteration %d: share %v out of range", iter, s.Share)
				}
			}
			if math.Abs(sum-100) > 1e-9 {
				t.Fatalf("iteration %d, %s: shares sum to %.15f", iter, ps.Period.Format("2006-01"), sum)
			}
			if top > 0 && len(ps.Shares) > top+1 {
				t.Fatalf("iteration %d: %d entries with top %d", iter, len(ps.Shares), top)
			}
		}
	}
}
