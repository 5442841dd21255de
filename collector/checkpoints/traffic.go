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
// Rows are increments, and each is stored once by its key (interval, bridge,
// route, source). An interval that gets a late outcome after its row was
// handed over — or after a restart, when the row handed over at shutdown
// is stored — gets another row: a revision of the interval, stamped one
// millisecond later than the last (the per-minute rollup adds them up), so
// it has a key of its own and is neither refused as a conflict nor taken
// for a repeat.
type traffic struct {
	source   string
	interval time.Duration
	rows     map[trafficKey]*imscope.BridgeSample
	// revisions holds, per interval handed over in the last revisionMemory,
	// how many rows of it were handed over: the next row's revision.
	revisions map[trafficKey]int
}

// revisionMemory is how long an interval's revisions are remembered: the
// oldest checkpoint a receiver accepts is a day old (checkpoint.go).
const revisionMemory = 25 * time.Hour

func newTraffic(source string, interval time.Duration) *traffic {
	return &traffic{source: source, interval: interval, rows: map[trafficKey]*imscope.BridgeSample{}, revisions: map[trafficKey]int{}}
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
// until, or every row when all is set, ordered by time then bridge, each
// stamped with its interval's next revision. Call handedOver once they are
// taken, or merge to put them back.
func (t *traffic) drain(until time.Time, all bool) []imscope.BridgeSample {
	var out []imscope.BridgeSample
	for k, row := range t.rows {
		if all || !row.TS.Add(t.interval).After(until) {
			r := *row
			r.TS = r.TS.Add(time.Duration(t.revisions[k]) * time.Millisecond)
			out = append(out, r)
			delete(t.rows, k)
		}
	}
	slices.SortFunc(out, func(a, b imscope.BridgeSample) int {
		return cmp.Or(a.TS.Compare(b.TS), cmp.Compare(a.Bridge, b.Bridge))
	})
	return out
}

// key is the interval a drained row belongs to (its revision stamp aside).
func (t *traffic) key(r imscope.BridgeSample) trafficKey {
	return trafficKey{bridge: r.Bridge, start: r.TS.Truncate(t.interval).UnixNano()}
}

// handedOver records that drained rows were taken, and forgets revisions
// of intervals older than revisionMemory before now.
func (t *traffic) handedOver(rows []imscope.BridgeSample, now time.Time) {
	for _, r := range rows {
		t.revisions[t.key(r)]++
	}
	old := now.Add(-revisionMemory).UnixNano()
	for k := range t.revisions {
		if k.start < old {
			delete(t.revisions, k)
		}
	}
}

// stored records rows of this source found stored (after a restart): an
// interval with a stored row at revision n gets revision n+1 next.
func (t *traffic) stored(rows []StoredInterval) {
	for _, r := range rows {
		start := r.TS.UTC().Truncate(t.interval)
		k := trafficKey{bridge: r.Bridge, start: start.UnixNano()}
		t.revisions[k] = max(t.revisions[k], int(r.TS.Sub(start)/time.Millisecond)+1)
	}
}

// merge puts back rows that could not be handed over, adding them to any
// row of the same interval counted since.
func (t *traffic) merge(rows []imscope.BridgeSample) {
	for _, r := range rows {
		row := t.row(r.Bridge, r.FromNetwork, r.ToNetwork, r.TS.Truncate(t.interval))
		row.Messages += r.Messages
		row.Failures += r.Failures
		row.Bytes += r.Bytes
		row.LatencySum += r.LatencySum
		for b, n := range r.Latency {
			row.Latency[b] += n
		}
	}
}
