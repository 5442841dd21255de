package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// parser accepts five fields or six with leading seconds, descriptors
// like @every 30s and @hourly, and a CRON_TZ=Zone prefix.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Schedule is a cron schedule evaluated on the wall clock of its zone.
// robfig/cron steps through instants, so a daily 02:30 job never runs on
// the day clocks spring forward past 02:30 and runs twice on the day they
// fall back; a daily job — a report, a daily fetch — should run once a day.
// Here:
//
//   - a time the clocks skip (02:30 when 02:00 jumps to 03:00) runs when the
//     gap ends (03:00), once however many slots fell in it;
//   - a time that happens twice (02:30 when 03:00 falls back to 02:00) runs
//     at its first occurrence only;
//   - a spec with every hour ("0 * * * *") keeps cron's own behaviour, since
//     it means "every hour that passes", as in cronie and Vixie cron;
//   - "@every" intervals are elapsed time and have no zone to speak of.
//
// Schedule satisfies robfig/cron's Schedule interface (Next), which is how
// Scheduler runs it.
type Schedule struct {
	spec string
	loc  *time.Location
	// wall is the spec evaluated in UTC, where there are no transitions:
	// it finds the next matching wall-clock time, which resolve maps to an
	// instant in loc. nil for schedules cron evaluates itself.
	wall *cron.SpecSchedule
	cron cron.Schedule
}

// Parse parses a cron spec: five fields, or six with seconds; descriptors;
// a CRON_TZ=Zone prefix. Without CRON_TZ the zone is the server's local
// one. Errors name the spec and what is wrong with it.
func Parse(spec string) (*Schedule, error) {
	// robfig/cron slices past the zone's end when nothing follows it, and panics.
	if (strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=")) && !strings.Contains(spec, " ") {
		return nil, fmt.Errorf("schedule %q: a schedule must follow the zone", spec)
	}
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	sc := &Schedule{spec: spec, loc: time.Local, cron: s}
	if zone, ok := specZone(spec); ok {
		if sc.loc, err = time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("schedule %q: %w", spec, err)
		}
	}
	if c, ok := s.(*cron.SpecSchedule); ok {
		sc.loc = c.Location
		const everyHour = 1<<24 - 1
		if c.Hour&everyHour != everyHour {
			w := *c
			w.Location = time.UTC
			sc.wall = &w
		}
	}
	return sc, nil
}

// specZone returns the zone of a TZ= or CRON_TZ= prefix.
func specZone(spec string) (string, bool) {
	for _, p := range []string{"CRON_TZ=", "TZ="} {
		if rest, ok := strings.CutPrefix(spec, p); ok {
			zone, _, _ := strings.Cut(rest, " ")
			return zone, true
		}
	}
	return "", false
}

// String returns the spec as written.
func (s *Schedule) String() string { return s.spec }

// Location is the schedule's zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// Next returns the first run time after t, or the zero time if there is
// none within cron's five-year horizon.
func (s *Schedule) Next(t time.Time) time.Time {
	if s.wall == nil {
		return s.cron.Next(t)
	}
	w := wallClock(t, s.loc)
	// A wall-clock time can map to an instant at or before t (the first
	// occurrence of a repeated hour, or the end of a gap already passed):
	// look further. 48 steps reach past any transition.
	for range 48 {
		if w = s.wall.Next(w); w.IsZero() {
			return time.Time{}
		}
		if at := resolve(w, s.loc); at.After(t) {
			return at
		}
	}
	return time.Time{}
}

// Latest returns the latest run time in (after, until], or the zero time.
func (s *Schedule) Latest(after, until time.Time) time.Time {
	var last time.Time
	// Bounded: a per-second schedule over a long outage is cut short
	// rather than spinning (a million slots is 11 days of seconds).
	for n, i := s.Next(after), 0; !n.IsZero() && !n.After(until) && i < 1_000_000; n, i = s.Next(n), i+1 {
		last = n
	}
	return last
}
