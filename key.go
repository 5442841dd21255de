package imscope

import (
	"fmt"
	"maps"
	"math"
	"time"
)

// Every stored row has a natural key: what it is a measurement of. A key is
// stored once — loading it again (a re-import, a file that grew, a spool
// replay, a retried push) never counts it twice — and a row whose key is
// stored with other figures is a conflict, except for published shares,
// which a re-published report replaces. The keys are compared at the
// resolution the tables keep: milliseconds for timestamps, days for panel
// periods.

// SampleKey identifies a usage sample: which network's metric, for which
// segment, at what time, by which source.
type SampleKey struct {
	TS                               int64 // Unix milliseconds
	Network, Metric, Segment, Source string
}

// Key is the sample's natural key.
func (s Sample) Key() SampleKey {
	return SampleKey{TS: s.TS.UnixMilli(), Network: s.Network, Metric: s.Metric, Segment: s.Segment, Source: s.Source}
}

// SameFigures reports whether o carries exactly the value of s.
func (s Sample) SameFigures(o Sample) bool {
	return math.Float64bits(s.Value) == math.Float64bits(o.Value)
}

func (k SampleKey) String() string {
	return fmt.Sprintf("%s %s of %s%s from %s", fmtMilli(k.TS), k.Metric, k.Network, segmentOf(k.Segment), k.Source)
}

// BridgeKey identifies a route's traffic in one interval from one source.
type BridgeKey struct {
	TS                                  int64 // interval start, Unix milliseconds
	Bridge, FromNetwork, ToNetwork, Src string
}

// Key is the traffic row's natural key.
func (b BridgeSample) Key() BridgeKey {
	return BridgeKey{TS: b.TS.UnixMilli(), Bridge: b.Bridge, FromNetwork: b.FromNetwork, ToNetwork: b.ToNetwork, Src: b.Source}
}

// SameFigures reports whether o carries the same traffic as b (latency sums
// at the microsecond the table keeps).
func (b BridgeSample) SameFigures(o BridgeSample) bool {
	return b.Messages == o.Messages && b.Failures == o.Failures && b.Bytes == o.Bytes &&
		math.Round(b.LatencySum*1e6) == math.Round(o.LatencySum*1e6) && maps.Equal(nonNil(b.Latency), nonNil(o.Latency))
}

func nonNil(m map[uint64]uint64) map[uint64]uint64 {
	if m == nil {
		return map[uint64]uint64{}
	}
	return m
}

func (k BridgeKey) String() string {
	return fmt.Sprintf("%s traffic of %s %s→%s from %s", fmtMilli(k.TS), k.Bridge, k.FromNetwork, k.ToNetwork, k.Src)
}

// PanelKey identifies one panel user's activity on one network in one period.
type PanelKey struct {
	Period           int64 // days since the epoch
	UserKey          uint64
	Network, Segment string
}

// Key is the panel record's natural key.
func (p PanelRecord) Key() PanelKey {
	return PanelKey{Period: p.Period.UTC().Unix() / 86400, UserKey: p.UserKey, Network: p.Network, Segment: p.Segment}
}

// SameFigures reports whether o records the same activity as p.
func (p PanelRecord) SameFigures(o PanelRecord) bool {
	return p.ActiveDays == o.ActiveDays && p.Messages == o.Messages
}

func (k PanelKey) String() string {
	return fmt.Sprintf("user %016x on %s in the period from %s%s", k.UserKey, k.Network, time.Unix(k.Period*86400, 0).UTC().Format(time.DateOnly), segmentOf(k.Segment))
}

// ReportKey identifies one published share: a publisher's figure for a
// network in a period, on some basis.
type ReportKey struct {
	Period, Publisher, Basis, Network string
}

// Key is the published share's natural key.
func (m MarketReport) Key() ReportKey {
	return ReportKey{Period: m.Period, Publisher: m.Publisher, Basis: m.Basis, Network: m.Network}
}

// SameFigures reports whether o publishes the same figure as m.
func (m MarketReport) SameFigures(o MarketReport) bool {
	return m.Share == o.Share && m.Bound == o.Bound && m.Note == o.Note
}

func (k ReportKey) String() string {
	return fmt.Sprintf("%s's %s share of %s in %s", k.Publisher, k.Basis, k.Network, k.Period)
}

// StateKey identifies one observed bridge state.
type StateKey struct {
	TS                       int64 // Unix milliseconds
	Bridge, Source, RemoteID string
}

// Key is the bridge state's natural key.
func (s BridgeState) Key() StateKey {
	return StateKey{TS: s.TS.UnixMilli(), Bridge: s.Bridge, Source: s.Source, RemoteID: s.RemoteID}
}

// SameFigures reports whether o observed the same state as s.
func (s BridgeState) SameFigures(o BridgeState) bool {
	return s.State == o.State && s.Up == o.Up && s.Error == o.Error && s.Message == o.Message
}

func (k StateKey) String() string {
	who := k.Bridge
	if k.RemoteID != "" {
		who += "'s remote login" // the id may be a phone number: never in messages
	}
	return fmt.Sprintf("%s state of %s from %s", fmtMilli(k.TS), who, k.Source)
}

func fmtMilli(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

func segmentOf(s string) string {
	if s == "" {
		return ""
	}
	return " (segment " + s + ")"
}
