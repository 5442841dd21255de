package api_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestFoldKeepsConcentrationWhole: folding the long tail (top=3) changes
// how shares are shown, not the numbers: the "other" entry's share is its
// folded networks' shares summed, and HHI and CR4 (/concentration) are
// those of every network's own share — not of the folded entry, whose
// square would overstate HHI.
func TestFoldKeepsConcentrationWhole(t *testing.T) {
	h := dashtest.Server(t, nil)
	const q = "from=2012-01&to=2012-07&granularity=month&metric=active_users_30d"
	whole := map[string]map[string]float64{} // period → network → share
	for _, p := range dashtest.Objs(t, dashtest.GetJSON(t, h, "/api/v1/share?"+q), "periods") {
		m := map[string]float64{}
		for _, s := range p["shares"].([]any) {
			s := s.(map[string]any)
			m[s["network"].(string)] = s["share"].(float64)
		}
		whole[p["period"].(string)] = m
	}
	folded := map[string]float64{} // period → HHI of the folded entries
	for _, p := range dashtest.Objs(t, dashtest.GetJSON(t, h, "/api/v1/share?"+q+"&top=3"), "periods") {
		period := p["period"].(string)
		var hhi float64
		for _, s := range p["shares"].([]any) {
			s := s.(map[string]any)
			share := s["share"].(float64)
			hhi += share * share
			if s["network"] != "other" {
				continue
			}
			var sum float64
			var names []string
			for _, n := range s["folded"].([]any) {
				sum += whole[period][n.(string)]
				names = append(names, n.(string))
			}
			if len(names) < 2 || math.Abs(sum-share) > 1e-9 {
				t.Errorf("%s: other %.6f holds %q summing to %.6f", period, share, names, sum)
			}
		}
		folded[period] = hhi
	}
	conc := dashtest.Objs(t, dashtest.GetJSON(t, h, "/api/v1/concentration?"+q), "periods")
	if len(conc) != len(whole) || len(conc) == 0 {
		t.Fatalf("%d concentration periods, %d share periods", len(conc), len(whole))
	}
	for _, c := range conc {
		period := c["period"].(string)
		shares := slices.Collect(func(yield func(float64) bool) {
			for _, s := range whole[period] {
				if !yield(s) {
					return
				}
			}
		})
		slices.Sort(shares)
		slices.Reverse(shares)
		var hhi, cr4 float64
		for i, s := range shares {
			hhi += s * s
			if i < 4 {
				cr4 += s
			}
		}
		if got := c["hhi"].(float64); math.Abs(got-hhi) > 1e-6 || math.Abs(got-folded[period]) < 1 {
			t.Errorf("%s: HHI %.3f, want %.3f from every network's share (the folded entries give %.3f)", period, got, hhi, folded[period])
		}
		if got := c["cr4"].(float64); math.Abs(got-cr4) > 1e-6 {
			t.Errorf("%s: CR4 %.4f, want %.4f", period, got, cr4)
		}
		if n := c["networks"].(float64); int(n) != len(shares) || len(shares) <= 4 {
			t.Errorf("%s: %v networks counted, want all %d (more than top=3 + other)", period, n, len(shares))
		}
	}
	if !strings.HasPrefix(conc[0]["period"].(string), "2012-01") {
		t.Errorf("first period %v", conc[0]["period"])
	}
}
