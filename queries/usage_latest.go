package queries

import (
	"context"
	"fmt"
	"time"
)

var sqlUsageLatestDay = mustSQL("usage_latest_day.sql")

// LatestUsageDay is the latest day in [from, to) with usage of metric in
// segment, any network, from the daily rollup; ok is false when there is
// none. One read of the rollup's (metric, segment) range.
func LatestUsageDay(ctx context.Context, e Engine, metric, segment string, from, to time.Time) (day time.Time, ok bool, err error) {
	days, err := collect(ctx, e, sqlUsageLatestDay,
		[]Param{Named("metric", metric), Named("segment", segment), Named("from", from), Named("to", to)},
		func(r Rows) (d time.Time, err error) { return d, r.Scan(&d) })
	if err != nil {
		return time.Time{}, false, fmt.Errorf("cannot find the latest usage day of %s: %w", metric, err)
	}
	if len(days) == 0 {
		return time.Time{}, false, nil
	}
	return days[0].UTC(), true, nil
}
