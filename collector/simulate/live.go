package simulate

import (
	"math"
	"time"

	"github.com/imscope/imscope"
)

// Live mode keeps the demo moving after the history: each Collect emits the
// whole minutes since the previous call, stamped with real (Options.Now)
// time. The market is frozen at its state on the last day of the history —
// shares, sizes, bridge adoption — and real time only supplies the CST hour,
// the weekday, the holidays and the noise, so today's demo has the same
// daily rhythm as the history and an occasional live incident
// (Source.Incidents lists them).

// maxCatchUp bounds how far back one Collect reaches, for a server that was
// suspended or a first call long after the previous one.
const maxCatchUp = 48 * time.Hour

// liveMinuteMetrics are the usage metrics emitted per minute: the counters'
// increments and the connections level. The other gauges (actives and
// registered accounts) are daily, emitted with the first minute of each UTC
// day this process emits.
var liveMinuteMetrics = []int{mConnections, mMessages, mSessions, mMinutes}
var liveDailyMetrics = []int{mActive1d, mActive7d, mActive30d, mRegistered}

var tagLive = tag("live")

// liveDay caches usageDay for one UTC day.
type liveDay struct {
	day  time.Time
	rows [nNet][]usageRow
}

// emitLiveMinute emits everything for the minute starting at t. gauges says
// whether this is the first minute emitted for its day.
func (m *model) emitLiveMinute(e *emitter, t time.Time, ld *liveDay, gauges bool) error {
	level := m.end.Add(-time.Minute)
	for _, b := range m.bridges {
		if level.Before(b.Opens) {
			continue
		}
		inc := m.incidentAt(b, t)
		for i := range b.routes {
			if err := e.bridge(m.bridgeSample(b, &b.routes[i], t, time.Minute, level, inc)); err != nil {
				return err
			}
		}
	}
	if m.trafficOnlyLive {
		return nil
	}
	if day := t.Truncate(24 * time.Hour); !ld.day.Equal(day) {
		ld.day = day
		ld.rows, _ = m.usageDay(m.end.AddDate(0, 0, -1), day)
	}
	w := diurnal(t, time.Minute)
	minute := uint64(t.Unix() / 60)
	for n := range nNet {
		var total usageRow
		rows := make([]usageRow, len(m.segs))
		for s := range m.segs {
			daily := &ld.rows[n][s]
			r := &rows[s]
			for _, i := range liveMinuteMetrics {
				k := m.h(tagLive, uint64(n), uint64(s), uint64(i), minute)
				if isCounter(i) {
					r[i] = math.Round(daily[i] * w / (24 * 60) * jitter(k, 0.03))
				} else {
					r[i] = math.Round(daily[i] * w * jitter(k, 0.01))
				}
				total[i] += r[i]
			}
			if gauges {
				for _, i := range liveDailyMetrics {
					r[i] = daily[i]
					total[i] += r[i]
				}
			}
		}
		for s := -1; s < len(m.segs); s++ {
			r, seg := &total, ""
			if s >= 0 {
				r, seg = &rows[s], m.segs[s].name
			}
			for _, i := range liveMinuteMetrics {
				if err := e.sample(imscope.Sample{TS: t, Source: m.source, Network: networks[n].id, Metric: metricNames[i], Segment: seg, Value: r[i]}); err != nil {
					return err
				}
			}
			if gauges {
				for _, i := range liveDailyMetrics {
					if err := e.sample(imscope.Sample{TS: t, Source: m.source, Network: networks[n].id, Metric: metricNames[i], Segment: seg, Value: r[i]}); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
