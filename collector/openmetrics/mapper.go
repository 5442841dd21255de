package openmetrics

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/openmetrics/exposition"
)

// staleScrapes is how many scrapes a series may be missing before its state
// is dropped. A series that comes back sooner is diffed against its last
// value, so a flaky exporter loses nothing; one gone for longer starts anew.
const staleScrapes = 10

// maxCachedFamilies bounds the family-name → rules cache, against targets
// that invent new names on every scrape.
const maxCachedFamilies = 1 << 16

// maxRefs bounds the cache of series by their text, against a target that
// writes its series differently on every scrape.
const maxRefs = 1 << 21

// mapper applies rules to a scrape's samples as the parser hands them over,
// and keeps the counter state between scrapes. While the body streams in it
// only notes each series' values (an occurrence); the rows are made when
// the body is complete, because a counter's created timestamp may come
// after it (Python's text format puts NAME_created after NAME_total), and a
// body that fails half-way must leave the counter state as it was. It is
// not safe for concurrent use; Source serialises it.
type mapper struct {
	rules  []rule
	source string // collector name, on every row
	where  string // the redacted URL, on every Problem

	series map[string]*series // counter state by family name and sorted labels
	refs   map[string]*ref    // what is known of a series, by its text as written
	// A target writes its series in the same order every scrape, so the
	// ref a series needs is most often the one after the last ref met, in
	// the order of the last scrape: checking that first spares hashing the
	// series' text and probing refs at random (a fifth of mapping 100,000
	// series). last is the previous scrape's refs in order, met this
	// one's so far, next the position in last expected next.
	last, met []*ref
	next      int
	scrape    uint64  // scrapes mapped so far
	prev      float64 // Unix seconds of the previous scrape; 0 before the first

	familyRules map[string][]int // cache: family name → indexes of matching rules

	// The scrape streaming in.
	occ      []occurrence
	n        int                // occurrences in use
	bySeries []int32            // the parser's series → its occurrence; -1: none
	created  map[string]float64 // NAME_created values, by the created series' key

	out      rows
	problems []collector.Problem
	warned   map[string]bool // family-level problems already reported this scrape

	// scratch, reused across series
	key   []byte
	order []int
	cur   histState
	delta histDelta
}

// famInfo is what the mapper keeps on an exposition.Family (its Data).
type famInfo struct {
	name    string // the family name and type it was worked out for
	typ     exposition.Type
	rules   []int
	created bool // a NAME_created family that a family with rules reads
}

// ref is what the mapper knows of a series from the text of its first
// line, worked out the first time it meets that text: decoding the labels,
// matching the rules and finding the counter state cost allocations that a
// series seen before must not cost again.
type ref struct {
	raw    string // the series' text as written: its key in mapper.refs
	at     int    // its position in mapper.met in scrape seen
	fam    string // family name and type it was made under
	typ    exposition.Type
	labels []exposition.Label
	key    string // family name and sorted labels: the series' identity

	apply    []int  // rules that map the series
	kind     string // how they read it
	problems []ruleProblem
	st       *series // counter state; nil when no rule applies

	createdKey string // key of the NAME_created series with its labels
	seen       uint64 // the last scrape that used it
}

// ruleProblem is a rule that fits a series but cannot map it.
type ruleProblem struct {
	rule int
	msg  string
}

// occurrence is a series in the scrape streaming in: what expfmt made a
// Metric of, with its values.
type occurrence struct {
	ref        *ref
	value      float64 // counter, gauge or untyped value
	created    float64 // OpenMetrics _created, Unix seconds
	hasCreated bool
	ts         int64 // the sample's own timestamp, in ms
	hasTS      bool
	count, sum float64   // histograms and summaries
	bounds     []float64 // histogram buckets, in the order written
	counts     []float64
}

func newMapper(source, where string, rules []rule) *mapper {
	return &mapper{
		rules: rules, source: source, where: where,
		series:      map[string]*series{},
		refs:        map[string]*ref{},
		familyRules: map[string][]int{},
		created:     map[string]float64{},
		warned:      map[string]bool{},
	}
}

// mapBody parses a body with p, in format f, and maps it as a scrape taken
// at now. A body that does not parse changes no state.
func (m *mapper) mapBody(p *exposition.Parser, r io.Reader, f exposition.Format, now time.Time) (collector.Batch, error) {
	p.Reset(r, f)
	m.begin()
	for {
		s, err := p.Next()
		if errors.Is(err, io.EOF) {
			return m.finish(now), nil
		}
		if err != nil {
			return collector.Batch{}, err
		}
		m.sample(s)
	}
}

// begin starts a scrape.
func (m *mapper) begin() {
	m.n = 0
	clear(m.created)
	m.met, m.next = m.met[:0], 0
}

// sample notes one sample line. It allocates only for a series whose text
// it has not met before.
func (m *mapper) sample(s *exposition.Sample) {
	fi := m.info(s.Family)
	if len(fi.rules) == 0 && !fi.created {
		return
	}
	var o *occurrence
	if s.New {
		r := m.ref(s, fi)
		if fi.created && s.Role == exposition.RoleValue && finite(s.Value) && s.Value > 0 {
			m.created[r.key] = s.Value
		}
		if len(r.apply) == 0 && len(r.problems) == 0 {
			m.setSeries(s.Series, -1)
			return
		}
		o = m.newOccurrence(r)
		m.setSeries(s.Series, int32(m.n-1))
	} else {
		if s.Series >= len(m.bySeries) || m.bySeries[s.Series] < 0 {
			return
		}
		o = &m.occ[m.bySeries[s.Series]]
	}
	switch {
	case s.Role == exposition.RoleValue:
		o.ts, o.hasTS = s.TimestampMs, s.HasTimestamp
	case s.Role != exposition.RoleCreated && s.HasTimestamp:
		o.ts, o.hasTS = s.TimestampMs, true
	}
	switch s.Role {
	case exposition.RoleValue:
		o.value = s.Value
	case exposition.RoleCreated:
		o.created, o.hasCreated = s.Created.Float(), true
	case exposition.RoleCount:
		o.count = s.Value
	case exposition.RoleSum:
		o.sum = s.Value
	case exposition.RoleBucket:
		o.bounds = append(o.bounds, s.Bound)
		o.counts = append(o.counts, s.Value)
	}
}

func (m *mapper) newOccurrence(r *ref) *occurrence {
	if m.n == len(m.occ) {
		m.occ = append(m.occ, occurrence{})
	}
	o := &m.occ[m.n]
	m.n++
	*o = occurrence{ref: r, bounds: o.bounds[:0], counts: o.counts[:0]}
	return o
}

func (m *mapper) setSeries(id int, occ int32) {
	for id >= len(m.bySeries) {
		m.bySeries = append(m.bySeries, -1)
	}
	m.bySeries[id] = occ
}

// info is what the mapper keeps on family f.
func (m *mapper) info(f *exposition.Family) *famInfo {
	fi, _ := f.Data.(*famInfo)
	if fi != nil && fi.name == f.Name && fi.typ == f.Type {
		return fi
	}
	if fi == nil {
		fi = &famInfo{}
		f.Data = fi
	}
	fi.name, fi.typ = f.Name, f.Type
	fi.rules = m.rulesFor(f.Name)
	fi.created = false
	if base, ok := cutSuffix(f.Name, "_created"); ok && scalarType(f.Type) {
		fi.created = len(m.rulesFor(base)) > 0 || len(m.rulesFor(base+"_total")) > 0
	}
	return fi
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

// ref returns what is known of the series s starts, working it out if s's
// text is new (or its family changed type).
func (m *mapper) ref(s *exposition.Sample, fi *famInfo) *ref {
	if s.Unusual {
		return m.newRef(s, fi)
	}
	r := m.known(s, fi)
	if r != nil {
		if r.st != nil && r.st.dropped {
			r.st = m.seriesFor(r.key)
		}
	} else {
		r = m.newRef(s, fi)
		r.raw = string(s.Raw)
		if len(m.refs) >= maxRefs {
			clear(m.refs)
		}
		m.refs[r.raw] = r
	}
	r.seen, r.at = m.scrape+1, len(m.met)
	m.met = append(m.met, r)
	return r
}

// known is the ref made before for s's text in family fi, or nil: the one
// expected next in the last scrape's order when its text is s's, else the
// one refs holds. A ref found in refs that the last scrape met moves the
// expected position to just after it, so a series that came or went costs
// one lookup, not one for each series after it.
func (m *mapper) known(s *exposition.Sample, fi *famInfo) *ref {
	if m.next < len(m.last) {
		if r := m.last[m.next]; r.raw == string(s.Raw) && r.fam == fi.name && r.typ == fi.typ {
			m.next++
			return r
		}
	}
	r := m.refs[string(s.Raw)]
	if r == nil || r.fam != fi.name || r.typ != fi.typ {
		return nil
	}
	if r.seen == m.scrape && r.at < len(m.last) && m.last[r.at] == r {
		m.next = r.at + 1
	}
	return r
}

// newRef decodes a series' labels and works out which rules map it and how:
// everything about a series that its values do not change.
func (m *mapper) newRef(s *exposition.Sample, fi *famInfo) *ref {
	r := &ref{fam: fi.name, typ: fi.typ, labels: s.Labels(nil), seen: m.scrape + 1}
	m.key, m.order = appendKey(m.key[:0], fi.name, r.labels, m.order)
	r.key = string(m.key)
	for _, ri := range fi.rules {
		rl := &m.rules[ri]
		if !rl.fits(r.labels) {
			continue
		}
		k := rl.kindFor(fi.typ)
		switch {
		case r.kind == "":
			r.kind = k
		case k != r.kind:
			r.problems = append(r.problems, ruleProblem{ri, fmt.Sprintf("reads the family as %s but an earlier rule reads it as %s; skipped", k, r.kind)})
			continue
		}
		switch {
		case !rl.usage && k == KindGauge:
			r.problems = append(r.problems, ruleProblem{ri, "a gauge cannot feed bridge rows (they hold increments); set kind: counter if it only grows"})
		case rl.usage && k == KindHistogram:
			r.problems = append(r.problems, ruleProblem{ri, "a histogram cannot feed usage rows; use a bridge rule with field latency"})
		case !rl.usage && rl.field == FieldLatency && k != KindHistogram:
			r.problems = append(r.problems, ruleProblem{ri, fmt.Sprintf("latency needs a histogram, and this family is a %s", k)})
		default:
			r.apply = append(r.apply, ri)
		}
	}
	if len(r.apply) > 0 {
		r.st = m.seriesFor(r.key)
		// Python's text format has a counter's created timestamp in the
		// family NAME_created (NAME without _total), with the same labels.
		base := fi.name
		if fi.typ == exposition.Counter || fi.typ == exposition.Untyped {
			base, _ = cutSuffix(base, "_total")
		}
		m.key, m.order = appendKey(m.key[:0], base+"_created", r.labels, m.order)
		r.createdKey = string(m.key)
	}
	return r
}

// seriesFor is the counter state of the series with key, made if new.
func (m *mapper) seriesFor(key string) *series {
	s := m.series[key]
	if s == nil {
		s = &series{}
		m.series[key] = s
	}
	return s
}

// finish makes the rows of the scrape streamed in since begin, taken at now.
func (m *mapper) finish(now time.Time) collector.Batch {
	m.scrape++
	m.last, m.met = m.met, m.last[:0]
	m.out.reset(m.source)
	m.problems = nil
	clear(m.warned)
	for i := range m.occ[:m.n] {
		m.metric(&m.occ[i], now)
	}
	// Stale state is forgotten when it is met again (metric), so a sweep
	// only frees memory, and every few scrapes is enough.
	if m.scrape%staleScrapes == 0 {
		for k, s := range m.series {
			if stale(s.seen, m.scrape) {
				s.dropped = true
				delete(m.series, k)
			}
		}
		for k, r := range m.refs {
			if stale(r.seen, m.scrape) {
				delete(m.refs, k)
			}
		}
	}
	m.prev = float64(now.UnixNano()) / 1e9
	m.out.sorted()
	slices.SortFunc(m.problems, func(a, b collector.Problem) int {
		if c := strings.Compare(a.Where, b.Where); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return collector.Batch{Samples: m.out.samples, Bridges: m.out.bridges, Problems: m.problems}
}

func (m *mapper) problem(name string, labels []exposition.Label, format string, args ...any) {
	m.problems = append(m.problems, collector.Problem{
		Where:   m.where + ": " + seriesString(name, labels),
		Message: fmt.Sprintf(format, args...),
	})
}

// familyProblem reports a problem of a rule with a whole family once per scrape.
func (m *mapper) familyProblem(name string, r *rule, msg string) {
	k := name + "\xff" + r.where
	if m.warned[k] {
		return
	}
	m.warned[k] = true
	m.problems = append(m.problems, collector.Problem{
		Where:   m.where + ": " + name,
		Message: r.where + ": " + msg,
	})
}

// stale reports whether state last used at scrape seen is forgotten at
// scrape now: it was missing from more than staleScrapes scrapes.
func stale(seen, now uint64) bool { return seen+staleScrapes+1 < now }

func scalarType(t exposition.Type) bool {
	return t == exposition.Counter || t == exposition.Gauge || t == exposition.Untyped
}

func cutSuffix(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}
