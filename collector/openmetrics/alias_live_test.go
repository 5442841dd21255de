package openmetrics

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries/enginetest"
)

// TestProsodyAliases scrapes a real Prosody whose virtual hosts are not
// catalog ids through a Runner and the real Writer into the embedded
// engine: xmpp.qq.example (an exact alias of qq) and a.example.test (a
// glob alias of "example") are stored under the catalog ids, both ends of
// the federation route included, and b.example.test, which no alias
// claims, is stored as given and warned about as unknown — the only one.
// Skipped when Prosody is not installed.
func TestProsodyAliases(t *testing.T) {
	ctx := context.Background()
	p := startProsody(t)
	p.login(t)
	e := enginetest.Migrated(t, benchDataDir, "openmetrics_prosody_aliases")
	catalog := []imscope.Network{
		{ID: "qq", Names: map[string]string{"en": "Tencent QQ"}, Aliases: []string{"xmpp.qq.example"}},
		{ID: "example", Names: map[string]string{"en": "Example"}, Aliases: []string{"a.*.test"}},
		{ID: "xmpp-federation", Names: map[string]string{"en": "XMPP federation"}},
	}
	w := collector.NewWriter(e, collector.WriterOptions{Networks: catalog})
	r := collector.NewRunner(e, w, nil, nil)
	s, err := New("prosody", Config{URL: p.metricsURL, Preset: "prosody"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := collector.Collector{Name: "prosody", Kind: "openmetrics", Target: p.metricsURL, Source: s}
	r.Run(ctx, c) // the first run primes the counters
	p.s2s(t, "a.example.test", "<message><<broken")
	run := r.Run(ctx, c)
	if run.Status != "ok" {
		t.Fatalf("run %s: %s %q", run.Status, run.Error, run.Warnings)
	}

	if got, want := enginetest.Column(t, e, "SELECT DISTINCT network FROM usage_samples WHERE metric = 'active_users_30d' ORDER BY network"),
		[]string{"b.example.test", "example", "qq"}; !slices.Equal(got, want) {
		t.Errorf("active_users_30d rows are stored under %q, want %q", got, want)
	}
	if got := enginetest.Column(t, e, "SELECT DISTINCT network FROM usage_samples WHERE network IN ('xmpp.qq.example', 'a.example.test')"); len(got) != 0 {
		t.Errorf("rows stored under the aliases themselves: %q", got)
	}
	if got, want := enginetest.Column(t, e, "SELECT DISTINCT concat(from_network, '>', to_network) FROM bridge_traffic WHERE failures > 0"),
		[]string{"xmpp-federation>example"}; !slices.Equal(got, want) {
		t.Errorf("failed federation routes = %q, want %q (the host's alias at the bridge's end)", got, want)
	}
	var unknown []string
	for _, w := range run.Warnings {
		if strings.Contains(w, "is not in the catalog") {
			unknown = append(unknown, w)
		}
	}
	if len(unknown) != 1 || !strings.Contains(unknown[0], `"b.example.test"`) {
		t.Errorf("unknown-network warnings = %q, want one, for b.example.test", unknown)
	}
}
