package pages_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

var tileRE = regexp.MustCompile(`(?s)data-tile="([^"]+)">\s*<div class="label">([^<]*)</div>.*?(?:data-period>([^<]*)</div>|</a>)`)

// TestOverviewTilePeriods: every tile on the Overview says what time its
// number is of, as the demo mixes usage that ends in 2012 with live bridge
// traffic: the usage tiles name their period (the leader's the same as its
// label's), the panel tiles the panel period, the traffic tile the live
// window; in Chinese too.
func TestOverviewTilePeriods(t *testing.T) {
	h := dashtest.Server(t, nil)
	for _, c := range []struct{ lang, usage, panel, live, now string }{
		{"en", "measured usage, ", "user panel, ", "live bridge traffic", "now"},
		{"zh-CN", "实测用量，", "用户样本，", "实时桥接流量", "当前"},
	} {
		body := dashtest.Get(t, h, "/?lang="+c.lang).Body.String()
		periods := map[string]string{}
		labels := map[string]string{}
		for _, m := range tileRE.FindAllStringSubmatch(body, -1) {
			labels[m[1]], periods[m[1]] = html.UnescapeString(m[2]), html.UnescapeString(m[3])
		}
		if len(periods) < 6 {
			t.Fatalf("%s: %d tiles found: %v", c.lang, len(periods), periods)
		}
		for id, p := range periods {
			if p == "" {
				t.Errorf("%s: tile %s says no period", c.lang, id)
			}
		}
		for _, id := range []string{"leader", "hhi", "networks"} {
			if !strings.HasPrefix(periods[id], c.usage) {
				t.Errorf("%s: tile %s period %q, want %q…", c.lang, id, periods[id], c.usage)
			}
		}
		if p := strings.TrimPrefix(periods["leader"], c.usage); !strings.HasSuffix(labels["leader"], p) {
			t.Errorf("%s: the leader's period %q is not the one its label %q names", c.lang, p, labels["leader"])
		}
		for _, id := range []string{"dividend", "multihoming"} {
			if !strings.HasPrefix(periods[id], c.panel) {
				t.Errorf("%s: tile %s period %q, want %q…", c.lang, id, periods[id], c.panel)
			}
		}
		if !strings.HasPrefix(periods["traffic"], c.live) || periods["alerts"] != c.now {
			t.Errorf("%s: traffic %q, alerts %q", c.lang, periods["traffic"], periods["alerts"])
		}
	}
}
