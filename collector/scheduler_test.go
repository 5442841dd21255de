package collector_test

import (
	"slices"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

// TestCollectorScheduleOnDSTDays: a collector fetching daily at 02:30
// Berlin time runs exactly once on each day around 2026's two clock
// changes. robfig/cron's own schedule, which collectors used before, runs
// it on no day on 29 March (02:30 does not happen) and twice on 25 October
// (02:30 happens twice).
func TestCollectorScheduleOnDSTDays(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	c := collector.Collector{Name: "daily-shares", Kind: "csv", Schedule: "CRON_TZ=Europe/Berlin 30 2 * * *"}
	for _, tc := range []struct {
		name  string
		first time.Time // the first of three days
		want  []string  // the runs, in Berlin time
	}{
		{name: "spring forward, 29 March", first: time.Date(2026, 3, 28, 0, 0, 0, 0, berlin),
			want: []string{"2026-03-28 02:30 +0100", "2026-03-29 03:00 +0200", "2026-03-30 02:30 +0200"}},
		{name: "fall back, 25 October", first: time.Date(2026, 10, 24, 0, 0, 0, 0, berlin),
			want: []string{"2026-10-24 02:30 +0200", "2026-10-25 02:30 +0200", "2026-10-26 02:30 +0100"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			end := tc.first.AddDate(0, 0, 3)
			perDay := map[string]int{}
			var got []string
			for n := collector.NextRun(c, tc.first); !n.IsZero() && n.Before(end); n = collector.NextRun(c, n) {
				got = append(got, n.In(berlin).Format("2006-01-02 15:04 -0700"))
				perDay[n.In(berlin).Format("2006-01-02")]++
			}
			for d := tc.first; d.Before(end); d = d.AddDate(0, 0, 1) {
				if n := perDay[d.Format("2006-01-02")]; n != 1 {
					t.Errorf("%s: %d runs, want exactly one (runs %v)", d.Format("2006-01-02"), n, got)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("runs %v, want %v", got, tc.want)
			}
		})
	}
}

// TestNextRunOnDemand: a collector without a schedule never runs by itself.
func TestNextRunOnDemand(t *testing.T) {
	if n := collector.NextRun(collector.Collector{Name: "panel"}, time.Now()); !n.IsZero() {
		t.Fatalf("next run %v for a collector run only on demand", n)
	}
}
