package openmetrics

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/imscope/imscope"
)

// rows gathers one scrape's output, summing rows that share a key: a usage
// row per network, metric, segment and time; a bridge row per route and time.
type rows struct {
	samples  []imscope.Sample
	bridges  []imscope.BridgeSample
	usageAt  map[usageKey]int
	bridgeAt map[bridgeKey]int
	source   string
}

type usageKey struct {
	network, metric, segment string
	ts                       int64
}

type bridgeKey struct {
	bridge, from, to string
	ts               int64
}

func (r *rows) reset(source string) {
	r.source = source
	r.samples, r.bridges = nil, nil
	if r.usageAt == nil {
		r.usageAt = map[usageKey]int{}
		r.bridgeAt = map[bridgeKey]int{}
	}
	clear(r.usageAt)
	clear(r.bridgeAt)
}

func (r *rows) addUsage(ts time.Time, network, metric, segment string, v float64) {
	k := usageKey{network, metric, segment, ts.UnixNano()}
	if i, ok := r.usageAt[k]; ok {
		r.samples[i].Value += v
		return
	}
	r.usageAt[k] = len(r.samples)
	r.samples = append(r.samples, imscope.Sample{TS: ts, Source: r.source, Network: network, Metric: metric, Segment: segment, Value: v})
}

func (r *rows) bridge(ts time.Time, bridge, from, to string) *imscope.BridgeSample {
	k := bridgeKey{bridge, from, to, ts.UnixNano()}
	i, ok := r.bridgeAt[k]
	if !ok {
		i = len(r.bridges)
		r.bridgeAt[k] = i
		r.bridges = append(r.bridges, imscope.BridgeSample{TS: ts, Source: r.source, Bridge: bridge, FromNetwork: from, ToNetwork: to})
	}
	return &r.bridges[i]
}

// addLatency merges one interval's histogram into b: bucket bounds go from
// seconds to whole microseconds, +Inf (and anything past uint64) to
// imscope.LatencyInf.
func addLatency(b *imscope.BridgeSample, d *histDelta) {
	if b.Latency == nil {
		b.Latency = make(map[uint64]uint64, len(d.bounds))
	}
	for i, le := range d.bounds {
		n := count(d.counts[i])
		if n == 0 {
			continue
		}
		b.Latency[micros(le)] += n
	}
	b.LatencySum += d.sum
}

func micros(le float64) uint64 {
	us := math.Round(le * 1e6)
	switch {
	case us >= math.MaxUint64 || math.IsInf(le, 1):
		return imscope.LatencyInf
	case us <= 0:
		return 0
	}
	return uint64(us)
}

// count turns an increment into a whole number of events.
func count(v float64) uint64 {
	if !(v > 0) {
		return 0
	}
	if v >= math.MaxUint64 {
		return math.MaxUint64
	}
	return uint64(math.Round(v))
}

// sorted puts the rows in a stable order (by key), so that runs and golden
// files compare.
func (r *rows) sorted() {
	slices.SortFunc(r.samples, func(a, b imscope.Sample) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Network, b.Network),
			cmp.Compare(a.Segment, b.Segment), a.TS.Compare(b.TS))
	})
	slices.SortFunc(r.bridges, func(a, b imscope.BridgeSample) int {
		return cmp.Or(cmp.Compare(a.Bridge, b.Bridge), cmp.Compare(a.FromNetwork, b.FromNetwork),
			cmp.Compare(a.ToNetwork, b.ToNetwork), a.TS.Compare(b.TS))
	})
}
