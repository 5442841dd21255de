package imscope

import "time"

// Sample is one usage observation: a gauge level or a counter increment for
// one network, metric and segment at one time. It is a row of usage_samples.
type Sample struct {
	TS      time.Time
	Source  string // the collector that produced it
	Network string
	Metric  string
	Segment string // "" for the whole market
	Value   float64
}

// BridgeSample is the traffic one interop route carried in one interval: a
// row of bridge_traffic. Latency is a histogram (bucket upper bound in
// microseconds → messages in that bucket; LatencyInf for the +Inf bucket) so
// that quantiles over any period come from merged buckets, not from averaging
// quantiles.
type BridgeSample struct {
	TS          time.Time
	Source      string
	Bridge      string
	FromNetwork string
	ToNetwork   string
	Messages    uint64
	Failures    uint64
	Bytes       uint64
	Latency     map[uint64]uint64
	LatencySum  float64 // seconds, over all messages in the interval
}

// LatencyInf is the upper bound of the +Inf latency bucket.
const LatencyInf = ^uint64(0)

// PanelRecord is one panel user's activity on one network in one period. The
// user is known only by UserKey, a keyed hash of the external identifier.
type PanelRecord struct {
	Period     time.Time // first day of the period
	UserKey    uint64
	Network    string
	Segment    string
	ActiveDays uint16
	Messages   uint64
}

// Bound says whether a published share is exact or a bound ("under 1%").
type Bound string

const (
	BoundEq Bound = "eq"
	BoundLt Bound = "lt"
	BoundGt Bound = "gt"
)

// MarketReport is one published market-share figure, kept beside measured
// shares for comparison.
type MarketReport struct {
	Period      string    // as published: "2010-Q3", "2011-05", "2012-01-31"
	PeriodStart time.Time // first day of that period
	Publisher   string
	Basis       string // what the share is of: users, messages, revenue...
	Network     string
	Share       float64 // percent
	Bound       Bound
	Note        string
}

// BridgeState is one observed state of a bridge (or of one remote login of
// it): the uptime of a bridge is computed from these transitions.
type BridgeState struct {
	TS       time.Time
	Source   string
	Bridge   string
	RemoteID string // the remote account the state is about, "" for the bridge itself
	State    string // as reported, e.g. CONNECTED, TRANSIENT_DISCONNECT, BAD_CREDENTIALS
	Up       bool
	Error    string
	Message  string
}
