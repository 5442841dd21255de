package schedule

import "time"

// wallClock is t's wall-clock reading in loc, as a UTC time.
func wallClock(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// resolve returns the instant at which loc's clocks read w (a UTC-coded
// wall-clock time): the earlier one when they read it twice, and the end of
// the gap when they skip it.
func resolve(w time.Time, loc *time.Location) time.Time {
	// The offsets in force around w; a transition has one on each side.
	lo, hi := 0, 0
	for i, probe := range []time.Duration{-36 * time.Hour, 0, 36 * time.Hour} {
		_, off := w.Add(probe).In(loc).Zone()
		if i == 0 || off < lo {
			lo = off
		}
		if i == 0 || off > hi {
			hi = off
		}
	}
	early, late := w.Add(-time.Duration(hi)*time.Second), w.Add(-time.Duration(lo)*time.Second)
	switch {
	case wallClock(early, loc).Equal(w):
		return early
	case wallClock(late, loc).Equal(w):
		return late
	}
	// A gap: the clocks read before w at early and after w at late; the
	// transition between them is where the gap ends.
	for late.Sub(early) > time.Second {
		mid := early.Add(late.Sub(early) / 2).Truncate(time.Second)
		if wallClock(mid, loc).After(w) {
			late = mid
		} else {
			early = mid
		}
	}
	return late
}
