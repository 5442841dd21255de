package simulate

import (
	"slices"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func TestBridgeSchedule(t *testing.T) {
	d := defaultSmall(t)
	_, end := d.src.Window()
	if n := len(d.bridges); n == 0 || n > 500_000 {
		t.Fatalf("%d bridge rows, want 1..500,000", n)
	}
	opens := map[string]time.Time{}
	for _, b := range d.src.Bridges() {
		opens[b.ID] = b.Opens
	}
	if want := time.Date(2011, 6, 15, 2, 0, 0, 0, time.UTC); !opens["fetion-msn"].Equal(want) {
		t.Errorf("fetion-msn opens %v, want %v", opens["fetion-msn"], want)
	}
	if want := time.Date(2012, 3, 1, 2, 0, 0, 0, time.UTC); !opens["xmpp-fed"].Equal(want) {
		t.Errorf("xmpp-fed opens %v, want %v", opens["xmpp-fed"], want)
	}
	routes := map[string]map[[2]string]bool{}
	first := map[string]time.Time{}
	var minuteRows int
	for _, b := range d.bridges {
		if b.TS.Before(opens[b.Bridge]) || !b.TS.Before(end) {
			t.Fatalf("%s row at %v: outside [%v, %v)", b.Bridge, b.TS, opens[b.Bridge], end)
		}
		if f, ok := first[b.Bridge]; !ok || b.TS.Before(f) {
			first[b.Bridge] = b.TS
		}
		if routes[b.Bridge] == nil {
			routes[b.Bridge] = map[[2]string]bool{}
		}
		routes[b.Bridge][[2]string{b.FromNetwork, b.ToNetwork}] = true
		if b.TS.Minute() != 0 {
			minuteRows++
			if b.TS.Before(end.Add(-minuteWindow)) {
				t.Fatalf("per-minute row at %v, before the final 48 hours", b.TS)
			}
		}
	}
	for id, o := range opens {
		if !first[id].Equal(o) {
			t.Errorf("%s: first row at %v, want the opening %v", id, first[id], o)
		}
	}
	if len(routes["fetion-msn"]) != 2 || !routes["fetion-msn"][[2]string{"msn", "fetion"}] {
		t.Errorf("fetion-msn routes %v, want both directions", routes["fetion-msn"])
	}
	if len(routes["xmpp-fed"]) != 6 {
		t.Errorf("xmpp-fed routes %v, want all six directions", routes["xmpp-fed"])
	}
	if want := 2 * 24 * 60 * 8 * 59 / 60; minuteRows != want {
		t.Errorf("%d per-minute rows off the hour, want %d (48 h × 8 routes)", minuteRows, want)
	}
}

func TestBridgeDiurnalPattern(t *testing.T) {
	d := defaultSmall(t)
	_, end := d.src.Window()
	for _, id := range []string{"fetion-msn", "xmpp-fed"} {
		t.Run(id, func(t *testing.T) {
			var peak, trough, np, nt float64
			for _, b := range d.bridges {
				if b.Bridge != id || !b.TS.Before(end.Add(-minuteWindow)) {
					continue
				}
				switch b.TS.In(cst).Hour() {
				case 10, 21:
					peak += float64(b.Messages)
					np++
				case 3, 4, 5:
					trough += float64(b.Messages)
					nt++
				}
			}
			if np == 0 || nt == 0 || peak/np <= 2*trough/nt {
				t.Errorf("mean per hour at 10:00/21:00 CST %.0f, at 03:00–05:00 %.0f: want more than twice", peak/np, trough/nt)
			}
		})
	}
}

func TestBridgeWeekly(t *testing.T) {
	d := defaultSmall(t)
	var weekday, weekend, nd, ne float64
	for _, b := range d.bridges {
		if b.Bridge != "fetion-msn" || b.TS.Year() != 2012 || b.TS.Minute() != 0 {
			continue
		}
		switch cstWeekday(b.TS) {
		case time.Saturday, time.Sunday:
			weekend += float64(b.Messages)
			ne++
		default:
			weekday += float64(b.Messages)
			nd++
		}
	}
	if r := (weekend / ne) / (weekday / nd); r > 0.85 || r < 0.6 {
		t.Errorf("fetion-msn weekend/weekday traffic %.2f, want about 0.7", r)
	}
}

// TestBridgeFailuresAndIncidents checks the simulated history's incidents
// and what they do to the bridge rows: failures and latency well above the
// normal ones inside incidents, per route and per incident. The steps are
// split into functions below, in the order they run.
func TestBridgeFailuresAndIncidents(t *testing.T) {
	d := defaultSmall(t)
	start, end := d.src.Window()
	incs := d.src.Incidents(start, end)
	if len(incs) < 4 {
		t.Fatalf("%d history incidents, want a few: %v", len(incs), incs)
	}
	checkIncidentShapes(t, incs, end)
	tally := tallyBridgeFailures(t, d.bridges, incs)
	checkFailureRatios(t, tally)
	checkIncidentLatency(t, tally.p50normal, tally.p50bad)
}

// checkIncidentShapes checks each history incident's length, failure ratio
// and latency factor, and that one falls inside the final 48 hours (where
// rows are per minute).
func checkIncidentShapes(t *testing.T, incs []Incident, end time.Time) {
	recent := false
	for _, inc := range incs {
		if h := inc.To.Sub(inc.From); h < time.Hour || h > 4*time.Hour || inc.From.Minute() != 0 {
			t.Errorf("%v: want whole hours, 1–4 long", inc)
		}
		if inc.FailureRatio < 0.2 || inc.FailureRatio > 0.6 || inc.LatencyFactor != 10 {
			t.Errorf("%v: failure ratio 20–60%%, latency ×10", inc)
		}
		if !inc.From.Before(end.Add(-minuteWindow)) && inc.To.Before(end) {
			recent = true
		}
	}
	if !recent {
		t.Errorf("no incident inside the final 48 hours: %v", incs)
	}
}

// failureAgg sums messages and failures over some bridge rows.
type failureAgg struct{ msgs, fails uint64 }

// addFailures counts row b into the aggregate under key in m, creating it if needed.
func addFailures[K comparable](m map[K]*failureAgg, key K, b imscope.BridgeSample) {
	if m[key] == nil {
		m[key] = &failureAgg{}
	}
	m[key].msgs += b.Messages
	m[key].fails += b.Failures
}

// bridgeFailureTally is what tallyBridgeFailures gathers: failures per
// route outside and inside incidents, per incident (by its start), and the
// median latency bucket of busy fetion rows outside and inside incidents.
type bridgeFailureTally struct {
	normal, bad       map[string]*failureAgg
	perIncident       map[time.Time]*failureAgg
	p50normal, p50bad []uint64
}

// tallyBridgeFailures checks each bridge row's own consistency (see
// checkBridgeRowCounts) and sorts it into the tally.
func tallyBridgeFailures(t *testing.T, bridges []imscope.BridgeSample, incs []Incident) bridgeFailureTally {
	tally := bridgeFailureTally{normal: map[string]*failureAgg{}, bad: map[string]*failureAgg{}, perIncident: map[time.Time]*failureAgg{}}
	for _, b := range bridges {
		checkBridgeRowCounts(t, b)
		route := b.Bridge + ":" + b.FromNetwork + ">" + b.ToNetwork
		m, med := tally.normal, &tally.p50normal
		if inIncident(incs, b.Bridge, b.TS) {
			m, med = tally.bad, &tally.p50bad
			for _, inc := range incs {
				if inc.Bridge == b.Bridge && inc.contains(b.TS) {
					addFailures(tally.perIncident, inc.From, b)
				}
			}
		}
		addFailures(m, route, b)
		if b.Messages >= 200 && b.FromNetwork == "fetion" {
			*med = append(*med, median(b.Latency))
		}
	}
	return tally
}

// checkBridgeRowCounts checks that a bridge row's latency histogram holds
// exactly its messages, that it fails no more than it carries, and that a
// row with messages has latency and bytes.
func checkBridgeRowCounts(t *testing.T, b imscope.BridgeSample) {
	var n uint64
	for _, c := range b.Latency {
		n += c
	}
	if n != b.Messages || b.Failures > b.Messages {
		t.Fatalf("%+v: histogram holds %d of %d messages", b, n, b.Messages)
	}
	if b.Messages > 0 && (b.LatencySum <= 0 || b.Bytes == 0) {
		t.Fatalf("%+v: messages without latency or bytes", b)
	}
}

// checkFailureRatios checks that routes fail 0.1–1% of the time outside
// incidents and over 15% inside them, and every incident over 15%.
func checkFailureRatios(t *testing.T, tally bridgeFailureTally) {
	for route, a := range tally.normal {
		if r := float64(a.fails) / float64(a.msgs); r >= 0.01 || r < 0.001 {
			t.Errorf("%s outside incidents: failure ratio %.4f, want 0.1–1%%", route, r)
		}
	}
	for route, a := range tally.bad {
		if r := float64(a.fails) / float64(a.msgs); r <= 0.15 {
			t.Errorf("%s in incidents: failure ratio %.4f, want > 15%%", route, r)
		}
	}
	for from, a := range tally.perIncident {
		if r := float64(a.fails) / float64(a.msgs); r <= 0.15 {
			t.Errorf("incident at %v: failure ratio %.4f, want > 15%%", from, r)
		}
	}
}

// checkIncidentLatency checks that the median of busy fetion rows' median
// latency bucket is several times higher inside incidents than outside.
func checkIncidentLatency(t *testing.T, p50normal, p50bad []uint64) {
	if len(p50bad) == 0 || len(p50normal) == 0 {
		t.Fatal("no busy fetion→msn intervals to compare latency")
	}
	slices.Sort(p50normal)
	slices.Sort(p50bad)
	if n, b := p50normal[len(p50normal)/2], p50bad[len(p50bad)/2]; b < 5*n {
		t.Errorf("median latency bucket %d µs in incidents, %d µs normally: want about ten times", b, n)
	}
}

// median returns the bucket bound holding the histogram's median.
func median(h map[uint64]uint64) uint64 {
	var total, run uint64
	for _, c := range h {
		total += c
	}
	for _, b := range latencyBounds {
		run += h[b]
		if 2*run >= total {
			return b
		}
	}
	return imscope.LatencyInf
}

func TestIncidentsFollowSeed(t *testing.T) {
	list := func(seed int64) []Incident {
		s, err := New("i", Config{Seed: seed}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		start, end := s.Window()
		return s.Incidents(start, end.AddDate(0, 0, 30))
	}
	a, b, c := list(1), list(1), list(2)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different incidents:\n%v\n%v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds 1 and 2 share their incidents: %v", a)
	}
	live := 0
	for _, inc := range a {
		if inc.From.Year() >= 2013 {
			live++
			if d := inc.To.Sub(inc.From); d < 10*time.Minute || d > 40*time.Minute {
				t.Errorf("live incident %v: want 10–40 minutes", inc)
			}
		}
	}
	if live == 0 || live > 30 {
		t.Errorf("%d live incidents in 30 days over 2 bridges, want about 12", live)
	}
}

func TestLatencyHistogramExact(t *testing.T) {
	for _, n := range []uint64{1, 2, 7, 100, 12345, 1e7} {
		h := map[uint64]uint64{}
		addLogNormal(h, n, 0.09, 0.55)
		var sum uint64
		for b, c := range h {
			if !slices.Contains(latencyBounds, b) {
				t.Errorf("bucket %d is not a fixed bound", b)
			}
			sum += c
		}
		if sum != n {
			t.Errorf("n=%d: buckets hold %d", n, sum)
		}
		if n >= 100 && median(h) != 100_000 {
			t.Errorf("n=%d: median bucket %d µs, want 100000 (90 ms median)", n, median(h))
		}
	}
}
