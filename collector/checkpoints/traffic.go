package checkpoints

import (
	"cmp"
	"slices"
	"time"

	"github.com/imscope/imscope"
)

// latencyBounds are the upper bounds, in microseconds, of the latency
// histogram buckets (bridge_traffic.latency): 5 ms to 10 s, then +Inf. A
// message falls in the first bucket whose bound is at least its latency, as
// Prometheus "le" buckets do. Fixed, so buckets from every interval and
// every receiver merge.
var latencyBounds = [...]uint64{
	5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
	1_000_000, 2_500_000, 5_000_000, 10_000_000, imscope.LatencyInf,
}

// latencyBucket is the bound of the bucket latency d falls in.
func latencyBucket(d time.Duration) uint64 {
	us := max(d.Microseconds(), 0)
	for _, b := range latencyBounds {
		if uint64(us) <= b {
			return b
		}
	}
	return imscope.LatencyInf
}

type trafficKey struct {
	bridge string
	start  int64 // interval start, Unix nanoseconds
}

// traffic sums outcomes into one bridge_traffic row per bridge and interval.
// Rows are increments: an interval that gets a late outcome after its row was
// handed over gets a second row, and the sums in ClickHouse stay right.
type traffic struct {
	source   string
	interval time.Duration
	rows     map[trafficKey]*imscope.BridgeSample
}

func newTraffic(source string, interval time.Duration) *traffic {
	return &traffic{source: source, interval: interval, rows: map[trafficKey]*imscope.BridgeSample{}}
}

// add counts one outcome in the interval of the checkpoint that decided it.
func (t *traffic) add(b *bridge, o outcome) {
	if o.Kind == outcomeNone {
		return
	}
	start := o.At.UTC().Truncate(t.interval)
	row := t.row(b.ID, b.FromNetwork, b.ToNetwork, start)
	switch o.Kind {
	case outcomeSuccess:
		row.Messages++
		if o.Timed {
			row.Latency[latencyBucket(o.Latency)]++
			row.LatencySum += o.Latency.Seconds()
		}
	case outcomeFailure:
		// A failed message is a message the route tried to carry: it counts
		// in both, so failure ratio = failures / messages (analytics.Traffic).
		row.Messages++
		row.Failures++
	}
}

func (t *traffic) row(bridgeID, from, to string, start time.Time) *imscope.BridgeSample {
	k := trafficKey{bridge: bridgeID, start: start.UnixNano()}
	row, ok := t.rows[k]
	if !ok {
		row = &imscope.BridgeSample{
			TS: start, Source: t.source, Bridge: bridgeID, FromNetwork: from, ToNetwork: to,
			Latency: map[uint64]uint64{},
		}
		t.rows[k] = row
	}
	return row
}

// drain removes and returns the rows of intervals that ended at or before
// until, or every row when all is set, ordered by time then bridge.
func (t *traffic) drain(until time.Time, all bool) []imscope.BridgeSample {
	var out []imscope.BridgeSample
	for k, row := range t.rows {
		if all || !row.TS.Add(t.interval).After(until) {
			out = append(out, *row)
			delete(t.rows, k)
		}
	}
	slices.SortFunc(out, func(a, b imscope.BridgeSample) int {
		return cmp.Or(a.TS.Compare(b.TS), cmp.Compare(a.Bridge, b.Bridge))
	})
	return out
}

// merge puts back rows that could not be handed over, adding them to any
// row of the same interval counted since.
func (t *traffic) merge(rows []imscope.BridgeSample) {
	for _, r := range rows {
		row := t.row(r.Bridge, r.FromNetwork, r.ToNetwork, r.TS)
		row.Messages += r.Messages
		row.Failures += r.Failures
		row.Bytes += r.Bytes
		row.LatencySum += r.LatencySum
		for b, n := range r.Latency {
			row.Latency[b] += n
		}
	}
}
