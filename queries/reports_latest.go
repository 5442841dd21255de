package queries

import (
	"context"
	"fmt"
	"time"
)

var sqlMarketReportsLatest = mustSQL("market_reports_latest.sql")

// LatestReportPeriod is the latest published period before to: its label
// as published ("2010-Q3") and its start; ok is false when nothing is
// published.
func LatestReportPeriod(ctx context.Context, e Engine, to time.Time) (label string, start time.Time, ok bool, err error) {
	type period struct {
		label string
		start time.Time
	}
	ps, err := collect(ctx, e, sqlMarketReportsLatest, []Param{Named("to", to)},
		func(r Rows) (p period, err error) { return p, r.Scan(&p.label, &p.start) })
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("cannot find the latest published period: %w", err)
	}
	if len(ps) == 0 {
		return "", time.Time{}, false, nil
	}
	return ps[0].label, ps[0].start.UTC(), true, nil
}
