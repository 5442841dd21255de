package analytics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/imscope/imscope"
)

// A 4-network market, by hand:
//
//	shares 40, 30, 20, 10
//	HHI  = 40² + 30² + 20² + 10² = 1,600 + 900 + 400 + 100 = 3,000
//	       → 2010: > 2,500 highly concentrated; 2023: > 1,800 highly concentrated
//	CR1 = 40, CR2 = 40 + 30 = 70, CR4 = 100
//	coalitions against the leader (40):
//	  k=2 {30}:        share 30, gap 40 − 30 = 10,  ΔHHI 0,                      HHI 3,000
//	  k=3 {30,20}:     share 50, gap −10, ΔHHI 50² − (900 + 400) = 1,200 (= 2·30·20), HHI 4,200
//	  k=4 {30,20,10}:  share 60, gap −20, ΔHHI 60² − 1,400 = 2,200,         HHI 5,200
func TestConcentrationFourNetworks(t *testing.T) {
	shares := []NetworkShare{{"d", 10}, {"b", 30}, {"a", 40}, {"c", 20}}
	c, err := Concentrate(shares)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "HHI", c.HHI, 3000, 1e-9)
	if c.Band2010 != HighlyConcentrated || c.Band2023 != HighlyConcentrated {
		t.Errorf("bands %q, %q", c.Band2010, c.Band2023)
	}
	near(t, "CR1", c.CR1, 40, 1e-12)
	near(t, "CR2", c.CR2, 70, 1e-12)
	near(t, "CR4", c.CR4, 100, 1e-12)
	if c.Leader != (NetworkShare{"a", 40}) || c.Networks != 4 {
		t.Errorf("leader %+v of %d", c.Leader, c.Networks)
	}
	want := []Coalition{
		{K: 2, Members: []string{"b"}, Share: 30, Gap: 10, HHI: 3000, DeltaHHI: 0},
		{K: 3, Members: []string{"b", "c"}, Share: 50, Gap: -10, HHI: 4200, DeltaHHI: 1200},
		{K: 4, Members: []string{"b", "c", "d"}, Share: 60, Gap: -20, HHI: 5200, DeltaHHI: 2200},
	}
	if len(c.Coalitions) != len(want) {
		t.Fatalf("%d coalitions, want %d", len(c.Coalitions), len(want))
	}
	for i, w := range want {
		g := c.Coalitions[i]
		if g.K != w.K || !slices.Equal(g.Members, w.Members) {
			t.Errorf("coalition %d = k%d %v, want k%d %v", i, g.K, g.Members, w.K, w.Members)
		}
		near(t, "share", g.Share, w.Share, 1e-9)
		near(t, "gap", g.Gap, w.Gap, 1e-9)
		near(t, "HHI", g.HHI, w.HHI, 1e-9)
		near(t, "ΔHHI", g.DeltaHHI, w.DeltaHHI, 1e-9)
	}
	for k, w := range map[int]float64{1: 40, 2: 70, 3: 90, 4: 100, 9: 100} {
		got, err := CR(shares, k)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "CR", got, w, 1e-9)
	}
}

func TestBands(t *testing.T) {
	cases := []struct {
		hhi        float64
		b2010, b23 Band
	}{
		{0, Unconcentrated, NotHighlyConcentrated},
		{1499.9, Unconcentrated, NotHighlyConcentrated},
		{1500, ModeratelyConcentrated, NotHighlyConcentrated}, // 1,500 is moderate
		{1800, ModeratelyConcentrated, NotHighlyConcentrated}, // 2023: only above 1,800
		{1800.1, ModeratelyConcentrated, HighlyConcentrated},
		{2500, ModeratelyConcentrated, HighlyConcentrated}, // 2,500 is still moderate in 2010
		{2500.1, HighlyConcentrated, HighlyConcentrated},
		{10000, HighlyConcentrated, HighlyConcentrated},
	}
	for _, tc := range cases {
		if g := Band2010(tc.hhi); g != tc.b2010 {
			t.Errorf("Band2010(%v) = %q, want %q", tc.hhi, g, tc.b2010)
		}
		if g := Band2023(tc.hhi); g != tc.b23 {
			t.Errorf("Band2023(%v) = %q, want %q", tc.hhi, g, tc.b23)
		}
	}
}

func TestMerge(t *testing.T) {
	twenty := make([]NetworkShare, 20)
	for i := range twenty {
		twenty[i] = NetworkShare{string(rune('a' + i)), 5}
	}
	cases := []struct {
		name          string
		shares        []NetworkShare
		members       []string
		share, before float64
		delta         float64
		p2010, p2023  bool
	}{
		// 40/30/20/10, merge 20 and 10: ΔHHI = 2·20·10 = 400, 3,000 → 3,400:
		// highly concentrated and Δ > 200 (2010), Δ > 100 (2023): presumed in both.
		{"20+10 of 40/30/20/10", []NetworkShare{{"a", 40}, {"b", 30}, {"c", 20}, {"d", 10}}, []string{"d", "c"}, 30, 3000, 400, true, true},
		// 50/30/19/1 (HHI 2,500 + 900 + 361 + 1 = 3,762), merge 19 and 1:
		// ΔHHI = 2·19·1 = 38, under both thresholds.
		{"19+1 of 50/30/19/1", []NetworkShare{{"a", 50}, {"b", 30}, {"c", 19}, {"d", 1}}, []string{"c", "d"}, 20, 3762, 38, false, false},
		// Twenty networks of 5% (HHI 500); seven merge into 35%:
		// ΔHHI = 35² − 7·25 = 1,225 − 175 = 1,050, HHI after 1,550 (not highly
		// concentrated), but a share over 30% with Δ > 100: presumed in 2023 only.
		{"7 of 20×5%", twenty, []string{"a", "b", "c", "d", "e", "f", "g"}, 35, 500, 1050, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Merge(tc.shares, tc.members)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "share", m.Share, tc.share, 1e-9)
			near(t, "HHI before", m.HHIBefore, tc.before, 1e-9)
			near(t, "ΔHHI", m.DeltaHHI, tc.delta, 1e-9)
			near(t, "HHI after", m.HHIAfter, tc.before+tc.delta, 1e-9)
			if m.Presumed2010 != tc.p2010 || m.Presumed2023 != tc.p2023 {
				t.Errorf("presumed 2010 %v, 2023 %v; want %v, %v", m.Presumed2010, m.Presumed2023, tc.p2010, tc.p2023)
			}
		})
	}
	four := []NetworkShare{{"a", 40}, {"b", 30}}
	_, err := Merge(four, []string{"a"})
	wantInvalid(t, err, "networks")
	_, err = Merge(four, []string{"a", "zz"})
	wantInvalid(t, err, "networks")
	_, err = Merge(four, []string{"a", "a"})
	wantInvalid(t, err, "networks")
}

func TestConcentrationInvalid(t *testing.T) {
	cases := []struct {
		name   string
		shares []NetworkShare
		param  string
	}{
		{"over 100 in all", []NetworkShare{{"a", 60}, {"b", 50}}, "share"},
		{"negative", []NetworkShare{{"a", -1}}, "share"},
		{"NaN", []NetworkShare{{"a", math.NaN()}}, "share"},
		{"duplicate", []NetworkShare{{"a", 1}, {"a", 2}}, "network"},
		{"empty id", []NetworkShare{{"", 1}}, "network"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Concentrate(tc.shares)
			wantInvalid(t, err, tc.param)
		})
	}
	_, err := CR([]NetworkShare{{"a", 1}}, 0)
	wantInvalid(t, err, "k")
}

// The seed figures (Analysys, 2010-Q3, the five exact "eq" rows):
//
//	HHI = 76.37² + 9.81² + 5.55² + 4.34² + 2.08²
//	    = 5,832.3769 + 96.2361 + 30.8025 + 18.8356 + 4.3264 = 5,982.5775 → 5,982.6
//	CR4 = 76.37 + 9.81 + 5.55 + 4.34 = 96.07
//	ranks 2–5 united: 9.81 + 5.55 + 4.34 + 2.08 = 21.78; gap 76.37 − 21.78 = 54.59
//	HHI if they merged: 5,982.5775 − (96.2361 + 30.8025 + 18.8356 + 4.3264)
//	    + 21.78² = 5,982.5775 − 150.2006 + 474.3684 = 6,306.7453
func TestSeedFigures(t *testing.T) {
	var shares []NetworkShare
	for _, r := range loadSeed(t) {
		if r.Bound == imscope.BoundEq {
			shares = append(shares, NetworkShare{r.Network, r.Share})
		}
	}
	if len(shares) != 5 {
		t.Fatalf("%d exact rows in the seed, want 5", len(shares))
	}
	c, err := Concentrate(shares)
	if err != nil {
		t.Fatal(err)
	}
	if got := math.Round(c.HHI*10) / 10; got != 5982.6 {
		t.Errorf("HHI = %.4f, rounds to %.1f, want 5,982.6", c.HHI, got)
	}
	near(t, "HHI", c.HHI, 5982.5775, 1e-9)
	near(t, "CR4", c.CR4, 96.07, 1e-9)
	if c.Leader.Network != "qq" || c.Band2010 != HighlyConcentrated || c.Band2023 != HighlyConcentrated {
		t.Errorf("leader %v, bands %q/%q", c.Leader, c.Band2010, c.Band2023)
	}
	k5 := c.Coalitions[len(c.Coalitions)-1]
	if k5.K != 5 || !slices.Equal(k5.Members, []string{"wangwang", "fetion", "msn", "skype"}) {
		t.Fatalf("last coalition %+v", k5)
	}
	near(t, "ranks 2–5", k5.Share, 21.78, 1e-9)
	near(t, "gap", k5.Gap, 54.59, 1e-9)
	near(t, "HHI if 2–5 merged", k5.HHI, 6306.7453, 1e-9)
	// Even if each "<1%" network held a full 1%, ranks 2–8 would hold
	// 21.78 + 3 = 24.78, still far below 76.37.
	near(t, "ranks 2–8 at the bound", k5.Share+3, 24.78, 1e-9)
}

func TestConcentrationSeries(t *testing.T) {
	f := share2011
	f.Networks = []string{"qq"} // ignored: concentration is of the whole market
	got, err := ConcentrationSeries(f, shareFixture)
	if err != nil {
		t.Fatal(err)
	}
	// 2011-01: 70² + 20² + 10² = 4,900 + 400 + 100 = 5,400.
	// 2011-02: 60² + 30² + 10² = 3,600 + 900 + 100 = 4,600.
	if len(got) != 2 {
		t.Fatalf("%d periods", len(got))
	}
	near(t, "2011-01 HHI", got[0].HHI, 5400, 1e-9)
	near(t, "2011-02 HHI", got[1].HHI, 4600, 1e-9)
	if !got[1].Period.Equal(date(2011, 2, 1)) || got[1].Networks != 3 {
		t.Errorf("period %v with %d networks", got[1].Period, got[1].Networks)
	}
}

// Property: with shares summing to 100 over n networks, 10,000/n ≤ HHI ≤ 10,000.
func TestHHIBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := range 2000 {
		n := 1 + rng.IntN(30)
		w := make([]float64, n)
		var sum float64
		for i := range w {
			w[i] = rng.ExpFloat64()
			if rng.IntN(5) == 0 {
				w[i] *= 1000 // a dominant network now and then
			}
			sum += w[i]
		}
		shares := make([]NetworkShare, n)
		for i := range w {
			shares[i] = NetworkShare{string(rune('A' + i)), w[i] / sum * 100}
		}
		h, err := HHI(shares)
		if err != nil {
			t.Fatal(err)
		}
		if lo := 10000 / float64(n); h < lo-1e-6 || h > 10000+1e-6 {
			t.Fatalf("iteration %d: HHI %v outside [%v, 10000] for %d networks", iter, h, lo, n)
		}
	}
}
