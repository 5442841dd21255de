package queries

import (
	"context"
	"fmt"
	"time"
)

var sqlUsageSpan = mustSQL("usage_span.sql")

// UsageSpan is the stored usage's first and last day (UTC dates) and
// whether any of it falls in [from, to); ok is false when none is stored.
// It tells a report for an empty period which periods hold data.
type UsageSpan struct {
	First, Last time.Time
	InRange     bool
}

// UsageSpanOf reads the span of usage from the daily rollup, with whether
// [from, to) holds any. One read of the rollup's day column.
func UsageSpanOf(ctx context.Context, e Engine, from, to time.Time) (span UsageSpan, ok bool, err error) {
	spans, err := collect(ctx, e, sqlUsageSpan, []Param{Named("from", from), Named("to", to)},
		func(r Rows) (s UsageSpan, err error) {
			var n uint64
			err = r.Scan(&s.First, &s.Last, &n)
			s.InRange = n > 0
			return s, err
		})
	if err != nil {
		return UsageSpan{}, false, fmt.Errorf("cannot read the span of stored usage: %w", err)
	}
	if len(spans) == 0 {
		return UsageSpan{}, false, nil
	}
	s := spans[0]
	s.First, s.Last = s.First.UTC(), s.Last.UTC()
	return s, true, nil
}
