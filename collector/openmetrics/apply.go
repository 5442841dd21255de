package openmetrics

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/imscope/imscope/collector/openmetrics/exposition"
)

// metric reads one series of a complete scrape as its rules read it, and
// feeds them its value or increment.
func (m *mapper) metric(o *occurrence, now time.Time) {
	r := o.ref
	for _, p := range r.problems {
		m.familyProblem(r.fam, &m.rules[p.rule], p.msg)
	}
	if len(r.apply) == 0 {
		return
	}
	s := r.st
	if s.seen == m.scrape {
		m.problem(r.fam, r.labels, "duplicate series: only its first sample is used")
		return
	}
	if stale(s.seen, m.scrape) {
		*s = series{} // gone too long: it starts afresh
	}
	fresh := s.seen == 0
	ts := now
	if o.hasTS {
		ts = time.UnixMilli(o.ts).UTC()
	}

	var value float64
	var ok bool
	switch r.kind {
	case KindGauge, KindCounter:
		if !scalarType(r.typ) {
			m.problem(r.fam, r.labels, "a %s rule needs a single value, and this series is a histogram or summary", r.kind)
			return
		}
		v := o.value
		if !finite(v) {
			m.problem(r.fam, r.labels, "value %s is not a finite number; skipped", formatFloat(v))
			return
		}
		if r.kind == KindGauge {
			value, ok = v, true
			break
		}
		if v < 0 {
			m.problem(r.fam, r.labels, "counter value %s is negative; skipped", formatFloat(v))
			return
		}
		value, ok = s.counter(v, m.createdOf(o), fresh, m.prev)
	case KindHistogram:
		if msg := readHistogram(o, &m.cur); msg != "" {
			m.problem(r.fam, r.labels, "%s; skipped", msg)
			return
		}
		ok = s.histogram(&m.cur, m.createdOf(o), fresh, m.prev, &m.delta)
	}
	s.seen = m.scrape
	if !ok {
		return
	}
	for _, ri := range r.apply {
		m.feed(&m.rules[ri], r, value, ts)
	}
}

// feed adds one series' value (or m.delta, for histograms) to the row rule rl makes of it.
func (m *mapper) feed(rl *rule, r *ref, value float64, ts time.Time) {
	labels := r.labels
	segment := pick(labels, rl.segmentLabel, rl.segment)
	if rl.usage {
		network := pick(labels, rl.networkLabel, rl.network)
		if network == "" {
			m.problem(r.fam, labels, "%s: no %s label and no static network; skipped", rl.where, rl.networkLabel)
			return
		}
		m.out.addUsage(ts, network, rl.metric.Name, segment, value)
		return
	}
	bridge := pick(labels, rl.bridgeLabel, rl.bridge)
	from := pick(labels, rl.fromLabel, rl.from)
	to := pick(labels, rl.toLabel, rl.to)
	switch {
	case bridge == "":
		m.problem(r.fam, labels, "%s: no %s label and no static bridge; skipped", rl.where, rl.bridgeLabel)
		return
	case from == "":
		m.problem(r.fam, labels, "%s: no %s label and no static from_network; skipped", rl.where, rl.fromLabel)
		return
	case to == "":
		m.problem(r.fam, labels, "%s: no %s label and no static to_network; skipped", rl.where, rl.toLabel)
		return
	}
	b := m.out.bridge(ts, bridge, from, to)
	if r.kind == KindHistogram {
		switch rl.field {
		case FieldLatency:
			addLatency(b, &m.delta)
		case FieldMessages:
			b.Messages += count(m.delta.count)
		case FieldFailures:
			b.Failures += count(m.delta.count)
		case FieldBytes:
			b.Bytes += count(m.delta.sum)
		}
		return
	}
	switch rl.field {
	case FieldMessages:
		b.Messages += count(value)
	case FieldFailures:
		b.Failures += count(value)
	case FieldBytes:
		b.Bytes += count(value)
	}
}

// pick is the value of label, or def when the label is unset or empty.
func pick(labels []exposition.Label, label, def string) string {
	if label != "" {
		if v := labelValue(labels, label); v != "" {
			return v
		}
	}
	return def
}

// createdOf is the series' created timestamp in Unix seconds, 0 when
// unknown: from its OpenMetrics _created line, or from the sibling family
// NAME_created that Prometheus text expositions (Python's client) carry.
func (m *mapper) createdOf(o *occurrence) float64 {
	if o.hasCreated {
		return o.created
	}
	return m.created[o.ref.createdKey]
}

// readHistogram copies a histogram (or a summary's count and sum) into h:
// cumulative buckets by ascending bound, ending with +Inf. Counts are read
// as expfmt stores them (a summary's count is a whole number). It returns
// what is wrong with the series, or "".
func readHistogram(o *occurrence, h *histState) string {
	h.bounds, h.counts = h.bounds[:0], h.counts[:0]
	switch o.ref.typ {
	case exposition.Histogram, exposition.GaugeHistogram:
		h.count, h.sum = storedCount(o.count), o.sum
		h.bounds = append(h.bounds, o.bounds...)
		for _, c := range o.counts {
			h.counts = append(h.counts, storedCount(c))
		}
	case exposition.Summary:
		h.count, h.sum = float64(uint64(o.count)), o.sum
	default:
		return "a histogram rule needs a histogram or summary, and this series has a single value"
	}
	if !finite(h.count) || !finite(h.sum) {
		return fmt.Sprintf("count %s or sum %s is not a finite number", formatFloat(h.count), formatFloat(h.sum))
	}
	if !slices.IsSorted(h.bounds) {
		sortBuckets(h)
	}
	for i, le := range h.bounds {
		if math.IsNaN(le) {
			return "bucket bound le=NaN"
		}
		if i > 0 && h.bounds[i-1] == le {
			return fmt.Sprintf("duplicate bucket le=%q", formatFloat(le))
		}
		if !finite(h.counts[i]) {
			return fmt.Sprintf("bucket le=%q count %s is not a finite number", formatFloat(le), formatFloat(h.counts[i]))
		}
	}
	// Expositions may leave out the +Inf bucket; its count is _count.
	if n := len(h.bounds); n == 0 || !math.IsInf(h.bounds[n-1], 1) {
		h.bounds = append(h.bounds, math.Inf(1))
		h.counts = append(h.counts, h.count)
	}
	return ""
}

// storedCount is a histogram count as expfmt stores it: a whole number in
// a uint64 when it is one, else as the float it is.
func storedCount(v float64) float64 {
	if u := uint64(v); float64(u) == v {
		return float64(u)
	}
	return v
}

func sortBuckets(h *histState) {
	idx := make([]int, len(h.bounds))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case h.bounds[a] < h.bounds[b]:
			return -1
		case h.bounds[a] > h.bounds[b]:
			return 1
		}
		return 0
	})
	bounds := make([]float64, len(idx))
	counts := make([]float64, len(idx))
	for i, j := range idx {
		bounds[i], counts[i] = h.bounds[j], h.counts[j]
	}
	h.bounds, h.counts = bounds, counts
}
