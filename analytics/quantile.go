package analytics

import (
	"slices"

	"github.com/imscope/imscope"
)

// Histogram is a latency histogram as bridge_traffic stores it: bucket
// upper bound in microseconds → observations in that bucket (per bucket,
// not cumulative), imscope.LatencyInf for the +Inf bucket. Buckets are
// "le" buckets: an observation x lands in the first bucket with x ≤ bound.
type Histogram map[uint64]uint64

// Add merges other into h by summing counts bound by bound. Merging is the
// only correct way to get quantiles over several intervals or routes:
// quantiles themselves cannot be averaged.
func (h Histogram) Add(other map[uint64]uint64) {
	for b, c := range other {
		h[b] += c
	}
}

// MergeHistograms returns the bucket-wise sum of hs.
func MergeHistograms(hs ...map[uint64]uint64) Histogram {
	out := Histogram{}
	for _, h := range hs {
		out.Add(h)
	}
	return out
}

// Count is the number of observations, Σ over buckets (+Inf included).
func (h Histogram) Count() uint64 {
	var n uint64
	for _, c := range h {
		n += c
	}
	return n
}

// LatencyQuantile is a quantile read from a histogram.
type LatencyQuantile struct {
	Micros float64 // microseconds
	// AtLeast is true when the quantile fell in the +Inf bucket: Micros is
	// then the highest finite bound, a lower bound of the true value.
	AtLeast bool
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) the way Prometheus's
// histogram_quantile does, so figures match what operators see there:
//
//	rank = q × count
//	find the first bucket whose cumulative count reaches rank (and that
//	holds observations), with lower bound lo (the previous bucket's bound,
//	0 for the first) and upper bound hi
//	quantile = lo + (hi − lo) × (rank − cumulative before the bucket) / bucket count
//
// that is, observations are assumed spread evenly within a bucket. If the
// bucket is +Inf the answer is the highest finite bound, flagged AtLeast.
// The result is nil for a histogram with no observations, or with only a
// +Inf bucket (no finite bound to report).
//
// Example (docs/metrics.md): buckets ≤1 ms: 20, ≤5 ms: 40, ≤10 ms: 25,
// ≤50 ms: 10, +Inf: 5; the median has rank 50, in the ≤5 ms bucket after
// 20: 1,000 + 4,000 × 30/40 = 4,000 µs.
func (h Histogram) Quantile(q float64) (*LatencyQuantile, error) {
	if !finite(q) || q < 0 || q > 1 {
		return nil, invalid("quantile", "%v is not between 0 and 1", q)
	}
	bounds := make([]uint64, 0, len(h))
	var total uint64
	for b, c := range h {
		bounds = append(bounds, b)
		total += c
	}
	if total == 0 {
		return nil, nil
	}
	slices.Sort(bounds)
	var highestFinite uint64
	hasFinite := false
	for _, b := range bounds {
		if b != imscope.LatencyInf {
			highestFinite, hasFinite = b, true
		}
	}
	rank := q * float64(total)
	var cum uint64
	var lo uint64
	for _, b := range bounds {
		c := h[b]
		if c > 0 && float64(cum+c) >= rank {
			if b == imscope.LatencyInf {
				if !hasFinite {
					return nil, nil
				}
				return &LatencyQuantile{Micros: float64(highestFinite), AtLeast: true}, nil
			}
			v := float64(lo) + float64(b-lo)*(rank-float64(cum))/float64(c)
			return &LatencyQuantile{Micros: v}, nil
		}
		cum += c
		lo = b
	}
	// Unreachable: the last non-empty bucket reaches rank ≤ total.
	return nil, nil
}
