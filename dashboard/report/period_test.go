package report

import (
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestLastFull: the period a run covers, in the report's zone.
func TestLastFull(t *testing.T) {
	berlin, shanghai := zone(t, "Europe/Berlin"), zone(t, "Asia/Shanghai")
	for _, tc := range []struct {
		name            string
		g               imscope.Granularity
		run             time.Time
		label, from, to string // from and to in the zone, RFC 3339
		prevLabel       string
		hours           float64 // length of the period, when it matters
	}{
		{name: "last month in Shanghai, run on the 1st at 06:00 (still February in UTC)", g: imscope.Month,
			run: time.Date(2026, 3, 1, 6, 0, 0, 0, shanghai), label: "2026-02", from: "2026-02-01T00:00:00+08:00", to: "2026-03-01T00:00:00+08:00", prevLabel: "2026-01"},
		{name: "last week in Shanghai, run Monday 09:00", g: imscope.Week,
			run: time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai), label: "2026-W09", from: "2026-02-23T00:00:00+08:00", to: "2026-03-02T00:00:00+08:00", prevLabel: "2026-W08"},
		{name: "Berlin's spring-forward day is 23 hours", g: imscope.Day,
			run: time.Date(2026, 3, 30, 3, 0, 0, 0, berlin), label: "2026-03-29", from: "2026-03-29T00:00:00+01:00", to: "2026-03-30T00:00:00+02:00", prevLabel: "2026-03-28", hours: 23},
		{name: "Berlin's fall-back day is 25 hours", g: imscope.Day,
			run: time.Date(2026, 10, 26, 2, 30, 0, 0, berlin), label: "2026-10-25", from: "2026-10-25T00:00:00+02:00", to: "2026-10-26T00:00:00+01:00", prevLabel: "2026-10-24", hours: 25},
		{name: "a run at midnight covers the day that just ended", g: imscope.Day,
			run: time.Date(2026, 3, 2, 0, 0, 0, 0, shanghai), label: "2026-03-01", from: "2026-03-01T00:00:00+08:00", to: "2026-03-02T00:00:00+08:00", prevLabel: "2026-02-28"},
		{name: "last quarter", g: imscope.Quarter,
			run: time.Date(2026, 4, 1, 9, 0, 0, 0, berlin), label: "2026-Q1", from: "2026-01-01T00:00:00+01:00", to: "2026-04-01T00:00:00+02:00", prevLabel: "2025-Q4"},
		{name: "last year", g: imscope.Year,
			run: time.Date(2026, 1, 1, 9, 0, 0, 0, shanghai), label: "2025", from: "2025-01-01T00:00:00+08:00", to: "2026-01-01T00:00:00+08:00", prevLabel: "2024"},
		{name: "ISO week 53", g: imscope.Week,
			run: time.Date(2027, 1, 4, 9, 0, 0, 0, shanghai), label: "2026-W53", from: "2026-12-28T00:00:00+08:00", to: "2027-01-04T00:00:00+08:00", prevLabel: "2026-W52"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := LastFull(tc.g, tc.run.UTC(), tc.run.Location())
			c := p.Current
			if c.Label != tc.label || c.From.Format(time.RFC3339) != tc.from || c.To.Format(time.RFC3339) != tc.to || p.Previous.Label != tc.prevLabel {
				t.Fatalf("got %s [%s, %s) after %s", c.Label, c.From.Format(time.RFC3339), c.To.Format(time.RFC3339), p.Previous.Label)
			}
			if !p.Previous.To.Equal(c.From) {
				t.Fatalf("the previous period ends at %v, not at %v", p.Previous.To, c.From)
			}
			if tc.hours != 0 && c.To.Sub(c.From).Hours() != tc.hours {
				t.Fatalf("the period is %v long, want %vh", c.To.Sub(c.From), tc.hours)
			}
			back, err := ParsePeriod(c.Label, tc.run.Location())
			if err != nil || !back.Current.From.Equal(c.From) || !back.Current.To.Equal(c.To) || back.Previous.Label != tc.prevLabel {
				t.Fatalf("ParsePeriod(%q) = %+v, %v", c.Label, back, err)
			}
		})
	}
}

func TestParsePeriodRefuses(t *testing.T) {
	for _, label := range []string{"2026-13", "2026-02-30", "2026-W54", "2025-W53", "2026-Q5", "26", "last week", ""} {
		if p, err := ParsePeriod(label, time.UTC); err == nil {
			t.Errorf("ParsePeriod(%q) = %+v", label, p)
		}
	}
}
