package jsonapi

import (
	"fmt"
	"strconv"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// mapStats counts what one mapping did.
type mapStats struct {
	records int // records the records path selected
	bad     int // records reported as Problems
	primed  int // records that only set a first running total
}

func (st *mapStats) add(o mapStats) {
	st.records += o.records
	st.bad += o.bad
	st.primed += o.primed
}

// mapDocument maps every record of a decoded response onto rows with m
// (the mappings, filled in for the response's item), naming where in
// problems. A record with any bad field yields one Problem per bad field
// and no row; the records path not resolving at all is an error.
func (s *Source) mapDocument(doc any, fetchedAt time.Time, m *mappings, where string) (collector.Batch, mapStats, error) {
	var b collector.Batch
	var st mapStats
	recs, misses, err := m.records.records(doc)
	if err != nil {
		return b, st, err
	}
	for _, ms := range misses {
		b.Problems = append(b.Problems, collector.Problem{
			Where:   where + ": " + ms.at,
			Message: fmt.Sprintf("records path %s: %s", m.records.text, ms.why),
		})
	}
	st.records = len(recs)
	for i, rec := range recs {
		var errs []error
		var primed bool
		if s.cfg.kind() == KindBridges {
			errs, primed = s.mapBridge(m, doc, rec, fetchedAt, &b)
		} else {
			errs, primed = s.mapUsage(m, doc, rec, fetchedAt, &b)
		}
		if primed {
			st.primed++
		}
		if len(errs) == 0 {
			continue
		}
		st.bad++
		where := where + ": record " + strconv.Itoa(i) + " at " + rec.at
		for _, err := range errs {
			b.Problems = append(b.Problems, collector.Problem{Where: where, Message: err.Error()})
		}
	}
	return b, st, nil
}

// errs collects the errors of one record's fields.
type errs []error

func (e *errs) add(err error) {
	if err != nil {
		*e = append(*e, err)
	}
}

func (s *Source) ts(m *mappings, doc any, rec record, fetchedAt time.Time, e *errs) time.Time {
	if m.ts == nil {
		return fetchedAt
	}
	t, err := m.ts.time(doc, rec, s.cfg.TSFormat)
	e.add(err)
	return t
}

// optional reads an optional label (the segment): "" when unmapped, or
// when the record holds "" or null there, which APIs use for "none". A
// mapped path that is missing is still a problem: it is likely a typo.
func optional(f *field, doc any, rec record, e *errs) string {
	if f == nil {
		return ""
	}
	if f.isLit {
		return f.literal
	}
	if !f.isKey {
		if v, err := f.path.get(doc, rec.value); err == nil && (v == nil || v == "") {
			return ""
		}
	}
	t, err := f.text(doc, rec)
	e.add(err)
	return t
}

func (s *Source) mapUsage(m *mappings, doc any, rec record, fetchedAt time.Time, b *collector.Batch) ([]error, bool) {
	var e errs
	smp := imscope.Sample{TS: s.ts(m, doc, rec, fetchedAt, &e), Source: s.label, Segment: optional(m.segment, doc, rec, &e)}
	var err error
	smp.Network, err = m.network.text(doc, rec)
	e.add(err)
	name, err := m.metric.text(doc, rec)
	e.add(err)
	var kind imscope.MetricKind
	if err == nil {
		if met, lerr := imscope.LookupMetric(name); lerr != nil {
			e.add(&fieldError{m.metric, fmt.Sprintf("%s is not a metric of the catalog (%s)", quote(name), metricNames())})
		} else {
			smp.Metric, kind = met.Name, met.Kind
		}
	}
	smp.Value, err = m.value.number(doc, rec)
	e.add(err)
	if len(e) > 0 {
		return e, false
	}
	if s.cfg.Cumulative && kind == imscope.Counter {
		d, ok := s.usage.delta(smp.Network+"\x00"+smp.Segment+"\x00"+smp.Metric, smp.Value)
		if !ok {
			return nil, true
		}
		smp.Value = d
	}
	b.Samples = append(b.Samples, smp)
	return nil, false
}

func (s *Source) mapBridge(m *mappings, doc any, rec record, fetchedAt time.Time, b *collector.Batch) ([]error, bool) {
	var e errs
	bs := imscope.BridgeSample{TS: s.ts(m, doc, rec, fetchedAt, &e), Source: s.label}
	var err error
	bs.Bridge, err = m.bridge.text(doc, rec)
	e.add(err)
	bs.FromNetwork, err = m.from.text(doc, rec)
	e.add(err)
	bs.ToNetwork, err = m.to.text(doc, rec)
	e.add(err)
	bs.Messages, err = m.messages.count(doc, rec)
	e.add(err)
	if m.failures != nil {
		bs.Failures, err = m.failures.count(doc, rec)
		e.add(err)
	}
	if m.bytes != nil {
		bs.Bytes, err = m.bytes.count(doc, rec)
		e.add(err)
	}
	if len(e) > 0 {
		return e, false
	}
	if s.cfg.Cumulative {
		key := bs.Bridge + "\x00" + bs.FromNetwork + "\x00" + bs.ToNetwork + "\x00"
		msgs, ok := s.bridge.delta(key+"messages", bs.Messages)
		fails, _ := s.bridge.delta(key+"failures", bs.Failures)
		byts, _ := s.bridge.delta(key+"bytes", bs.Bytes)
		if !ok {
			return nil, true
		}
		bs.Messages, bs.Failures, bs.Bytes = msgs, fails, byts
	}
	if bs.Failures > bs.Messages {
		return []error{&fieldError{m.failures, fmt.Sprintf("%d failures of %d messages; messages must count the failed ones too", bs.Failures, bs.Messages)}}, false
	}
	b.Bridges = append(b.Bridges, bs)
	return nil, false
}
