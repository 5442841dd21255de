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

// UsageTotals answers f from the daily rollup, using the metric's own
// aggregation from the catalog. Periods and networks without samples are
// absent, not zero.
func UsageTotals(ctx context.Context, e Engine, f imscope.Filter) ([]UsageTotal, error) {
	return usageTotals(ctx, e, sqlUsageTotals, f)
}

// UsageTotalsRaw answers the same question from raw samples.
func UsageTotalsRaw(ctx context.Context, e Engine, f imscope.Filter) ([]UsageTotal, error) {
	return usageTotals(ctx, e, sqlUsageTotalsRaw, f)
}

func usageTotals(ctx context.Context, e Engine, query string, f imscope.Filter) ([]UsageTotal, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	m, _ := imscope.LookupMetric(f.Metric)
	networks := f.Networks
	if networks == nil {
		networks = []string{}
	}
	rows, err := e.Query(ctx, query,
		Named("granularity", string(f.Granularity)),
		Named("agg", string(m.Agg)),
		Named("metric", f.Metric),
		Named("segment", f.Segment),
		Named("from", f.From),
		Named("to", f.To),
		Named("networks", networks))
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
