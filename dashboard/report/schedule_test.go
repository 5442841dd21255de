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

// TestScheduleAcrossDST steps each schedule through a stretch of time with
// Next, as the scheduler's clock would, and checks every run instant.
func TestScheduleAcrossDST(t *testing.T) {
	berlin, shanghai, ny, lordHowe := zone(t, "Europe/Berlin"), zone(t, "Asia/Shanghai"), zone(t, "America/New_York"), zone(t, "Australia/Lord_Howe")
	at := func(loc *time.Location, s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04 -0700", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name     string
		spec     string
		from, to time.Time
		want     []string // in the schedule's zone, with offset
		count    int      // instead of want, for long lists
	}{
		{
			name: "Berlin 02:30 daily, spring forward: once, when the gap ends", spec: "CRON_TZ=Europe/Berlin 30 2 * * *",
			from: at(berlin, "2026-03-27 12:00 +0100"), to: at(berlin, "2026-03-31 12:00 +0200"),
			want: []string{"2026-03-28 02:30 +0100", "2026-03-29 03:00 +0200", "2026-03-30 02:30 +0200", "2026-03-31 02:30 +0200"},
		},
		{
			name: "Berlin 02:30 daily, fall back: once, at the first 02:30", spec: "CRON_TZ=Europe/Berlin 30 2 * * *",
			from: at(berlin, "2026-10-23 12:00 +0200"), to: at(berlin, "2026-10-27 12:00 +0100"),
			want: []string{"2026-10-24 02:30 +0200", "2026-10-25 02:30 +0200", "2026-10-26 02:30 +0100", "2026-10-27 02:30 +0100"},
		},
		{
			name: "Berlin every 15 minutes in the skipped hour: one run at 03:00", spec: "CRON_TZ=Europe/Berlin */15 2 * * *",
			from: at(berlin, "2026-03-29 00:00 +0100"), to: at(berlin, "2026-03-29 23:00 +0200"),
			want: []string{"2026-03-29 03:00 +0200"},
		},
		{
			name: "Berlin hourly on the fall-back day: 25 hours pass, 25 runs", spec: "CRON_TZ=Europe/Berlin 0 * * * *",
			from: at(berlin, "2026-10-24 23:59 +0200"), to: at(berlin, "2026-10-25 23:30 +0100"), count: 25,
		},
		{
			name: "Berlin hourly on the spring-forward day: 23 runs", spec: "CRON_TZ=Europe/Berlin 0 * * * *",
			from: at(berlin, "2026-03-28 23:59 +0100"), to: at(berlin, "2026-03-29 23:30 +0200"), count: 23,
		},
		{
			name: "Shanghai weekly Monday 09:00", spec: "CRON_TZ=Asia/Shanghai 0 0 9 * * MON",
			from: at(shanghai, "2026-03-01 00:00 +0800"), to: at(shanghai, "2026-03-24 00:00 +0800"),
			want: []string{"2026-03-02 09:00 +0800", "2026-03-09 09:00 +0800", "2026-03-16 09:00 +0800", "2026-03-23 09:00 +0800"},
		},
		{
			name: "Shanghai monthly on the 1st at 06:00, across Berlin's change", spec: "CRON_TZ=Asia/Shanghai 0 6 1 * *",
			from: at(shanghai, "2026-02-15 00:00 +0800"), to: at(shanghai, "2026-05-02 00:00 +0800"),
			want: []string{"2026-03-01 06:00 +0800", "2026-04-01 06:00 +0800", "2026-05-01 06:00 +0800"},
		},
		{
			name: "New York 02:30 daily, spring forward", spec: "CRON_TZ=America/New_York 30 2 * * *",
			from: at(ny, "2026-03-07 12:00 -0500"), to: at(ny, "2026-03-09 12:00 -0400"),
			want: []string{"2026-03-08 03:00 -0400", "2026-03-09 02:30 -0400"},
		},
		{
			name: "Lord Howe's half-hour change: 02:15 runs at 02:30", spec: "CRON_TZ=Australia/Lord_Howe 15 2 * * *",
			from: at(lordHowe, "2026-10-03 12:00 +1030"), to: at(lordHowe, "2026-10-05 12:00 +1100"),
			want: []string{"2026-10-04 02:30 +1100", "2026-10-05 02:15 +1100"},
		},
		{
			name: "@every is elapsed time", spec: "CRON_TZ=Europe/Berlin @every 90m",
			from: at(berlin, "2026-03-29 00:00 +0100"), to: at(berlin, "2026-03-29 05:00 +0200"),
			want: []string{"2026-03-29 01:30 +0100", "2026-03-29 04:00 +0200"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSchedule(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for n := s.Next(tc.from); !n.IsZero() && !n.After(tc.to); n = s.Next(n) {
				got = append(got, n.In(s.Location()).Format("2006-01-02 15:04 -0700"))
			}
			if tc.want == nil {
				if len(got) != tc.count {
					t.Fatalf("%d runs, want %d: %v", len(got), tc.count, got)
				}
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("runs %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("runs %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestScheduleLatest(t *testing.T) {
	s, err := ParseSchedule("CRON_TZ=Asia/Shanghai 0 0 9 * * MON")
	if err != nil {
		t.Fatal(err)
	}
	sh := s.Location()
	after := time.Date(2026, 3, 2, 9, 0, 0, 0, sh)
	until := time.Date(2026, 3, 20, 12, 0, 0, 0, sh)
	if got, want := s.Latest(after, until), time.Date(2026, 3, 16, 9, 0, 0, 0, sh); !got.Equal(want) {
		t.Fatalf("Latest = %v, want %v", got, want)
	}
	if got := s.Latest(after, after.Add(24*time.Hour)); !got.IsZero() {
		t.Fatalf("Latest over a day without a slot = %v", got)
	}
}

func TestParseScheduleRefuses(t *testing.T) {
	for _, spec := range []string{"", "CRON_TZ=Mars/Olympus 0 9 * * *", "CRON_TZ=UTC", "61 * * * *", "@fortnightly"} {
		if _, err := ParseSchedule(spec); err == nil {
			t.Errorf("ParseSchedule(%q) accepted it", spec)
		}
	}
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
