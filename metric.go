package imscope

import "fmt"

// MetricKind says how a metric's samples combine within a period.
type MetricKind string

const (
	// Gauge samples are levels (users active in the last 30 days, open
	// connections); within a period they are averaged, or the last or
	// maximum value is taken — never summed.
	Gauge MetricKind = "gauge"
	// Counter samples are per-interval increments (messages, sessions);
	// within a period they are summed.
	Counter MetricKind = "counter"
)

// Aggregation is how a period's value is computed from a metric's samples.
type Aggregation string

const (
	AggSum  Aggregation = "sum"
	AggAvg  Aggregation = "avg"
	AggMax  Aggregation = "max"
	AggLast Aggregation = "last"
)

// Metric describes one usage metric in the catalog.
type Metric struct {
	Name string
	Kind MetricKind
	Agg  Aggregation // the default way to roll the metric up into a period
	Unit string
}

// Metrics is the built-in metric catalog. Collectors map source series onto
// these names; queries and charts look a metric's kind up here.
var Metrics = []Metric{
	{Name: "active_users_1d", Kind: Gauge, Agg: AggAvg, Unit: "users"},
	{Name: "active_users_7d", Kind: Gauge, Agg: AggAvg, Unit: "users"},
	{Name: "active_users_30d", Kind: Gauge, Agg: AggLast, Unit: "users"},
	{Name: "registered_users", Kind: Gauge, Agg: AggLast, Unit: "users"},
	{Name: "connections", Kind: Gauge, Agg: AggAvg, Unit: "connections"},
	{Name: "messages", Kind: Counter, Agg: AggSum, Unit: "messages"},
	{Name: "sessions", Kind: Counter, Agg: AggSum, Unit: "sessions"},
	{Name: "minutes", Kind: Counter, Agg: AggSum, Unit: "minutes"},
}

// LookupMetric returns the catalog entry for name.
func LookupMetric(name string) (Metric, error) {
	for _, m := range Metrics {
		if m.Name == name {
			return m, nil
		}
	}
	return Metric{}, &InvalidError{Param: "metric", Message: fmt.Sprintf("unknown metric %q", name)}
}
