package openmetrics

import (
	"testing"
)

// TestProsodyLive scrapes a real Prosody through the Source with the prosody
// preset: a client login shows up as a connection of its virtual host, and
// a federation stream Prosody closes with an error as a failure on the
// xmpp-s2s route, counted whole because its counter was created after the
// previous scrape. Skipped when Prosody is not installed.
func TestProsodyLive(t *testing.T) {
	p := startProsody(t)
	s, err := New("prosody-live", Config{URL: p.metricsURL, Preset: "prosody"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := collect(t, s)
	for _, r := range first.Samples {
		if r.Metric == "connections" {
			t.Errorf("no client is connected yet, but got %+v", r)
		}
	}
	if len(first.Bridges) != 0 || len(first.Problems) != 0 {
		t.Errorf("first scrape: bridges %+v problems %+v, want none", first.Bridges, first.Problems)
	}

	p.login(t)
	p.s2s(t, "a.example.test", "<message><<broken")
	second := collect(t, s)
	if len(second.Problems) != 0 {
		t.Errorf("problems: %s", problems(second))
	}
	conns := map[string]float64{}
	users := map[string]bool{}
	for _, r := range second.Samples {
		if r.Source != "prosody-live" {
			t.Errorf("row source %q", r.Source)
		}
		switch r.Metric {
		case "connections":
			if r.Segment == "" {
				conns[r.Network] = r.Value
			}
		case "active_users_30d":
			users[r.Network] = true
		}
	}
	if conns["a.example.test"] != 1 || len(conns) != 1 {
		t.Errorf("client connections by host = %v, want a.example.test=1 only", conns)
	}
	if !users["a.example.test"] || !users["b.example.test"] {
		t.Errorf("active_users_30d rows for %v, want both virtual hosts", users)
	}
	var failures uint64
	for _, b := range second.Bridges {
		if b.Bridge == "xmpp-s2s" && b.FromNetwork == "xmpp-federation" && b.ToNetwork == "a.example.test" {
			failures += b.Failures
		}
	}
	if failures != 1 {
		t.Errorf("xmpp-s2s failures into a.example.test = %d, want 1; bridges %+v", failures, second.Bridges)
	}
}
