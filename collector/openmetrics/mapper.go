package openmetrics

import (
	"fmt"
	"math"
	"slices"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/imscope/imscope/collector"
)

// staleScrapes is how many scrapes a series may be missing before its state
// is dropped. A series that comes back sooner is diffed against its last
// value, so a flaky exporter loses nothing; one gone for longer starts anew.
const staleScrapes = 10

// maxCachedFamilies bounds the family-name → rules cache, against targets
// that invent new names on every scrape.
const maxCachedFamilies = 1 << 16

// mapper applies rules to parsed families and keeps the counter state
// between scrapes. It is not safe for concurrent use; Source serialises it.
type mapper struct {
	rules  []rule
	source string // collector name, on every row
	where  string // the redacted URL, on every Problem

	series map[string]*series
	scrape uint64  // scrapes mapped so far
	prev   float64 // Unix seconds of the previous scrape; 0 before the first

	familyRules map[string][]int // cache: family name → indexes of matching rules
	created     map[string]map[string]float64
	out         rows
	problems    []collector.Problem
	warned      map[string]bool // family-level problems already reported this scrape

	// scratch, reused across series
	key   []byte
	order []int
	apply []int
	cur   histState
	delta histDelta
}

func newMapper(source, where string, rules []rule) *mapper {
	return &mapper{
		rules: rules, source: source, where: where,
		series:      map[string]*series{},
		familyRules: map[string][]int{},
		created:     map[string]map[string]float64{},
		warned:      map[string]bool{},
	}
}

// mapScrape turns one scrape's families, taken at now, into a batch.
func (m *mapper) mapScrape(fams map[string]*dto.MetricFamily, now time.Time) collector.Batch {
	m.scrape++
	m.out.reset(m.source)
	m.problems = nil
	clear(m.created)
	clear(m.warned)
	for name, mf := range fams {
		m.family(name, mf, fams, now)
	}
	for k, s := range m.series {
		if m.scrape-s.seen > staleScrapes {
			delete(m.series, k)
		}
	}
	m.prev = float64(now.UnixNano()) / 1e9
	m.out.sorted()
	slices.SortFunc(m.problems, func(a, b collector.Problem) int {
		if a.Where != b.Where {
			if a.Where < b.Where {
				return -1
			}
			return 1
		}
		if a.Message < b.Message {
			return -1
		}
		if a.Message > b.Message {
			return 1
		}
		return 0
	})
	return collector.Batch{Samples: m.out.samples, Bridges: m.out.bridges, Problems: m.problems}
}

func (m *mapper) rulesFor(name string) []int {
	if rs, ok := m.familyRules[name]; ok {
		return rs
	}
	var rs []int
	for i := range m.rules {
		if m.rules[i].match.match(name) {
			rs = append(rs, i)
		}
	}
	if len(m.familyRules) >= maxCachedFamilies {
		clear(m.familyRules)
	}
	m.familyRules[name] = rs
	return rs
}

func (m *mapper) problem(name string, labels []*dto.LabelPair, format string, args ...any) {
	m.problems = append(m.problems, collector.Problem{
		Where:   m.where + ": " + seriesString(name, labels),
		Message: fmt.Sprintf(format, args...),
	})
}

// familyProblem reports a problem of a rule with a whole family once per scrape.
func (m *mapper) familyProblem(name string, r *rule, format string, args ...any) {
	k := name + "\xff" + r.where
	if m.warned[k] {
		return
	}
	m.warned[k] = true
	m.problems = append(m.problems, collector.Problem{
		Where:   m.where + ": " + name,
		Message: r.where + ": " + fmt.Sprintf(format, args...),
	})
}

func (m *mapper) family(name string, mf *dto.MetricFamily, fams map[string]*dto.MetricFamily, now time.Time) {
	rs := m.rulesFor(name)
	if len(rs) == 0 {
		return
	}
	typ := mf.GetType()
	for _, met := range mf.GetMetric() {
		if met == nil {
			continue
		}
		m.apply = m.apply[:0]
		kind := ""
		for _, ri := range rs {
			r := &m.rules[ri]
			if !r.fits(met.GetLabel()) {
				continue
			}
			k := r.kindFor(typ)
			switch {
			case kind == "":
				kind = k
			case k != kind:
				m.familyProblem(name, r, "reads the family as %s but an earlier rule reads it as %s; skipped", k, kind)
				continue
			}
			if !r.usage && k == KindGauge {
				m.familyProblem(name, r, "a gauge cannot feed bridge rows (they hold increments); set kind: counter if it only grows")
				continue
			}
			if r.usage && k == KindHistogram {
				m.familyProblem(name, r, "a histogram cannot feed usage rows; use a bridge rule with field latency")
				continue
			}
			if !r.usage && r.field == FieldLatency && k != KindHistogram {
				m.familyProblem(name, r, "latency needs a histogram, and this family is a %s", k)
				continue
			}
			m.apply = append(m.apply, ri)
		}
		if len(m.apply) > 0 {
			m.metric(name, kind, met, fams, now)
		}
	}
}

// metric reads one series as kind and feeds it to the rules in m.apply.
func (m *mapper) metric(name, kind string, met *dto.Metric, fams map[string]*dto.MetricFamily, now time.Time) {
	labels := met.GetLabel()
	m.key, m.order = appendKey(m.key[:0], name, labels, m.order)
	s, seen := m.series[string(m.key)]
	if !seen {
		s = &series{}
		m.series[string(m.key)] = s
	} else if s.seen == m.scrape {
		m.problem(name, labels, "duplicate series: only its first sample is used")
		return
	}
	fresh := !seen || s.seen == 0
	ts := now
	if met.TimestampMs != nil {
		ts = time.UnixMilli(met.GetTimestampMs()).UTC()
	}

	var value float64
	var ok bool
	switch kind {
	case KindGauge, KindCounter:
		v, isScalar := scalar(met)
		if !isScalar {
			m.problem(name, labels, "a %s rule needs a single value, and this series is a histogram or summary", kind)
			return
		}
		if !finite(v) {
			m.problem(name, labels, "value %s is not a finite number; skipped", formatFloat(v))
			return
		}
		if kind == KindGauge {
			value, ok = v, true
			break
		}
		if v < 0 {
			m.problem(name, labels, "counter value %s is negative; skipped", formatFloat(v))
			return
		}
		value, ok = s.counter(v, m.createdOf(name, met, fams), fresh, m.prev)
	case KindHistogram:
		if msg := readHistogram(met, &m.cur); msg != "" {
			m.problem(name, labels, "%s; skipped", msg)
			return
		}
		ok = s.histogram(&m.cur, m.createdOf(name, met, fams), fresh, m.prev, &m.delta)
	}
	s.seen = m.scrape
	if !ok {
		return
	}
	for _, ri := range m.apply {
		m.feed(&m.rules[ri], name, labels, kind, value, ts)
	}
}

// feed adds one series' value (or m.delta, for histograms) to the row rule r makes of it.
func (m *mapper) feed(r *rule, name string, labels []*dto.LabelPair, kind string, value float64, ts time.Time) {
	segment := pick(labels, r.segmentLabel, r.segment)
	if r.usage {
		network := pick(labels, r.networkLabel, r.network)
		if network == "" {
			m.problem(name, labels, "%s: no %s label and no static network; skipped", r.where, r.networkLabel)
			return
		}
		m.out.addUsage(ts, network, r.metric.Name, segment, value)
		return
	}
	bridge := pick(labels, r.bridgeLabel, r.bridge)
	from := pick(labels, r.fromLabel, r.from)
	to := pick(labels, r.toLabel, r.to)
	switch {
	case bridge == "":
		m.problem(name, labels, "%s: no %s label and no static bridge; skipped", r.where, r.bridgeLabel)
		return
	case from == "":
		m.problem(name, labels, "%s: no %s label and no static from_network; skipped", r.where, r.fromLabel)
		return
	case to == "":
		m.problem(name, labels, "%s: no %s label and no static to_network; skipped", r.where, r.toLabel)
		return
	}
	b := m.out.bridge(ts, bridge, from, to)
	if kind == KindHistogram {
		switch r.field {
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
	switch r.field {
	case FieldMessages:
		b.Messages += count(value)
	case FieldFailures:
		b.Failures += count(value)
	case FieldBytes:
		b.Bytes += count(value)
	}
}

// pick is the value of label, or def when the label is unset or empty.
func pick(labels []*dto.LabelPair, label, def string) string {
	if label != "" {
		if v := labelValue(labels, label); v != "" {
			return v
		}
	}
	return def
}

// scalar is the single value of a counter, gauge or untyped series.
func scalar(met *dto.Metric) (float64, bool) {
	switch {
	case met.Counter != nil:
		return met.Counter.GetValue(), true
	case met.Gauge != nil:
		return met.Gauge.GetValue(), true
	case met.Untyped != nil:
		return met.Untyped.GetValue(), true
	}
	return 0, false
}

// createdOf is the series' created timestamp in Unix seconds, 0 when
// unknown: from the protobuf field (OpenMetrics, protobuf expositions), or
// from the sibling family NAME_created that Prometheus text expositions
// (Python's client) carry.
func (m *mapper) createdOf(name string, met *dto.Metric, fams map[string]*dto.MetricFamily) float64 {
	var ts interface {
		GetSeconds() int64
		GetNanos() int32
	}
	switch {
	case met.Counter != nil && met.Counter.CreatedTimestamp != nil:
		ts = met.Counter.CreatedTimestamp
	case met.Histogram != nil && met.Histogram.CreatedTimestamp != nil:
		ts = met.Histogram.CreatedTimestamp
	case met.Summary != nil && met.Summary.CreatedTimestamp != nil:
		ts = met.Summary.CreatedTimestamp
	}
	if ts != nil {
		return float64(ts.GetSeconds()) + float64(ts.GetNanos())/1e9
	}
	base := name
	if met.Counter != nil || met.Untyped != nil {
		if b, ok := cutSuffix(name, "_total"); ok {
			base = b
		}
	}
	cname := base + "_created"
	idx, ok := m.created[cname]
	if !ok {
		idx = m.createdIndex(fams[cname])
		m.created[cname] = idx
	}
	if idx == nil {
		return 0
	}
	m.key, m.order = appendKey(m.key[:0], "", met.GetLabel(), m.order)
	return idx[string(m.key)]
}

// createdIndex indexes a _created family by label set; nil when absent.
func (m *mapper) createdIndex(mf *dto.MetricFamily) map[string]float64 {
	if mf == nil {
		return nil
	}
	idx := make(map[string]float64, len(mf.GetMetric()))
	var key []byte
	for _, met := range mf.GetMetric() {
		if v, ok := scalar(met); ok && finite(v) && v > 0 {
			key, m.order = appendKey(key[:0], "", met.GetLabel(), m.order)
			idx[string(key)] = v
		}
	}
	return idx
}

func cutSuffix(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// readHistogram copies a histogram (or a summary's count and sum) into h:
// cumulative buckets by ascending bound, ending with +Inf. It returns what is
// wrong with the series, or "".
func readHistogram(met *dto.Metric, h *histState) string {
	h.bounds, h.counts = h.bounds[:0], h.counts[:0]
	switch {
	case met.Histogram != nil:
		hg := met.Histogram
		h.count = hg.GetSampleCountFloat()
		if h.count == 0 {
			h.count = float64(hg.GetSampleCount())
		}
		h.sum = hg.GetSampleSum()
		for _, b := range hg.GetBucket() {
			c := b.GetCumulativeCountFloat()
			if c == 0 {
				c = float64(b.GetCumulativeCount())
			}
			h.bounds = append(h.bounds, b.GetUpperBound())
			h.counts = append(h.counts, c)
		}
	case met.Summary != nil:
		h.count, h.sum = float64(met.Summary.GetSampleCount()), met.Summary.GetSampleSum()
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
