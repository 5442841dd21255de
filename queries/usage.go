package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/imscope/imscope"
)

var (
	sqlUsageTotals    = mustSQL("usage_totals.sql")
	sqlUsageTotalsRaw = mustSQL("usage_totals_raw.sql")
)

// UsageTotal is one network's value of a metric in one period.
type UsageTotal struct {
	Period  time.Time
	Network string
	Value   float64
	Samples uint64 // raw samples behind the value, to tell thin data
}

// UsageTotals answers f, which must be valid (imscope.Filter.Validate),
// from a rollup, using the metric's own aggregation from the catalog: from
// the monthly rollup when f asks for months, quarters or years over a range
// from the first of a month to the first of a month (its cost is then one
// part whatever the range), from the daily rollup otherwise. Periods and
// networks without samples are absent, not zero.
func UsageTotals(ctx context.Context, e Engine, f imscope.Filter) ([]UsageTotal, error) {
	if monthly(f) {
		return usageTotals(ctx, e, sqlUsageTotals, f, Named("rollup", "usage_monthly"))
	}
	return UsageTotalsDaily(ctx, e, f)
}

// UsageTotalsDaily answers f from the daily rollup whatever its granularity:
// the reference the monthly rollup is checked and benchmarked against.
func UsageTotalsDaily(ctx context.Context, e Engine, f imscope.Filter) ([]UsageTotal, error) {
	return usageTotals(ctx, e, sqlUsageTotals, f, Named("rollup", "usage_daily"))
}

// monthly reports whether the monthly rollup holds exactly f's answer: its
// periods are whole months, and the SQL's toDate of each end of the range
// is a first of the month.
func monthly(f imscope.Filter) bool {
	switch f.Granularity {
	case imscope.Month, imscope.Quarter, imscope.Year:
		return f.From.UTC().Day() == 1 && f.To.UTC().Day() == 1
	}
	return false
}

// UsageTotalsRaw answers the same question from raw samples.
func UsageTotalsRaw(ctx context.Context, e Engine, f imscope.Filter) ([]UsageTotal, error) {
	return usageTotals(ctx, e, sqlUsageTotalsRaw, f)
}

// usageTotals trusts f: a question's filter is validated once, where it
// enters (imscope.Filter.Validate; analytics.Ask), not again at every layer
// it passes. The metric is looked up for its aggregation all the same.
func usageTotals(ctx context.Context, e Engine, query string, f imscope.Filter, extra ...Param) ([]UsageTotal, error) {
	m, err := imscope.LookupMetric(f.Metric)
	if err != nil {
		return nil, err
	}
	networks := f.Networks
	if networks == nil {
		networks = []string{}
	}
	params := append([]Param{
		Named("granularity", string(f.Granularity)),
		Named("agg", string(m.Agg)),
		Named("metric", f.Metric),
		Named("segment", f.Segment),
		Named("from", f.From),
		Named("to", f.To),
		Named("networks", networks)}, extra...)
	rows, err := e.Query(ctx, query, params...)
	if err != nil {
		return nil, fmt.Errorf("cannot read usage totals: %w", err)
	}
	defer rows.Close()
	var out []UsageTotal
	for rows.Next() {
		var u UsageTotal
		if err := rows.Scan(&u.Period, &u.Network, &u.Value, &u.Samples); err != nil {
			return nil, fmt.Errorf("cannot read usage totals: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
