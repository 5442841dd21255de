package schedule

import (
	"testing"
	"time"
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
			s, err := Parse(tc.spec)
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
	s, err := Parse("CRON_TZ=Asia/Shanghai 0 0 9 * * MON")
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
		if _, err := Parse(spec); err == nil {
			t.Errorf("Parse(%q) accepted it", spec)
		}
	}
}

// TestParseSchedule: the specs collectors have always accepted (moved from
// package collector with the parser).
func TestParseSchedule(t *testing.T) {
	for spec, ok := range map[string]bool{
		"*/5 * * * *":                         true,
		"0 */5 * * * *":                       true,
		"CRON_TZ=Asia/Shanghai 0 0 9 * * MON": true,
		"@every 30s":                          true,
		"@hourly":                             true,
		"* * *":                               false,
		"CRON_TZ=Mars/Olympus 0 * * * *":      false,
	} {
		if _, err := Parse(spec); (err == nil) != ok {
			t.Errorf("Parse(%q): %v", spec, err)
		}
	}
}
