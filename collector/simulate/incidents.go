package simulate

import (
	"math"
	"slices"
	"time"
)

// Incidents are the hours a bridge goes bad: a failure ratio of 20–60% and
// ten times the usual latency, on every route of the bridge. They are drawn
// from the seed, so tests and demos can point at them (Source.Incidents).

// Incident is a window in which a bridge fails.
type Incident struct {
	Bridge   string
	From, To time.Time // [From, To), UTC
	// FailureRatio is the incident's target failures/messages (each
	// interval varies around it by a few percent).
	FailureRatio float64
	// LatencyFactor multiplies the delivery latency.
	LatencyFactor float64
}

func (i *Incident) contains(t time.Time) bool { return !t.Before(i.From) && t.Before(i.To) }

const (
	// incidentsPerYear is the rate of history incidents per bridge.
	incidentsPerYear = 3
	// incidentGrace keeps incidents out of a bridge's first week.
	incidentGrace = 7 * 24 * time.Hour
	// liveIncidentChance is the chance that a bridge has one short
	// incident on a given (UTC) day of live mode.
	liveIncidentChance = 0.2
	latencyFactor      = 10
)

var tagIncident = tag("incident")

// historyIncidents draws the history's incidents: about three a year per
// bridge in the hourly span (whole hours, 1–4 long, at least a day apart),
// plus one of 1–2 hours on the busiest open bridge inside the final 48
// hours, so that the per-minute data (and the live page showing it) has
// one to find.
func (m *model) historyIncidents() []Incident {
	var out []Incident
	cut := m.end.Add(-minuteWindow)
	for bi, b := range m.bridges {
		r := newRNG(m.seed, tagIncident, uint64(bi))
		from := b.Opens.Add(incidentGrace).Truncate(time.Hour).Add(time.Hour)
		if from.Before(m.start) {
			from = m.start
		}
		hours := int(cut.Sub(from).Hours()) - 4
		if hours <= 0 {
			continue
		}
		n := max(1, int(math.Round(float64(hours)/(24*365.25)*incidentsPerYear)))
		var mine []Incident
		for attempt := 0; len(mine) < n && attempt < 100*n; attempt++ {
			at := from.Add(time.Duration(int(r.float()*float64(hours))) * time.Hour)
			inc := Incident{
				Bridge:        b.ID,
				From:          at,
				To:            at.Add(time.Duration(1+int(r.float()*4)) * time.Hour),
				FailureRatio:  0.2 + 0.4*r.float(),
				LatencyFactor: latencyFactor,
			}
			if !clashes(mine, inc, 24*time.Hour) {
				mine = append(mine, inc)
			}
		}
		out = append(out, mine...)
	}
	// The recent one: the first bridge (the busiest) open for its grace
	// week by the start of the final 48 hours.
	for bi, b := range m.bridges {
		if cut.Before(b.Opens.Add(incidentGrace)) || cut.Before(m.start) {
			continue
		}
		r := newRNG(m.seed, tagIncident, uint64(bi), tag("recent"))
		at := cut.Add(time.Duration(18+int(r.float()*22)) * time.Hour)
		out = append(out, Incident{
			Bridge:        b.ID,
			From:          at,
			To:            at.Add(time.Duration(1+int(r.float()*2)) * time.Hour),
			FailureRatio:  0.2 + 0.4*r.float(),
			LatencyFactor: latencyFactor,
		})
		break
	}
	slices.SortFunc(out, func(a, b Incident) int { return a.From.Compare(b.From) })
	return out
}

// clashes reports whether inc comes within gap of any of list.
func clashes(list []Incident, inc Incident, gap time.Duration) bool {
	for _, o := range list {
		if inc.From.Before(o.To.Add(gap)) && o.From.Before(inc.To.Add(gap)) {
			return true
		}
	}
	return false
}

// liveIncidents returns the incidents of bridge b on the UTC day starting
// at day, in live mode (at or after the end of the history): with a chance
// of one in five, one incident of 10–40 minutes.
func (m *model) liveIncidents(b *bridge, day time.Time) []Incident {
	if day.Before(m.end) || m.end.Before(b.Opens) {
		return nil
	}
	r := newRNG(m.seed, tagIncident, tag(b.ID), uint64(day.Unix()/86400), tag("live"))
	if !r.chance(liveIncidentChance) {
		return nil
	}
	at := day.Add(time.Duration(int(r.float()*(24*60-40))) * time.Minute)
	return []Incident{{
		Bridge:        b.ID,
		From:          at,
		To:            at.Add(time.Duration(10+int(r.float()*31)) * time.Minute),
		FailureRatio:  0.2 + 0.4*r.float(),
		LatencyFactor: latencyFactor,
	}}
}

// incidentsBetween lists the incidents overlapping [from, to): the
// history's, then live mode's day by day.
func (m *model) incidentsBetween(from, to time.Time) []Incident {
	var out []Incident
	for _, inc := range m.incidents {
		if inc.From.Before(to) && from.Before(inc.To) {
			out = append(out, inc)
		}
	}
	day := from
	if day.Before(m.end) {
		day = m.end
	}
	day = day.Truncate(24 * time.Hour)
	for ; day.Before(to); day = day.Add(24 * time.Hour) {
		for _, b := range m.bridges {
			for _, inc := range m.liveIncidents(b, day) {
				if inc.From.Before(to) && from.Before(inc.To) {
					out = append(out, inc)
				}
			}
		}
	}
	return out
}
