package api_test

import (
	"math"
	"net/http"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

func TestMain(m *testing.M) { dashtest.Main(m) }

// TestRoutesAnswer: every endpoint answers 200 with plausible JSON on the
// demo data, defaults filled in and echoed in "query".
func TestRoutesAnswer(t *testing.T) {
	h := dashtest.Server(t, nil)
	cases := []struct {
		name, target string
		query        map[string]string // expected canonical parameters (subset)
		check        func(t *testing.T, data map[string]any)
	}{
		{"networks", "/api/v1/networks", nil, answerNetworks},
		{"share defaults", "/api/v1/share", map[string]string{"from": "2011-07-01", "to": "2012-07-01", "granularity": "month", "metric": "active_users_30d", "segment": "", "networks": "", "top": "0"},
			answerShareDefaults},
		{"share top and quarter", "/api/v1/share?granularity=quarter&from=2011-Q1&to=2012-Q3&top=3&networks=qq,fetion", map[string]string{"from": "2011-01-01", "to": "2012-07-01", "networks": "fetion,qq", "top": "3"},
			answerShareTopAndQuarter},
		{"concentration", "/api/v1/concentration?granularity=quarter&from=2011&to=2012-07", map[string]string{"granularity": "quarter"}, answerConcentration},
		{"merge", "/api/v1/scenario/merge?merge=msn,fetion", map[string]string{"merge": "fetion,msn"}, answerMerge},
		{"switching latest pair", "/api/v1/switching", map[string]string{"from_period": "2012-01-01", "to_period": "2012-04-01", "min_count": "10", "k": "4"}, answerSwitchingLatestPair},
		{"switching along a range", "/api/v1/switching?from=2011-01&to=2012-07&min_count=0", map[string]string{"from": "2011-01-01", "to": "2012-07-01"}, answerSwitchingAlongARange},
		{"switching without a pair in the range", "/api/v1/switching?from=2012-04&to=2012-07", map[string]string{"from": "2012-04-01", "to": "2012-07-01"}, answerSwitchingWithoutAPairInTheRange},
		{"multihoming without a period in the range", "/api/v1/multihoming?from=2013-01", map[string]string{"period": ""}, answerMultihomingWithoutAPeriodInTheRange},
		{"panel periods", "/api/v1/panel/periods", nil, answerPanelPeriods},
		{"multihoming", "/api/v1/multihoming?segment=office", map[string]string{"period": "2012-04-01", "segment": "office"}, answerMultihoming},
		{"reachability", "/api/v1/reachability?bridges=hub=qq&period=2012-Q2", map[string]string{"period": "2012-04-01", "bridges": "hub=qq"}, answerReachability},
		{"bridges", "/api/v1/bridges", map[string]string{"from": "2012-06-30", "to": "2012-07-01"}, answerBridges},
		{"bridge series", "/api/v1/bridges/series?networks=msn", map[string]string{"step": "300s", "networks": "msn"}, answerBridgeSeries},
		{"collectors", "/api/v1/collectors", nil, answerCollectors},
		// Alert events run to the end of the current minute (the clock is
		// pinned at midnight), so one that fired a moment ago is listed.
		{"alerts", "/api/v1/alerts", map[string]string{"from": "2012-06-24T00:01:00Z", "to": "2012-07-01T00:01:00Z", "limit": "100"}, answerAlerts},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := dashtest.Get(t, h, tc.target)
			if w.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", tc.target, w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			q, d := dashtest.Decode(t, w)
			for k, want := range tc.query {
				if got, ok := q[k]; !ok || got != want {
					t.Errorf("query.%s = %q (present %v), want %q; query %v", k, got, ok, want, q)
				}
			}
			tc.check(t, d)
		})
	}
}

// answerNetworks checks the answer of case 'networks'.
func answerNetworks(t *testing.T, d map[string]any) {
	if n := dashtest.Objs(t, d, "networks"); len(n) != 2 || n[0]["id"] != "qq" {
		t.Errorf("networks %v", n)
	}
}

// answerShareDefaults checks the answer of case 'share defaults'.
func answerShareDefaults(t *testing.T, d map[string]any) {
	ps := dashtest.Objs(t, d, "periods")
	if len(ps) != 12 {
		t.Fatalf("%d periods, want 12", len(ps))
	}
	for _, p := range ps {
		var sum float64
		for _, s := range dashtest.Objs(t, p, "shares") {
			sum += dashtest.Num(t, s, "share")
		}
		if math.Abs(sum-100) > 1e-6 {
			t.Errorf("%v: shares sum to %v", p["period"], sum)
		}
	}
}

// answerShareTopAndQuarter checks the answer of case 'share top and quarter'.
func answerShareTopAndQuarter(t *testing.T, d map[string]any) {
	ps := dashtest.Objs(t, d, "periods")
	if len(ps) != 6 {
		t.Fatalf("%d quarters, want 6", len(ps))
	}
	last := dashtest.Objs(t, ps[len(ps)-1], "shares")
	if len(last) != 3 || last[0]["network"] != "qq" || last[2]["network"] != "other" {
		t.Errorf("last quarter %v", last)
	}
}

// answerConcentration checks the answer of case 'concentration'.
func answerConcentration(t *testing.T, d map[string]any) {
	for _, p := range dashtest.Objs(t, d, "periods") {
		if h := dashtest.Num(t, p, "hhi"); h < 4000 || h > 10000 {
			t.Errorf("%v: HHI %v, want a QQ-dominated market", p["period"], h)
		}
		if len(dashtest.Objs(t, p, "coalitions")) == 0 {
			t.Errorf("%v: no coalitions", p["period"])
		}
	}
}

// answerMerge checks the answer of case 'merge'.
func answerMerge(t *testing.T, d map[string]any) {
	for _, p := range dashtest.Objs(t, d, "periods") {
		if p["delta_hhi"] == nil {
			continue // a hostile-only period has no fetion/msn
		}
		if dashtest.Num(t, p, "hhi_after")-dashtest.Num(t, p, "hhi_before") <= 0 {
			t.Errorf("%v: merger does not raise HHI", p["period"])
		}
	}
}

// answerSwitchingLatestPair checks the answer of case 'switching latest pair'.
func answerSwitchingLatestPair(t *testing.T, d map[string]any) {
	tr := dashtest.Objs(t, d, "transitions")
	if len(tr) != 1 || dashtest.Num(t, tr[0], "users") < 1500 {
		t.Fatalf("transitions %v", tr)
	}
	if fc := dashtest.Objs(t, tr[0], "forecast"); len(fc) != 5 {
		t.Errorf("forecast has %d steps, want k+1 = 5", len(fc))
	}
}

// answerSwitchingAlongARange checks the answer of case 'switching along a range'.
func answerSwitchingAlongARange(t *testing.T, d map[string]any) {
	if tr := dashtest.Objs(t, d, "transitions"); len(tr) != 5 {
		t.Errorf("%d pairs, want 5", len(tr))
	}
}

// answerSwitchingWithoutAPairInTheRange checks the answer of case 'switching without a pair in the range'.
func answerSwitchingWithoutAPairInTheRange(t *testing.T, d map[string]any) {
	if tr := dashtest.Objs(t, d, "transitions"); len(tr) != 0 {
		t.Errorf("%d pairs in a range with one panel period", len(tr))
	}
}

// answerMultihomingWithoutAPeriodInTheRange checks the answer of case 'multihoming without a period in the range'.
func answerMultihomingWithoutAPeriodInTheRange(t *testing.T, d map[string]any) {
	if d["period"] != nil || len(dashtest.Objs(t, d, "pairs")) != 0 {
		t.Errorf("multihoming %v", d)
	}
}

// answerPanelPeriods checks the answer of case 'panel periods'.
func answerPanelPeriods(t *testing.T, d map[string]any) {
	ps := dashtest.Objs(t, d, "periods")
	if len(ps) != 6 || ps[0]["period"] != "2011-01-01" || ps[0]["granularity"] != "quarter" || ps[5]["end"] != "2012-07-01" {
		t.Errorf("periods %v", ps)
	}
}

// answerMultihoming checks the answer of case 'multihoming'.
func answerMultihoming(t *testing.T, d map[string]any) {
	if dashtest.Num(t, d, "users") < 500 || dashtest.Num(t, d, "mean") < 1 || len(dashtest.Objs(t, d, "pairs")) == 0 {
		t.Errorf("multihoming %v", d)
	}
}

// answerReachability checks the answer of case 'reachability'.
func answerReachability(t *testing.T, d map[string]any) {
	sc := dashtest.Objs(t, d, "scenarios")
	if len(sc) != 3 {
		t.Fatalf("scenarios %v", sc)
	}
	none, active, hyp := dashtest.Num(t, sc[0], "share"), dashtest.Num(t, sc[1], "share"), dashtest.Num(t, sc[2], "share")
	if !(none <= active && active < hyp) || len(dashtest.Objs(t, d, "active")) == 0 {
		t.Errorf("reachability none %v, active %v, hypothetical %v; active links %v", none, active, hyp, d["active"])
	}
}

// answerBridges checks the answer of case 'bridges'.
func answerBridges(t *testing.T, d map[string]any) {
	if len(dashtest.Objs(t, d, "routes")) != 8 {
		t.Errorf("routes %v", d["routes"])
	}
	var withUptime int
	for _, b := range dashtest.Objs(t, d, "bridges") {
		if b["uptime"] != nil {
			withUptime++
		}
	}
	if d["uptime_error"] != "" {
		t.Errorf("uptime missing: %v", d["uptime_error"])
	} else if withUptime != 1 {
		t.Errorf("%d bridges with uptime, want 1 (fetion-msn)", withUptime)
	}
}

// answerBridgeSeries checks the answer of case 'bridge series'.
func answerBridgeSeries(t *testing.T, d map[string]any) {
	pts := dashtest.Objs(t, d, "points")
	if len(pts) != 2*288 {
		t.Errorf("%d points, want 2 msn routes × 288 five-minute steps", len(pts))
	}
}

// answerCollectors checks the answer of case 'collectors'.
func answerCollectors(t *testing.T, d map[string]any) {
	cs := dashtest.Objs(t, d, "collectors")
	if len(cs) != 2 || cs[0]["name"] != "demo-history" || cs[0]["status"] != "ok" || cs[1]["next_run"] != "2012-07-01T00:01:00Z" {
		t.Errorf("collectors %v", cs)
	}
	if sp, _ := d["spool"].(map[string]any); sp == nil || sp["segments"] != 2.0 {
		t.Errorf("spool %v", d["spool"])
	}
}

// answerAlerts checks the answer of case 'alerts'.
func answerAlerts(t *testing.T, d map[string]any) {
	st := dashtest.Objs(t, d, "states")
	if len(st) != 2 || st[0]["rule"] != "fetion-msn-down" || st[0]["firing"] != false || st[1]["since"] != nil {
		t.Errorf("states %v", st)
	}
	if ev := dashtest.Objs(t, d, "events"); len(ev) != 2 || ev[0]["firing"] != false {
		t.Errorf("events %v", ev)
	}
}
