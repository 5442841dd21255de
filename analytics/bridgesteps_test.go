package analytics

import (
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// TestBridgeSteps: per-step samples as queries.BridgeRoutes returns them
// for a 15-minute step over [10:05, 10:40): the first step (10:00) is cut
// to its 10 minutes inside the range, the last (10:30) to its 10.
func TestBridgeSteps(t *testing.T) {
	f := imscope.Filter{From: ten.Add(5 * time.Minute), To: ten.Add(40 * time.Minute)}
	at := func(m int) time.Time { return ten.Add(time.Duration(m) * time.Minute) }
	samples := []imscope.BridgeSample{
		{TS: at(0), Bridge: "mx-qq", FromNetwork: "qq", ToNetwork: "matrix", Messages: 60, Failures: 6},
		{TS: at(0), Bridge: "gw", FromNetwork: "msn", ToNetwork: "fetion", Messages: 40},
		{TS: at(15), Bridge: "mx-qq", FromNetwork: "qq", ToNetwork: "matrix", Messages: 90},
		{TS: at(30), Bridge: "gw", FromNetwork: "msn", ToNetwork: "fetion", Messages: 30, Failures: 3},
	}
	steps, err := BridgeSteps(f, 15*time.Minute, samples)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 3 {
		t.Fatalf("%d steps, want 3", len(steps))
	}
	first := steps[0]
	if !first.Start.Equal(at(0)) || len(first.Routes) != 2 || first.Routes[0].Bridge != "gw" || first.Routes[1].Bridge != "mx-qq" {
		t.Fatalf("first step %+v: want both routes, by bridge", first)
	}
	near(t, "mx-qq rate over the 10 minutes inside", first.Routes[1].Rate, 60.0/600, 1e-12)
	nearPtr(t, "mx-qq share of the step", first.Routes[1].TrafficShare, f64(60), 1e-12)
	nearPtr(t, "mx-qq failure ratio", first.Routes[1].FailureRatio, f64(0.1), 1e-12)
	near(t, "a whole step's rate", steps[1].Routes[0].Rate, 90.0/900, 1e-12)
	near(t, "the last step, cut by to", steps[2].Routes[0].Rate, 30.0/600, 1e-12)

	if _, err := BridgeSteps(f, 0, samples); err == nil {
		t.Error("a zero step must be refused")
	}
	if _, err := BridgeSteps(imscope.Filter{From: f.To, To: f.From}, time.Minute, samples); err == nil {
		t.Error("an inverted span must be refused")
	}
}
