package analytics

import (
	"strings"

	"github.com/imscope/imscope"
)

// Series a rule can watch: the vocabulary of threshold and week_over_week
// rules. Bridge series are per minute from the traffic rollup, narrowed by
// the labels bridge, from_network and to_network; usage series
// (usage.METRIC) are per day from the usage rollup, narrowed by network and
// segment, with the metric's own aggregation. The alert runner
// (dashboard/alerting) fetches them.
const (
	SeriesBridgeMessages     = "bridge.messages"
	SeriesBridgeFailures     = "bridge.failures"
	SeriesBridgeFailureRatio = "bridge.failure_ratio"
	seriesUsagePrefix        = "usage."
)

// UsageSeries reports whether series is a usage series, and of which
// metric (not checked against the catalog; CheckSeries does that).
func UsageSeries(series string) (metric string, ok bool) {
	return strings.CutPrefix(series, seriesUsagePrefix)
}

// CheckSeries validates a rule's series name against the series above.
func CheckSeries(r Rule) error {
	switch r.Kind {
	case RuleThreshold, RuleWeekOverWeek:
	default:
		return nil
	}
	switch {
	case r.Series == SeriesBridgeMessages, r.Series == SeriesBridgeFailures, r.Series == SeriesBridgeFailureRatio:
		return nil
	case strings.HasPrefix(r.Series, seriesUsagePrefix):
		if _, err := imscope.LookupMetric(strings.TrimPrefix(r.Series, seriesUsagePrefix)); err != nil {
			return invalid("series", "%q: %s is not in the metric catalog", r.Series, strings.TrimPrefix(r.Series, seriesUsagePrefix))
		}
		return nil
	}
	return invalid("series", "%q is not one of %s, %s, %s or usage.METRIC", r.Series, SeriesBridgeMessages, SeriesBridgeFailures, SeriesBridgeFailureRatio)
}
