package analytics_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/queries"
)

// usageMarket stores a seeded random market: four networks' active users
// on scattered days of 2010 and 2011 (the last on 2011-11-17), in the whole
// market and the "office" segment (whose last day is 2011-06-09).
func usageMarket(t *testing.T, e queries.Engine) {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 5))
	var samples []imscope.Sample
	for day := time.Date(2010, 1, 1, 12, 0, 0, 0, time.UTC); day.Before(time.Date(2011, 11, 18, 0, 0, 0, 0, time.UTC)); day = day.AddDate(0, 0, 1+r.IntN(9)) {
		for _, nw := range []string{"qq", "msn", "fetion", "skype"} {
			samples = append(samples, imscope.Sample{TS: day, Source: "t", Network: nw, Metric: "active_users_30d", Value: float64(1 + r.IntN(1_000_000))})
		}
	}
	last := time.Date(2011, 11, 17, 8, 0, 0, 0, time.UTC)
	samples = append(samples,
		imscope.Sample{TS: last, Source: "t", Network: "qq", Metric: "active_users_30d", Value: 5},
		imscope.Sample{TS: time.Date(2011, 6, 9, 8, 0, 0, 0, time.UTC), Source: "t", Network: "msn", Metric: "active_users_30d", Segment: "office", Value: 7},
		// A clock-skewed sample from the future: never a window's end.
		imscope.Sample{TS: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), Source: "t", Network: "qq", Metric: "active_users_30d", Value: 9},
	)
	if err := queries.InsertSamples(context.Background(), e, samples); err != nil {
		t.Fatal(err)
	}
}

// TestUsageLoaders: the light loaders answer what MarketShare answers for
// the same question.
func TestUsageLoaders(t *testing.T) {
	ctx := context.Background()
	for name, e := range engines(t, "usage_loaders") {
		t.Run(name, func(t *testing.T) {
			usageMarket(t, e)
			for _, f := range []imscope.Filter{
				{From: time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), Granularity: imscope.Month, Metric: "active_users_30d"},
				{From: time.Date(2010, 3, 15, 0, 0, 0, 0, time.UTC), To: time.Date(2011, 8, 9, 0, 0, 0, 0, time.UTC), Granularity: imscope.Quarter, Metric: "active_users_30d", Networks: []string{"qq"}},
				{From: time.Date(2011, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2011, 3, 1, 0, 0, 0, 0, time.UTC), Granularity: imscope.Week, Metric: "active_users_30d"},
			} {
				q := mustAsk(t, f)
				whole := f
				whole.Networks = nil
				share, err := analytics.MarketShare(ctx, e, mustAsk(t, whole), 0)
				if err != nil {
					t.Fatal(err)
				}
				conc, err := analytics.ConcentrationIn(ctx, e, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(conc) == 0 || !reflect.DeepEqual(conc, share.Concentration) {
					t.Errorf("%s %s: concentration\n%+v\nMarketShare's\n%+v", f.Granularity, f.From.Format(time.DateOnly), conc, share.Concentration)
				}
				members := []string{"fetion", "msn"}
				mergers, absent, err := analytics.MergersIn(ctx, e, q, members)
				if err != nil || len(absent) != 0 || len(mergers) != len(share.Periods) {
					t.Fatalf("mergers %d (absent %v, %v) for %d periods", len(mergers), absent, err, len(share.Periods))
				}
				want, _, err := analytics.Mergers(share.Periods, members)
				if err != nil || !reflect.DeepEqual(mergers, want) {
					t.Errorf("mergers\n%+v\nfrom MarketShare's periods\n%+v (%v)", mergers, want, err)
				}
			}
		})
	}
}

func TestLatestUsageDay(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)
	for name, e := range engines(t, "usage_latest") {
		t.Run(name, func(t *testing.T) {
			usageMarket(t, e)
			for _, tc := range []struct {
				name, metric, segment string
				now                   time.Time
				want                  time.Time // zero: none
			}{
				{"the whole market", "active_users_30d", "", now, time.Date(2011, 11, 17, 0, 0, 0, 0, time.UTC)},
				{"a segment", "active_users_30d", "office", now, time.Date(2011, 6, 9, 0, 0, 0, 0, time.UTC)},
				{"a metric without data", "messages", "", now, time.Time{}},
				{"tomorrow counts", "active_users_30d", "", time.Date(2030, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)},
				{"the day after tomorrow does not", "active_users_30d", "", time.Date(2030, 12, 30, 23, 0, 0, 0, time.UTC), time.Date(2011, 11, 17, 0, 0, 0, 0, time.UTC)},
			} {
				t.Run(tc.name, func(t *testing.T) {
					day, ok, err := analytics.LatestUsageDay(ctx, e, tc.metric, tc.segment, tc.now)
					if err != nil || ok != !tc.want.IsZero() || !day.Equal(tc.want) {
						t.Fatalf("latest day %s, %v, %v; want %s", day, ok, err, tc.want)
					}
				})
			}
		})
	}
}
