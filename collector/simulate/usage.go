package simulate

import (
	"math"
	"time"

	"github.com/imscope/imscope"
)

// The usage model: one sample per day, network, segment and metric, stamped
// at 00:00 UTC of the day. Gauges are the day's level (connections: the
// day's mean concurrent connections); counters are the day's increment.
// Every value is a pure function of (seed, network, segment, day), so live
// mode can compute any day without replaying the history.

// Metric indices into a usage row; names are the catalog's (imscope.Metrics).
const (
	mActive1d = iota
	mActive7d
	mActive30d
	mRegistered
	mConnections
	mMessages
	mSessions
	mMinutes
	nMetric
)

var metricNames = [nMetric]string{
	mActive1d:    "active_users_1d",
	mActive7d:    "active_users_7d",
	mActive30d:   "active_users_30d",
	mRegistered:  "registered_users",
	mConnections: "connections",
	mMessages:    "messages",
	mSessions:    "sessions",
	mMinutes:     "minutes",
}

// isCounter reports whether metric i is a counter in the catalog (a test
// holds this to imscope.Metrics).
func isCounter(i int) bool { return i >= mMessages }

// usageRow is one network's metrics in one segment on one day.
type usageRow [nMetric]float64

// usageDay returns row[n][s] for every network and configured segment, and
// total[n] (segment "") as their sum. level is the date whose market state
// (shares, size) applies; day is the calendar day that sets the weekday,
// holidays and noise. They are equal in the history; live mode holds level
// at the end of the history while days move on.
func (m *model) usageDay(level, day time.Time) (rows [nNet][]usageRow, total [nNet]usageRow) {
	sh := shares(level.Add(12 * time.Hour))
	size := marketSize(level)
	months := monthsSince(marketEpoch, level)
	d := uint64(day.Unix() / 86400)
	for n := range nNet {
		net := &networks[n]
		mau := size * sh[n] / 100
		// Registered accounts grow on their own curve (accounts are never
		// deleted), but never fall below the actives.
		reg := math.Max(net.reg*marketUsers0*shareAnchors[0].shares[n]/100*math.Exp(registeredGro*months), 1.15*mau)
		rows[n] = make([]usageRow, len(m.segs))
		for s := range m.segs {
			p := &m.segs[s]
			k := func(metric int) uint64 { return m.h(tagUsage, uint64(n), uint64(s), uint64(metric), d) }
			var r usageRow
			r[mActive30d] = math.Round(mau * m.split[n][s] * jitter(k(mActive30d), 0.003))
			r[mActive7d] = math.Min(r[mActive30d], math.Round(r[mActive30d]*net.wau*jitter(k(mActive7d), 0.008)))
			act := p.weekly(day) * p.seasonal(day)
			dau := r[mActive30d] * net.dau * act * jitter(k(mActive1d), 0.012)
			r[mActive1d] = math.Min(r[mActive7d], math.Round(dau))
			r[mRegistered] = math.Max(r[mActive30d], math.Round(reg*m.split[n][s]*jitter(k(mRegistered), 0.001)))
			r[mConnections] = math.Round(r[mActive1d] * net.conns * jitter(k(mConnections), 0.02))
			r[mMessages] = math.Round(r[mActive1d] * net.msgs * p.msgs * jitter(k(mMessages), 0.04))
			r[mSessions] = math.Round(r[mActive1d] * net.sessions * jitter(k(mSessions), 0.03))
			r[mMinutes] = math.Round(r[mActive1d] * net.minutes * p.minutes * jitter(k(mMinutes), 0.04))
			rows[n][s] = r
			for i := range r {
				total[n][i] += r[i]
			}
		}
	}
	return rows, total
}

var tagUsage = tag("usage")

// emitUsageDay emits the day's samples: for each network the whole market
// first, then each segment, each in catalog order.
func (m *model) emitUsageDay(e *emitter, day time.Time) error {
	rows, total := m.usageDay(day, day)
	for n := range nNet {
		if err := m.emitUsageRow(e, day, n, "", &total[n]); err != nil {
			return err
		}
		for s := range m.segs {
			if err := m.emitUsageRow(e, day, n, m.segs[s].name, &rows[n][s]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *model) emitUsageRow(e *emitter, ts time.Time, n int, seg string, r *usageRow) error {
	for i := range nMetric {
		err := e.sample(imscope.Sample{TS: ts, Source: m.source, Network: networks[n].id, Metric: metricNames[i], Segment: seg, Value: r[i]})
		if err != nil {
			return err
		}
	}
	return nil
}

// usageHistory emits every day of the history window.
func (m *model) usageHistory(e *emitter) error {
	for day := m.start; day.Before(m.end); day = day.AddDate(0, 0, 1) {
		if err := m.emitUsageDay(e, day); err != nil {
			return err
		}
	}
	return nil
}
