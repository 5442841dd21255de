package analytics

import (
	"slices"
	"testing"
)

// TestLinks: the golden hour's routes as links between networks. qq↔matrix
// is one link (both directions of mx-qq: 180 messages, 20 failed); msn→
// fetion another (20, all failed). The failure ratio of all traffic is
// 40 / 200.
func TestLinks(t *testing.T) {
	r, err := BridgeHealthOf(bridgeSpan, bridgeFixture())
	if err != nil {
		t.Fatal(err)
	}
	links := r.Links()
	want := []LinkTraffic{
		{A: "matrix", B: "qq", Bridges: []string{"mx-qq"}, Messages: 180, Failures: 20},
		{A: "fetion", B: "msn", Bridges: []string{"xmpp-gw"}, Messages: 20, Failures: 20},
	}
	if !slices.EqualFunc(links, want, func(a, b LinkTraffic) bool {
		return a.A == b.A && a.B == b.B && slices.Equal(a.Bridges, b.Bridges) && a.Messages == b.Messages && a.Failures == b.Failures
	}) {
		t.Fatalf("links %+v, want %+v", links, want)
	}
	near(t, "qq↔matrix failure ratio", links[0].FailureRatio(), 20.0/180, 1e-12)
	near(t, "msn→fetion failure ratio", links[1].FailureRatio(), 1, 0)
	if b := r.BusiestLink(); b == nil || b.A != "matrix" || b.B != "qq" {
		t.Errorf("busiest link %+v, want matrix↔qq", b)
	}
	nearPtr(t, "failure ratio", r.FailureRatio(), f64(40.0/200), 1e-12)
	near(t, "rate", r.Rate(), 200.0/3600, 1e-15)
}

func TestLinksEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name    string
		report  BridgeReport
		links   int
		busiest string // A of the busiest link; "" for none
		ratio   *float64
	}{
		{name: "no traffic", report: BridgeReport{}, busiest: "", ratio: nil},
		{name: "idle routes only", report: BridgeReport{Routes: []RouteHealth{{Bridge: "b", From: "x", To: "y"}}}, links: 1, busiest: "", ratio: nil},
		{name: "two bridges on one link, ties go to the first",
			report: BridgeReport{Messages: 30, Routes: []RouteHealth{
				{Bridge: "b1", From: "y", To: "x", Traffic: Traffic{Messages: 10, Failures: 1}},
				{Bridge: "b2", From: "x", To: "y", Traffic: Traffic{Messages: 5}},
				{Bridge: "b3", From: "u", To: "v", Traffic: Traffic{Messages: 15, Failures: 2}},
			}},
			links: 2, busiest: "x", ratio: f64(3.0 / 30)},
		{name: "a selection: listed routes' failures over all messages",
			report: BridgeReport{Messages: 100, Routes: []RouteHealth{{Bridge: "b", From: "x", To: "y", Traffic: Traffic{Messages: 10, Failures: 5}}}},
			links:  1, busiest: "x", ratio: f64(5.0 / 100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			links := tc.report.Links()
			if len(links) != tc.links {
				t.Fatalf("%d links, want %d: %+v", len(links), tc.links, links)
			}
			b := tc.report.BusiestLink()
			switch {
			case tc.busiest == "" && b != nil:
				t.Errorf("busiest %+v, want none", b)
			case tc.busiest != "" && (b == nil || b.A != tc.busiest):
				t.Errorf("busiest %+v, want %s", b, tc.busiest)
			}
			nearPtr(t, "failure ratio", tc.report.FailureRatio(), tc.ratio, 1e-12)
		})
	}
}

func TestStatuses(t *testing.T) {
	up := func(b string) BridgeUptime { return BridgeUptime{Bridge: b, Uptime: f64(1)} }
	r := BridgeHealthReport{
		BridgeReport: BridgeReport{Bridges: []BridgeHealth{{Bridge: "busy", Routes: 2}, {Bridge: "quiet", Routes: 1}}},
		Uptimes:      []BridgeUptime{up("idle"), up("quiet")},
	}
	got := r.Statuses()
	var names []string
	for _, s := range got {
		names = append(names, s.Bridge)
	}
	// Bridges with traffic first, busiest first; then states only, by id.
	if !slices.Equal(names, []string{"busy", "quiet", "idle"}) {
		t.Fatalf("statuses %v", names)
	}
	if got[0].Uptime != nil || got[1].Uptime == nil || got[2].Uptime == nil || got[2].Routes != 0 {
		t.Errorf("uptimes not joined by bridge: %+v", got)
	}
}
