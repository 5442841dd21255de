package analytics

import (
	"testing"

	"github.com/imscope/imscope"
)

const inf = imscope.LatencyInf

// Three one-minute intervals of one route, buckets in µs (≤1 ms, ≤5 ms,
// ≤10 ms, ≤50 ms, +Inf):
//
//	             ≤1000  ≤5000  ≤10000  ≤50000  +Inf  | count
//	interval 1      10     20       5       0     0  |   35
//	interval 2       5     15      10       3     2  |   35
//	interval 3       5      5      10       7     3  |   30
//	merged          20     40      25      10     5  |  100
//	cumulative      20     60      85      95   100
//
// p50: rank .50 × 100 = 50 falls in ≤5000 (cumulative 20 before, 40 in it):
//
//	1000 + (5000 − 1000) × (50 − 20)/40 = 1000 + 3000 = 4,000 µs
//
// p10: rank 10 in ≤1000: 0 + 1000 × 10/20 = 500 µs
// p90: rank 90 in ≤50000: 10000 + 40000 × (90 − 85)/10 = 30,000 µs
// p95: rank 95 in ≤50000: 10000 + 40000 × 10/10 = 50,000 µs
// p99: rank 99 falls in +Inf: the highest finite bound, 50,000 µs, "at least"
//
// Averaging each interval's own median would be wrong: interval 1's is
// 1000 + 4000 × (17.5 − 10)/20 = 2,500, interval 2's 1000 + 4000 × 12.5/15
// = 4,333.3, interval 3's 5000 + 5000 × (15 − 10)/10 = 7,500; their mean,
// 4,777.8, is not the median of the merged traffic (4,000).
var threeIntervals = []map[uint64]uint64{
	{1000: 10, 5000: 20, 10000: 5},
	{1000: 5, 5000: 15, 10000: 10, 50000: 3, inf: 2},
	{1000: 5, 5000: 5, 10000: 10, 50000: 7, inf: 3},
}

func TestQuantileMerged(t *testing.T) {
	h := MergeHistograms(threeIntervals...)
	if h.Count() != 100 || h[1000] != 20 || h[5000] != 40 || h[10000] != 25 || h[50000] != 10 || h[inf] != 5 {
		t.Fatalf("merged %v", h)
	}
	cases := []struct {
		q       float64
		want    float64
		atLeast bool
	}{
		{0, 0, false}, // lower bound of the first non-empty bucket
		{0.10, 500, false},
		{0.50, 4000, false},
		{0.90, 30000, false},
		{0.95, 50000, false},
		{0.99, 50000, true},
		{1, 50000, true},
	}
	for _, tc := range cases {
		got, err := h.Quantile(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || got.AtLeast != tc.atLeast {
			t.Fatalf("q%v = %+v, want %v (at least: %v)", tc.q, got, tc.want, tc.atLeast)
		}
		near(t, "quantile", got.Micros, tc.want, 1e-9)
	}
	// The per-interval medians of the comment, which must not be averaged.
	for i, want := range []float64{2500, 13000.0 / 3, 7500} {
		got, _ := Histogram(threeIntervals[i]).Quantile(0.5)
		near(t, "interval median", got.Micros, want, 1e-9)
	}
}

func TestQuantileEdges(t *testing.T) {
	if got, err := (Histogram{}).Quantile(0.5); got != nil || err != nil {
		t.Errorf("empty: %v, %v", got, err)
	}
	if got, _ := (Histogram{inf: 7}).Quantile(0.5); got != nil {
		t.Errorf("only +Inf: %+v, want nil (no finite bound)", got)
	}
	// An empty bucket before the data: the median of {≤2000: 4} is
	// 1000 + 1000 × 2/4 = 1500 (the lower bound is the empty ≤1000 bucket's).
	if got, _ := (Histogram{1000: 0, 2000: 4}).Quantile(0.5); got == nil || got.Micros != 1500 {
		t.Errorf("empty first bucket: %+v", got)
	}
	// A zero bound: everything at or below 0 µs.
	if got, _ := (Histogram{0: 3, 10: 0}).Quantile(0.5); got == nil || got.Micros != 0 {
		t.Errorf("zero bucket: %+v", got)
	}
	for _, q := range []float64{-0.1, 1.1} {
		_, err := (Histogram{1: 1}).Quantile(q)
		wantInvalid(t, err, "quantile")
	}
}
