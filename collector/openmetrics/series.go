package openmetrics

import (
	"math"
	"strconv"
	"strings"

	"github.com/imscope/imscope/collector/openmetrics/exposition"
)

// series is what the Source remembers of one series between scrapes: the
// last counter value (or histogram buckets) and created timestamp, to turn
// cumulative counters into per-interval increments.
type series struct {
	seen    uint64  // the scrape that last saw the series
	value   float64 // last counter value
	created float64 // last created timestamp, Unix seconds; 0 when unknown
	hist    *histState
	dropped bool // forgotten (stale): references to it must look it up again
}

// histState is a histogram's last cumulative buckets, by ascending bound.
type histState struct {
	bounds []float64
	counts []float64
	count  float64
	sum    float64
}

// counter returns the increment since the previous scrape of a counter now
// at v, and whether there is one: a series seen for the first time has none,
// unless its created timestamp says it was born after the previous scrape
// (at prevUnix; 0 when there was none), when all of v is new. A decrease, or
// a created timestamp that changed, is a restart from 0.
func (s *series) counter(v, created float64, fresh bool, prevUnix float64) (float64, bool) {
	last, lastCreated := s.value, s.created
	s.value, s.created = v, created
	switch {
	case fresh:
		return v, prevUnix > 0 && created > prevUnix
	case created != 0 && lastCreated != 0 && created != lastCreated:
		return v, true
	case v < last:
		return v, true
	}
	return v - last, true
}

// histDelta is a histogram's change over one interval: per-bucket counts
// (not cumulative), by ascending bound, with the _count and _sum increments.
type histDelta struct {
	bounds []float64
	counts []float64
	count  float64
	sum    float64
}

// histogram stores the buckets cur (cumulative, ascending bounds, ending with
// +Inf) and fills d with the increments since the previous scrape, by the
// same rules as counter. It reports false when there is no increment: first
// sight, or a bucket layout that changed (the new layout becomes the base).
func (s *series) histogram(cur *histState, created float64, fresh bool, prevUnix float64, d *histDelta) bool {
	last, lastCreated := s.hist, s.created
	s.created = created
	if last == nil {
		last = &histState{}
		s.hist = last
	}
	reset := false
	switch {
	case fresh:
		if prevUnix <= 0 || created <= prevUnix {
			last.copyFrom(cur)
			return false
		}
		reset = true
	case !sameBounds(last.bounds, cur.bounds):
		last.copyFrom(cur)
		return false
	case created != 0 && lastCreated != 0 && created != lastCreated, cur.count < last.count:
		reset = true
	default:
		for i := range cur.counts {
			if cur.counts[i] < last.counts[i] {
				reset = true
				break
			}
		}
	}
	d.bounds = append(d.bounds[:0], cur.bounds...)
	d.counts = d.counts[:0]
	prevCum := 0.0
	for i, c := range cur.counts {
		cum := c
		if !reset {
			cum -= last.counts[i]
		}
		d.counts = append(d.counts, max(cum-prevCum, 0))
		prevCum = max(cum, prevCum)
	}
	d.count, d.sum = cur.count, cur.sum
	if !reset {
		d.count -= last.count
		d.sum = max(cur.sum-last.sum, 0)
	}
	last.copyFrom(cur)
	return true
}

func (h *histState) copyFrom(o *histState) {
	h.bounds = append(h.bounds[:0], o.bounds...)
	h.counts = append(h.counts[:0], o.counts...)
	h.count, h.sum = o.count, o.sum
}

func sameBounds(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// appendKey appends the identity of a series — its family name and its
// labels sorted by name — to buf. The separators are bytes that never occur
// in UTF-8 text, so distinct series never share a key. order is scratch.
func appendKey(buf []byte, name string, labels []exposition.Label, order []int) ([]byte, []int) {
	buf = append(buf, name...)
	order = order[:0]
	for i := range labels {
		order = append(order, i)
	}
	// Insertion sort: series have a handful of labels, often sorted already.
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && labels[order[j]].Name < labels[order[j-1]].Name; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	for _, i := range order {
		buf = append(buf, 0xff)
		buf = append(buf, labels[i].Name...)
		buf = append(buf, 0xfe)
		buf = append(buf, labels[i].Value...)
	}
	return buf, order
}

// seriesString renders a series as it would appear in an exposition, with
// quotes, backslashes and newlines in label values escaped, for Problems.
func seriesString(name string, labels []exposition.Label) string {
	var b strings.Builder
	b.WriteString(name)
	if len(labels) == 0 {
		return b.String()
	}
	b.WriteByte('{')
	for i, l := range labels {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l.Name)
		b.WriteString(`="`)
		b.WriteString(labelEscaper.Replace(l.Value))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// finite reports whether v is a usable sample value.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
