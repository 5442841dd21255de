package exposition

import (
	"fmt"
	"math"
)

// Format is an exposition format.
type Format uint8

const (
	// Text is the Prometheus text format 0.0.4.
	Text Format = iota
	// OpenMetrics is OpenMetrics 1.0 text (and 0.0.1, which reads the same).
	OpenMetrics
)

func (f Format) String() string {
	if f == OpenMetrics {
		return "OpenMetrics"
	}
	return "text"
}

// Type is a metric family's type, as expfmt reports it (client_model's
// MetricType): OpenMetrics "unknown" is Untyped; "info" and "stateset" are
// refused.
type Type uint8

const (
	Counter Type = iota
	Gauge
	Summary
	Untyped
	Histogram
	GaugeHistogram
)

var typeNames = [...]string{"counter", "gauge", "summary", "untyped", "histogram", "gaugehistogram"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", t)
}

// isGroup reports whether series of type t span several lines (buckets,
// quantiles, count and sum) that make one series.
func (t Type) isGroup() bool { return t == Summary || t == Histogram || t == GaugeHistogram }

func (t Type) isHistogram() bool { return t == Histogram || t == GaugeHistogram }

// Role is what a sample line contributes to its series.
type Role uint8

const (
	// RoleValue is the value of a counter, gauge or untyped series (a
	// counter's _total line in OpenMetrics).
	RoleValue Role = iota
	// RoleCreated is an OpenMetrics _created line: Created holds it.
	RoleCreated
	// RoleCount and RoleSum are a histogram's or summary's _count and _sum.
	RoleCount
	RoleSum
	// RoleBucket is a histogram bucket: Bound is its le.
	RoleBucket
	// RoleQuantile is a summary quantile: Bound is its quantile.
	RoleQuantile
	// RoleNone is a text-format histogram or summary line that sets nothing
	// (no le or quantile label, or NaN there): expfmt keeps its series,
	// empty, and drops its value.
	RoleNone
)

var roleNames = [...]string{"value", "created", "count", "sum", "bucket", "quantile", "none"}

func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", r)
}

// Family is a metric family as expfmt reports it. Families are kept by the
// Parser from one body to the next, so a caller may hang per-family state on
// the pointer; its fields describe the body being parsed.
type Family struct {
	// Name is the family's name as expfmt reports it: an OpenMetrics
	// counter's name carries _total (its TYPE line does not).
	Name    string
	Type    Type
	Help    string
	HasHelp bool
	Unit    string // OpenMetrics only; "" when none or empty
	// Data is the caller's: the Parser keeps it from body to body and
	// never reads it.
	Data any

	name string // as written in TYPE/HELP lines and samples (the map key)
	gen  uint64 // the body the fields below belong to
	// Strings kept from one body to the next, so that the same metadata
	// costs no allocation each scrape.
	helpCache, unitCache, totalName string

	typeSet    bool // expfmt's Type != nil: a TYPE line, or a first sample
	hasType    bool // OpenMetrics: a TYPE line was read
	hasUnit    bool // OpenMetrics: a UNIT line was read
	hasSamples bool // OpenMetrics
	emitted    bool // OpenMetrics: a later family has started
	missing    int  // OpenMetrics counters: series with _created but no _total yet
}

// Label is a decoded label pair.
type Label struct {
	Name, Value string
}

// Sample is one sample line, as the Parser read it. It is valid until the
// next call of Next; its byte slices point into the Parser's buffer.
type Sample struct {
	// Family is the family of the series the line belongs to.
	Family *Family
	// Series identifies the series within this body: lines of one
	// histogram or summary (or an OpenMetrics counter's _total and
	// _created) share it; every other line starts a series of its own,
	// duplicates included. It counts from 0 in each body.
	Series int
	// New is set on the first line of a series.
	New  bool
	Role Role
	// Bound is the le of a bucket or the quantile of a quantile line.
	Bound float64
	// Value is the sample's value. For RoleCreated it is Created as
	// seconds.
	Value float64
	// Created is an OpenMetrics _created line's timestamp, exact to the
	// nanosecond, as expfmt keeps it.
	Created Timestamp
	// TimestampMs is the line's timestamp, when HasTimestamp is set.
	TimestampMs  int64
	HasTimestamp bool
	// Line is the line's number, from 1.
	Line int
	// Raw is the name and label set as written: equal Raw means equal
	// labels (and equal Bound) within a family of a given type, so it
	// keys a cache of decoded series — unless Unusual is set.
	Raw []byte
	// Unusual is set on the rare text-format lines whose labels depend on
	// the lines before them (a name inside braces, read after a line of
	// another histogram or summary family): do not cache by Raw.
	Unusual bool

	p *Parser
}

// Labels appends the line's labels, decoded, in the order written, to dst:
// the labels expfmt keeps for the line (le and quantile are Bound, not
// labels, on the lines of histograms and summaries).
func (s *Sample) Labels(dst []Label) []Label {
	return s.p.labels(dst)
}

// Timestamp is a point in time as seconds and nanoseconds since the Unix
// epoch, nanoseconds in [0, 1e9): a protobuf Timestamp.
type Timestamp struct {
	Seconds int64
	Nanos   int32
}

// Float is t in seconds, as a float.
func (t Timestamp) Float() float64 { return float64(t.Seconds) + float64(t.Nanos)/1e9 }

// ParseError is input the format does not allow, with the line it is on.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

var nan = math.NaN()
