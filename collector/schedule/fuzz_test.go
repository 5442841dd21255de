package schedule

import (
	"testing"
	"time"
)

// FuzzParseSchedule: a spec either parses, and then its next run is after
// the time asked, or is refused — never a panic (robfig/cron panics on some
// CRON_TZ specs of its own).
//
//	go test ./collector/schedule -run '^$' -fuzz FuzzParseSchedule -fuzztime 30s
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"CRON_TZ=Asia/Shanghai 0 0 9 * * MON", "@every 1h", "30 2 * * *", "CRON_TZ=X", "CRON_TZ=", "* * * * * * *", "@daily"} {
		f.Add(s)
	}
	at := time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := Parse(spec)
		if err != nil {
			return
		}
		if next := s.Next(at); !next.IsZero() && !next.After(at) {
			t.Errorf("%q: next run %v is not after %v", spec, next, at)
		}
	})
}
