package analytics

import (
	"slices"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

var (
	ten        = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	bridgeSpan = imscope.Filter{From: ten, To: ten.Add(time.Hour)}
)

// One hour, 3,600 s, three routes:
//
//	mx-qq   qq → matrix: three intervals of 40 messages with 5, 5 and 10
//	        failures (120 messages, 20 failed) and the latency histograms of
//	        quantile_test.go (100 delivered observations, latency sums 0.1 +
//	        0.3 + 0.6 = 1.0 s)
//	mx-qq   matrix → qq: 60 messages, none failed, no latency reported
//	xmpp-gw msn → fetion: 20 messages, all failed
//	(a 1,000-message sample at 11:00 is outside [10:00, 11:00) and ignored)
//
//	all traffic 120 + 60 + 20 = 200
//	qq→matrix:  rate 120/3600 = 0.0333/s, failure ratio 20/120 = 1/6,
//	            share 120/200 = 60%, p50 4,000 µs, p95 50,000, p99 ≥ 50,000,
//	            mean latency 1.0 s / 100 = 10,000 µs
//	matrix→qq:  rate 60/3600, ratio 0, share 30%, no latency (nil)
//	msn→fetion: ratio 20/20 = 1, share 10%
//	bridge mx-qq: 180 messages, 20 failed → 1/9, share 90%, 2 routes
func bridgeFixture() []imscope.BridgeSample {
	at := func(m int) time.Time { return ten.Add(time.Duration(m) * time.Minute) }
	return []imscope.BridgeSample{
		{TS: at(1), Bridge: "mx-qq", FromNetwork: "qq", ToNetwork: "matrix", Messages: 40, Failures: 5, Latency: threeIntervals[0], LatencySum: 0.1},
		{TS: at(2), Bridge: "mx-qq", FromNetwork: "qq", ToNetwork: "matrix", Messages: 40, Failures: 5, Latency: threeIntervals[1], LatencySum: 0.3},
		{TS: at(3), Bridge: "mx-qq", FromNetwork: "qq", ToNetwork: "matrix", Messages: 40, Failures: 10, Latency: threeIntervals[2], LatencySum: 0.6},
		{TS: at(4), Bridge: "mx-qq", FromNetwork: "matrix", ToNetwork: "qq", Messages: 60},
		{TS: at(5), Bridge: "xmpp-gw", FromNetwork: "msn", ToNetwork: "fetion", Messages: 20, Failures: 20},
		{TS: at(60), Bridge: "xmpp-gw", FromNetwork: "msn", ToNetwork: "fetion", Messages: 1000},
	}
}

func TestBridgeHealthGolden(t *testing.T) {
	r, err := BridgeHealthOf(bridgeSpan, bridgeFixture())
	if err != nil {
		t.Fatal(err)
	}
	if r.Seconds != 3600 || r.Messages != 200 || len(r.Routes) != 3 || len(r.Bridges) != 2 {
		t.Fatalf("report %+v", r)
	}
	q := r.Routes[0]
	if q.Bridge != "mx-qq" || q.From != "qq" || q.To != "matrix" || q.Messages != 120 || q.Failures != 20 || q.Intervals != 3 {
		t.Fatalf("busiest route %+v", q)
	}
	near(t, "rate", q.Rate, 120.0/3600, 1e-12)
	nearPtr(t, "failure ratio", q.FailureRatio, f64(1.0/6), 1e-12)
	nearPtr(t, "share", q.TrafficShare, f64(60), 1e-12)
	near(t, "p50", q.P50.Micros, 4000, 1e-9)
	near(t, "p95", q.P95.Micros, 50000, 1e-9)
	if q.P99.Micros != 50000 || !q.P99.AtLeast {
		t.Errorf("p99 %+v, want at least 50,000", q.P99)
	}
	nearPtr(t, "mean latency", q.MeanLatency, f64(10000), 1e-6)

	back := r.Routes[1]
	if back.From != "matrix" || back.P50 != nil || back.MeanLatency != nil {
		t.Errorf("matrix→qq %+v", back)
	}
	nearPtr(t, "matrix→qq ratio", back.FailureRatio, f64(0), 0)
	nearPtr(t, "matrix→qq share", back.TrafficShare, f64(30), 1e-12)
	gw := r.Routes[2]
	nearPtr(t, "msn→fetion ratio", gw.FailureRatio, f64(1), 0)
	nearPtr(t, "msn→fetion share", gw.TrafficShare, f64(10), 1e-12)

	b := r.Bridges[0]
	if b.Bridge != "mx-qq" || b.Routes != 2 || b.Messages != 180 {
		t.Fatalf("bridge %+v", b)
	}
	nearPtr(t, "bridge ratio", b.FailureRatio, f64(1.0/9), 1e-12)
	nearPtr(t, "bridge share", b.TrafficShare, f64(90), 1e-12)
	near(t, "bridge p50", b.P50.Micros, 4000, 1e-9)

	if got := r.Busiest(1); len(got) != 1 || got[0].To != "matrix" {
		t.Errorf("busiest %v", got)
	}
	// msn→fetion delivered nothing: not an active link.
	if got := r.ActiveLinks(); !slices.Equal(got, []Link{{"matrix", "qq"}}) {
		t.Errorf("active links %v", got)
	}

	f := bridgeSpan
	f.Networks = []string{"fetion"}
	sel, err := BridgeHealthOf(f, bridgeFixture())
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Routes) != 1 || sel.Routes[0].To != "fetion" {
		t.Fatalf("selected routes %+v", sel.Routes)
	}
	nearPtr(t, "share of all traffic", sel.Routes[0].TrafficShare, f64(10), 1e-12)
}

func TestBridgeHealthInvalid(t *testing.T) {
	bad := bridgeFixture()
	bad[0].Failures = 41
	_, err := BridgeHealthOf(bridgeSpan, bad)
	wantInvalid(t, err, "failures")
	_, err = BridgeHealthOf(imscope.Filter{From: ten, To: ten}, nil)
	wantInvalid(t, err, "to")
	_, err = BridgeHealthOf(bridgeSpan, []imscope.BridgeSample{{TS: ten, Bridge: "x", FromNetwork: "a"}})
	wantInvalid(t, err, "bridge")
}

// Span 10:00–11:00 evaluated at 10:50, so 50 minutes count:
//
//	bridge a: up since 09:30, down at 10:10, up at 10:25 (down at 12:00 is later)
//	          up 10 + 25 = 35 min, down 15 min → uptime 35/50 = 0.7, 2 changes
//	bridge b: first event up at 10:20 → unknown 20 min, up 30 min
//	          → uptime 30/30 = 1, coverage 30/50 = 0.6
func TestBridgeUptimes(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2024, 3, 1, h, m, 0, 0, time.UTC) }
	events := []StateEvent{
		{at(10, 10), "a", false}, {at(9, 30), "a", true}, {at(10, 25), "a", true}, {at(12, 0), "a", false},
		{at(10, 20), "b", true},
	}
	got, err := BridgeUptimes(bridgeSpan, events, at(10, 50))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	a, b := got[0], got[1]
	if a.Up != 35*time.Minute || a.Down != 15*time.Minute || a.Unknown != 0 || a.Changes != 2 {
		t.Errorf("a %+v", a)
	}
	nearPtr(t, "a uptime", a.Uptime, f64(0.7), 1e-12)
	near(t, "a coverage", a.Coverage, 1, 0)
	if b.Up != 30*time.Minute || b.Unknown != 20*time.Minute {
		t.Errorf("b %+v", b)
	}
	nearPtr(t, "b uptime", b.Uptime, f64(1), 0)
	near(t, "b coverage", b.Coverage, 0.6, 1e-12)

	// Asked before the span starts: nothing known, no uptime.
	early, _ := BridgeUptimes(bridgeSpan, events, at(9, 0))
	if early[0].Uptime != nil || early[0].Up != 0 {
		t.Errorf("before the span: %+v", early[0])
	}
}
