package analytics

import (
	"maps"
	"math"
	"slices"
	"testing"
)

func TestResolution(t *testing.T) {
	for _, tc := range []struct {
		name            string
		minCount, users uint64
		want            float64
	}{
		{"nothing hidden below 2", 1, 470, 0},
		{"no users", 10, 0, 0},
		{"15 of 470 users is 3.2 points: rounded to 10", 15, 470, 10},
		{"10 of 1,000 is 1 point exactly", 10, 1000, 1},
		{"10 of 100,000 is 0.01 points", 10, 100_000, 0.01},
		{"10 of 30,000 is 0.033 points: rounded to 0.1", 10, 30_000, 0.1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			near(t, "resolution", resolution(tc.minCount, tc.users), tc.want, tc.want*1e-12)
		})
	}
}

func TestRoundTo(t *testing.T) {
	for _, tc := range []struct {
		name    string
		v, step float64
		want    float64
	}{
		{"step 0 keeps the value", math.Pi, 0, math.Pi},
		{"binary noise goes", 0.30000000000000004, 0.1, 0.3},
		{"to tenths", 66.66666, 0.1, 66.7},
		{"to units", 66.66666, 1, 67},
		{"to tens", 66.66666, 10, 70},
		{"to hundredths", 0.123456, 0.01, 0.12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := roundTo(tc.v, tc.step); got != tc.want {
				t.Errorf("roundTo(%v, %v) = %v, want %v", tc.v, tc.step, got, tc.want)
			}
		})
	}
}

// TestDiscloseGolden: the golden matrix shown with at least 15 users a
// cell (see TestTableGolden for which 9 cells hide).
func TestDiscloseGolden(t *testing.T) {
	s := goldenSwitching(t)
	d := s.Disclose(15, 4)
	if d.Suppressed != 9 {
		t.Fatalf("suppressed %d, want 9", d.Suppressed)
	}
	// 15 users of 470 is 3.2 points: the chain's figures are rounded to 10.
	if d.Resolution != 10 {
		t.Errorf("resolution %v, want 10", d.Resolution)
	}
	for i := range 4 {
		for j := range 4 {
			hiddenCell := d.Cells[i][j].Suppressed
			switch {
			case d.Diversion[i][j] != nil && (hiddenCell || i == j):
				t.Errorf("diversion [%d][%d] shown for a hidden or diagonal cell", i, j)
			case d.Diversion[i][j] == nil && !hiddenCell && i != j && s.Diversion[i] != nil:
				t.Errorf("diversion [%d][%d] hidden for a visible cell", i, j)
			}
		}
	}
	nearPtr(t, "diversion a→leavers", d.Diversion[0][3], f64(20.0/40), 1e-12)
	for i := range 3 {
		nearPtr(t, "retention", d.Retention[i], s.Retention[i], 0)
	}
	if !d.Steady.Unique {
		t.Fatal("the golden chain has a unique steady state")
	}
	for i, v := range d.SteadyShares {
		if v == nil || math.Mod(*v, 10) != 0 {
			t.Errorf("steady share %d = %v, want a multiple of 10", i, v)
		}
	}
	if len(d.Forecast) != 5 {
		t.Fatalf("%d forecast steps, want 0…4", len(d.Forecast))
	}
	for _, step := range d.Forecast {
		for _, v := range step {
			if math.Mod(v, 10) != 0 {
				t.Errorf("forecast %v is not a multiple of 10", v)
			}
		}
	}
	// Shown whole, nothing is rounded.
	all := s.Disclose(0, 4)
	if all.Suppressed != 0 || all.Resolution != 0 {
		t.Fatalf("min count 0 hides %d, resolution %v", all.Suppressed, all.Resolution)
	}
	near(t, "steady share a", *all.SteadyShares[0], all.Steady.Pi[0]*100, 0)
	for i, v := range s.Shares() {
		near(t, "forecast step 0", all.Forecast[0][i], v, 0)
	}
}

// TestDiscloseHiddenDiagonal: a hidden N_ii hides retention and the whole
// diversion row, whose denominator (row total − N_ii) would give it back.
func TestDiscloseHiddenDiagonal(t *testing.T) {
	p := date(2011, 1, 1)
	got, err := SwitchingFromCounts(switchFilter, []TransitionCount{
		{p, "a", "a", 3}, {p, "a", "b", 50}, {p, "a", "", 25},
		{p, "b", "a", 40}, {p, "b", "b", 100}, {p, "b", "", 35},
		{p, "", "a", 20}, {p, "", "b", 30},
	})
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	d := got[0].Disclose(10, 2)
	if !d.Cells[0][0].Suppressed {
		t.Fatal("a→a (3 users) must be hidden")
	}
	if d.Retention[0] != nil || d.Retention[1] == nil {
		t.Errorf("retention %v, want a hidden and b shown", d.Retention)
	}
	for j, v := range d.Diversion[0] {
		if v != nil {
			t.Errorf("diversion a→%d shown with a's diagonal hidden", j)
		}
	}
}

// TestNetFlows: in the golden matrix a gained 40 − 10 = 30 users from b
// and 20 − 10 = 10 from c; b and c swapped 20 each way. Shown with at least
// 15 users a cell, every pair has a hidden side: no flow is shown.
func TestNetFlows(t *testing.T) {
	s := goldenSwitching(t)
	all := s.Disclose(0, 0)
	if got, want := all.NetFlows(), []NetFlow{{A: "a", B: "b", Users: 30}, {A: "a", B: "c", Users: 10}}; !slices.Equal(got, want) {
		t.Errorf("net flows %v, want %v", got, want)
	}
	if got, want := all.NetGains(), map[string]int64{"a": 40, "b": -30, "c": -10}; !maps.Equal(got, want) {
		t.Errorf("net gains %v, want %v", got, want)
	}
	hidden := s.Disclose(15, 0)
	if got := hidden.NetFlows(); len(got) != 0 {
		t.Errorf("net flows %v shown beside hidden cells", got)
	}
	for n, g := range hidden.NetGains() {
		if g != 0 {
			t.Errorf("gain of %s is %d with every pair hidden", n, g)
		}
	}
}
