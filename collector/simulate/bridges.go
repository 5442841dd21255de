package simulate

import (
	"math"
	"time"

	"github.com/imscope/imscope"
)

// The interconnection pilot: two bridges open during the history and carry
// traffic in both directions. Each route's volume ramps up after opening
// (users discover it), follows both networks' sizes, and is shaped by the
// CST day and the week. QQ, the leader, never interconnects.

// BridgeInfo describes one simulated bridge.
type BridgeInfo struct {
	ID       string
	Kind     string    // "gateway" or "federation"
	Networks []string  // the networks it joins
	Opens    time.Time // first instant it carries traffic (UTC)
}

// bridge is a BridgeInfo with its routes' parameters.
type bridge struct {
	BridgeInfo
	weekly [7]float64 // multiplier by CST weekday, Sunday first
	routes []route
}

// route is one direction of a bridge.
type route struct {
	from, to int
	// perDay is the route's messages per day once fully adopted, at the
	// network sizes of the opening day.
	perDay float64
	// fail is the normal failure ratio.
	fail float64
	// Delivery latency is log-normal: median (seconds) and log-sigma.
	latMedian, latSigma float64
	bytesPerMsg         float64
	tag                 uint64
}

// rampDays is the time constant of adoption after a bridge opens.
const rampDays = 40

// Failed messages are timeouts and rejects: their time to failure is
// log-normal around 4 s.
const (
	failLatMedian = 4.0
	failLatSigma  = 0.5
)

// latencyBounds are the histogram's bucket upper bounds in microseconds:
// 5 ms … 10 s, then +Inf.
var latencyBounds = []uint64{
	5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
	1_000_000, 2_500_000, 5_000_000, 10_000_000, imscope.LatencyInf,
}

func newBridges() []*bridge {
	office := [7]float64{0.70, 1, 1, 1, 1, 1, 0.75}
	flat := [7]float64{0.92, 1, 1, 1, 1, 1, 0.95}
	bs := []*bridge{
		{
			// China Mobile and Microsoft link Fetion and MSN: a gateway
			// that opens at 10:00 CST on 15 June 2011.
			BridgeInfo: BridgeInfo{ID: "fetion-msn", Kind: "gateway", Networks: []string{"fetion", "msn"},
				Opens: time.Date(2011, 6, 15, 10, 0, 0, 0, cst).UTC()},
			weekly: office,
			routes: []route{
				{from: fetion, to: msn, perDay: 1.6e6, fail: 0.004, latMedian: 0.090, latSigma: 0.55, bytesPerMsg: 160},
				{from: msn, to: fetion, perDay: 1.3e6, fail: 0.006, latMedian: 0.110, latSigma: 0.55, bytesPerMsg: 190},
			},
		},
		{
			// The small three federate over XMPP from 1 March 2012.
			BridgeInfo: BridgeInfo{ID: "xmpp-fed", Kind: "federation", Networks: []string{"sinauc", "popo", "yahoo"},
				Opens: time.Date(2012, 3, 1, 10, 0, 0, 0, cst).UTC()},
			weekly: flat,
			routes: []route{
				{from: sinauc, to: popo, perDay: 90e3, fail: 0.003, latMedian: 0.140, latSigma: 0.7, bytesPerMsg: 420},
				{from: popo, to: sinauc, perDay: 80e3, fail: 0.003, latMedian: 0.140, latSigma: 0.7, bytesPerMsg: 420},
				{from: sinauc, to: yahoo, perDay: 45e3, fail: 0.007, latMedian: 0.180, latSigma: 0.7, bytesPerMsg: 430},
				{from: yahoo, to: sinauc, perDay: 40e3, fail: 0.008, latMedian: 0.180, latSigma: 0.7, bytesPerMsg: 430},
				{from: popo, to: yahoo, perDay: 35e3, fail: 0.006, latMedian: 0.170, latSigma: 0.7, bytesPerMsg: 430},
				{from: yahoo, to: popo, perDay: 30e3, fail: 0.007, latMedian: 0.170, latSigma: 0.7, bytesPerMsg: 430},
			},
		},
	}
	for _, b := range bs {
		for i := range b.routes {
			r := &b.routes[i]
			r.tag = tag(b.ID + "/" + networks[r.from].id + ">" + networks[r.to].id)
		}
	}
	return bs
}

// level is the route's full-day volume factor at t: adoption ramp times
// the growth of both networks since the bridge opened.
func (b *bridge) level(r *route, t time.Time) float64 {
	if t.Before(b.Opens) {
		return 0
	}
	ramp := 1 - math.Exp(-t.Sub(b.Opens).Hours()/24/rampDays)
	s0, s1 := shares(b.Opens), shares(t)
	growth := marketSize(t) / marketSize(b.Opens)
	return ramp * growth * math.Sqrt(s1[r.from]*s1[r.to]/(s0[r.from]*s0[r.to]))
}

// bridgeSample is what route r of b carried in [t, t+d). level is the
// instant whose adoption and network sizes apply (t in the history, the end
// of the history in live mode); inc is the incident in force, if any.
func (m *model) bridgeSample(b *bridge, r *route, t time.Time, d time.Duration, level time.Time, inc *Incident) imscope.BridgeSample {
	k := func(what uint64) uint64 { return m.h(tagBridge, r.tag, uint64(t.UnixMilli()), what) }
	mean := r.perDay * d.Hours() / 24 * b.level(r, level) *
		diurnal(t, d) * b.weekly[cstWeekday(t)] * jitter(k(1), 0.06)
	msgs := poisson(mean, k(2))

	fail, latMedian := r.fail*jitter(k(3), 0.25), r.latMedian
	if inc != nil {
		fail, latMedian = math.Min(0.95, inc.FailureRatio*jitter(k(3), 0.08)), latMedian*inc.LatencyFactor
	}
	failures := min(msgs, poisson(float64(msgs)*fail, k(4)))
	delivered := msgs - failures

	hist := make(map[uint64]uint64, 8)
	addLogNormal(hist, delivered, latMedian, r.latSigma)
	addLogNormal(hist, failures, failLatMedian, failLatSigma)
	latSum := float64(delivered)*latMedian*math.Exp(r.latSigma*r.latSigma/2)*jitter(k(5), 0.02) +
		float64(failures)*failLatMedian*math.Exp(failLatSigma*failLatSigma/2)

	return imscope.BridgeSample{
		TS:          t,
		Source:      m.source,
		Bridge:      b.ID,
		FromNetwork: networks[r.from].id,
		ToNetwork:   networks[r.to].id,
		Messages:    msgs,
		Failures:    failures,
		Bytes:       uint64(math.Round(float64(msgs) * r.bytesPerMsg * jitter(k(6), 0.05))),
		Latency:     hist,
		LatencySum:  latSum,
	}
}

var tagBridge = tag("bridge")

// addLogNormal adds n messages with log-normal latency (median in seconds)
// to the histogram: expected counts per bucket, rounded by largest
// remainder so that the buckets hold exactly n. Empty buckets are left out.
func addLogNormal(hist map[uint64]uint64, n uint64, median, sigma float64) {
	if n == 0 {
		return
	}
	var (
		want [16]float64
		got  [16]uint64
		left = n
		prev float64
	)
	mu := math.Log(median)
	for i, b := range latencyBounds {
		c := 1.0
		if b != imscope.LatencyInf {
			c = 0.5 * math.Erfc(-(math.Log(float64(b)/1e6)-mu)/(sigma*math.Sqrt2))
		}
		want[i] = float64(n) * (c - prev)
		prev = c
		got[i] = uint64(want[i])
		left -= got[i]
	}
	for ; left > 0; left-- {
		best := 0
		for i := range latencyBounds {
			if want[i]-float64(got[i]) > want[best]-float64(got[best]) {
				best = i
			}
		}
		got[best]++
	}
	for i, b := range latencyBounds {
		if got[i] > 0 {
			hist[b] += got[i]
		}
	}
}

// incidentAt returns the incident on bridge b in force at t, if any.
func (m *model) incidentAt(b *bridge, t time.Time) *Incident {
	if t.Before(m.end) {
		for i := range m.incidents {
			inc := &m.incidents[i]
			if inc.Bridge == b.ID && inc.contains(t) {
				return inc
			}
		}
		return nil
	}
	for _, inc := range m.liveIncidents(b, t.Truncate(24*time.Hour)) {
		if inc.contains(t) {
			return &inc
		}
	}
	return nil
}

// minuteWindow is the span at the end of the history that is emitted per
// minute rather than per hour, for the live Bridges page.
const minuteWindow = 48 * time.Hour

// bridgeHistory emits hourly rows from each bridge's opening to 48 hours
// before the end of the history, then per-minute rows to the end.
func (m *model) bridgeHistory(e *emitter) error {
	cut := m.end.Add(-minuteWindow)
	if cut.Before(m.start) {
		cut = m.start
	}
	for _, b := range m.bridges {
		from := m.start
		if b.Opens.After(from) {
			from = b.Opens.Truncate(time.Hour)
			if from.Before(b.Opens) {
				from = from.Add(time.Hour)
			}
		}
		if err := m.emitBridge(e, b, from, cut, time.Hour); err != nil {
			return err
		}
		from = cut
		if o := b.Opens.Truncate(time.Minute); o.After(from) {
			from = o
		}
		if err := m.emitBridge(e, b, from, m.end, time.Minute); err != nil {
			return err
		}
	}
	return nil
}

// emitBridge emits every route of b per step over [from, to), with the
// market state of each interval (history mode).
func (m *model) emitBridge(e *emitter, b *bridge, from, to time.Time, step time.Duration) error {
	for t := from; t.Before(to); t = t.Add(step) {
		inc := m.incidentAt(b, t)
		for i := range b.routes {
			if err := e.bridge(m.bridgeSample(b, &b.routes[i], t, step, t, inc)); err != nil {
				return err
			}
		}
	}
	return nil
}
