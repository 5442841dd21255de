package collector_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries"
)

// testCatalog is a network catalog of three networks.
var testCatalog = []imscope.Network{{ID: "qq"}, {ID: "msn"}, {ID: "fetion"}}

// unknownCounts reads imscope_rows_unknown_network_total from reg, by label.
func unknownCounts(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "imscope_rows_unknown_network_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			out[labelOf(m, "network")] = m.GetCounter().GetValue()
		}
	}
	return out
}

func labelOf(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// unknownBatches are a file's rows in two batches: icq in both and in
// every table that names networks, aim at one end of a bridge, and a
// bridge with icq at both ends (one row naming it).
func unknownBatches() []collector.Batch {
	at := time.Date(2011, 6, 1, 0, 0, 0, 0, time.UTC)
	first := collector.Batch{
		Where: "usage.csv", Lines: []int{2, 3, 4, 5, 6},
		Samples: []imscope.Sample{
			{TS: at, Source: "t", Network: "qq", Metric: "messages", Value: 1},
			{TS: at, Source: "t", Network: "icq", Metric: "messages", Value: 2},
			{TS: at.Add(time.Minute), Source: "t", Network: "icq", Metric: "messages", Value: 3},
		},
		Bridges: []imscope.BridgeSample{
			{TS: at, Source: "t", Bridge: "aim-gw", FromNetwork: "fetion", ToNetwork: "aim", Messages: 5},
			{TS: at, Source: "t", Bridge: "icq-loop", FromNetwork: "icq", ToNetwork: "icq", Messages: 1},
		},
	}
	second := collector.Batch{
		Where: "usage.csv", Lines: []int{7, 8},
		Panel:   []imscope.PanelRecord{{Period: time.Date(2011, 4, 1, 0, 0, 0, 0, time.UTC), UserKey: 1, Network: "icq", ActiveDays: 3, Messages: 9}},
		Reports: []imscope.MarketReport{{Period: "2011-Q2", PeriodStart: time.Date(2011, 4, 1, 0, 0, 0, 0, time.UTC), Publisher: "p", Basis: "users", Network: "icq", Share: 1, Bound: imscope.BoundEq}},
	}
	return []collector.Batch{first, second}
}

// TestUnknownNetworksLandAndAreFlagged: rows naming networks outside the
// catalog are stored under their raw ids; the run warns once per id at the
// first row naming it (not partial); /metrics counts the rows stored per
// id, and not again when a later run finds them stored; the stored data
// lists the ids with their rows.
func TestUnknownNetworksLandAndAreFlagged(t *testing.T) {
	e := openEngine(t, "unknown_networks")
	reg := prometheus.NewRegistry()
	m := collector.NewMetrics(reg)
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{Metrics: m, Networks: testCatalog}), nil, m)
	ctx := context.Background()
	c := collector.Collector{Name: "import", Kind: "csv", Target: "usage.csv", Source: &source{batches: unknownBatches()}}

	wantWarnings := []string{
		`usage.csv:3: warning: network "icq" is not in the catalog: its rows are kept under that id and counted as unknown (add it to the config's networks to name it)`,
		`usage.csv:5: warning: network "aim" is not in the catalog: its rows are kept under that id and counted as unknown (add it to the config's networks to name it)`,
	}
	wantCounts := map[string]float64{"icq": 5, "aim": 1} // icq: 2 samples, 1 bridge, 1 panel row, 1 share
	for i, stored := range []uint64{7, 0} {              // the second run finds every row stored
		run := r.Run(ctx, c)
		if run.Status != "ok" || run.Stored != stored || run.Notices != 2 || !slices.Equal(run.Warnings, wantWarnings) {
			t.Fatalf("run %d: status %s, %d stored, %d warnings %q; want ok, %d stored, warnings %q", i+1, run.Status, run.Stored, run.Notices, run.Warnings, stored, wantWarnings)
		}
		if got := unknownCounts(t, reg); !maps.Equal(got, wantCounts) {
			t.Fatalf("after run %d: imscope_rows_unknown_network_total %v, want %v (rows stored, each once)", i+1, got, wantCounts)
		}
	}
	if n := count(t, e, "SELECT count() FROM usage_samples WHERE network = 'icq'"); n != 2 {
		t.Fatalf("%d usage rows under icq, want 2: rows naming unknown networks land", n)
	}
	got, err := queries.UnknownNetworks(ctx, e, []string{"qq", "msn", "fetion"})
	if err != nil {
		t.Fatal(err)
	}
	// Rows, and who sent them: the rows' source, the publisher for a
	// published share (the panel row names no source).
	var brief []string
	for _, u := range got {
		brief = append(brief, fmt.Sprintf("%s %d %q", u.Network, u.Rows, u.Sources))
		if u.FirstSeen.IsZero() || u.LastSeen.Before(u.FirstSeen) {
			t.Errorf("%s: first seen %s, last seen %s", u.Network, u.FirstSeen, u.LastSeen)
		}
	}
	if want := []string{`icq 5 ["publisher:p" "t"]`, `aim 1 ["t"]`}; !slices.Equal(brief, want) {
		t.Fatalf("UnknownNetworks = %q, want %q", brief, want)
	}
	if got, err := queries.UnknownNetworks(ctx, e, nil); err != nil || got != nil {
		t.Fatalf("UnknownNetworks without a catalog = %v, %v; want nothing", got, err)
	}
}

// TestNoCatalogFlagsNothing: a writer given no catalog (tests, tools)
// stores the same rows and flags none.
func TestNoCatalogFlagsNothing(t *testing.T) {
	e := openEngine(t, "unknown_no_catalog")
	reg := prometheus.NewRegistry()
	m := collector.NewMetrics(reg)
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{Metrics: m}), nil, m)
	run := r.Run(context.Background(), collector.Collector{Name: "import", Kind: "csv", Source: &source{batches: unknownBatches()}})
	if run.Status != "ok" || run.Stored != 7 || run.Notices != 0 {
		t.Fatalf("run %+v; want ok, 7 stored, no warnings", run)
	}
	if got := unknownCounts(t, reg); len(got) != 0 {
		t.Fatalf("imscope_rows_unknown_network_total %v without a catalog, want nothing", got)
	}
}

// TestUnknownNetworkLabelsBounded: ids come from the data, so the metric
// labels the first 50 and counts the rest under "_other_"; the run still
// warns about each, and the stored data lists each.
func TestUnknownNetworkLabelsBounded(t *testing.T) {
	e := openEngine(t, "unknown_bounded")
	reg := prometheus.NewRegistry()
	m := collector.NewMetrics(reg)
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{Metrics: m, Networks: testCatalog}), nil, m)
	var b collector.Batch
	at := time.Date(2011, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range 60 {
		b.Samples = append(b.Samples, imscope.Sample{TS: at, Source: "t", Network: fmt.Sprintf("net%02d", i), Metric: "messages", Value: 1})
	}
	run := r.Run(context.Background(), collector.Collector{Name: "feed", Kind: "json", Source: &source{batches: []collector.Batch{b}}})
	if run.Status != "ok" || run.Notices != 60 {
		t.Fatalf("run: %s, %d warnings; want ok and one warning per id (60)", run.Status, run.Notices)
	}
	got := unknownCounts(t, reg)
	if len(got) != 51 || got["net00"] != 1 || got["net49"] != 1 || got["net50"] != 0 || got["_other_"] != 10 {
		t.Fatalf("%d labels %v; want net00…net49 and _other_ = 10", len(got), got)
	}
	if all, err := queries.UnknownNetworks(context.Background(), e, []string{"qq", "msn", "fetion"}); err != nil || len(all) != 60 {
		t.Fatalf("UnknownNetworks: %d ids, %v; want all 60", len(all), err)
	}
	if !strings.HasPrefix(run.Warnings[0], `warning: network "net00" is not in the catalog`) {
		t.Fatalf("first warning %q: a batch without a file names no place", run.Warnings[0])
	}
}
