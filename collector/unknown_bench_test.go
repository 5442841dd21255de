package collector_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// historyOf is the demo market's history as a Source, as `imscope demo` loads it.
type historyOf struct{ s *simulate.Source }

func (h historyOf) Collect(ctx context.Context, emit collector.Emit) error {
	return h.s.History(ctx, emit)
}

// BenchmarkUnknownNetworks times the Collectors page's question about
// networks outside the catalog (queries.UnknownNetworks: network_seen,
// which the ingest's views keep, and market_reports) over the demo market (`imscope demo`: 36 months, a
// 200,000-user panel, 4.5 M rows) plus four rows naming two unknown
// networks. It reports the first call (cold) and the median of 11 after
// it, beside `SELECT 1`'s median for scale.
//
//	go test ./collector -run '^$' -bench UnknownNetworks -benchtime 1x -timeout 30m
func BenchmarkUnknownNetworks(b *testing.B) {
	ctx := context.Background()
	e := enginetest.Migrated(b, dataDir, "bench_unknown")
	sim, err := simulate.New("demo", simulate.Config{}, simulate.Options{})
	if err != nil {
		b.Fatal(err)
	}
	catalog := []imscope.Network{{ID: "qq"}, {ID: "wangwang"}, {ID: "fetion"}, {ID: "msn"}, {ID: "skype"}, {ID: "sinauc"}, {ID: "popo"}, {ID: "yahoo"}}
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{Networks: catalog}), nil, nil)
	if run := r.Run(ctx, collector.Collector{Name: "demo-history", Kind: "simulate", Timeout: 30 * time.Minute, Source: historyOf{sim}}); run.Status != "ok" {
		b.Fatalf("demo: %s %s", run.Status, run.Error)
	}
	at := time.Date(2011, 3, 1, 0, 0, 0, 0, time.UTC)
	extra := collector.Batch{
		Samples: []imscope.Sample{{TS: at, Source: "t", Network: "icq", Metric: "messages", Value: 5}, {TS: at, Source: "t", Network: "aim", Metric: "messages", Value: 7}},
		Reports: []imscope.MarketReport{{Period: "2010-Q3", PeriodStart: time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC), Publisher: "x", Basis: "users", Network: "icq", Share: 1, Bound: imscope.BoundEq}},
		Bridges: []imscope.BridgeSample{{TS: at, Source: "t", Bridge: "aim-gw", FromNetwork: "qq", ToNetwork: "aim", Messages: 1}},
	}
	if run := r.Run(ctx, collector.Collector{Name: "extra", Kind: "csv", Source: &source{batches: []collector.Batch{extra}}}); run.Stored != 4 {
		b.Fatalf("extra rows: %+v", run)
	}
	known := make([]string, len(catalog))
	for i, n := range catalog {
		known[i] = n.ID
	}
	median := func(f func() error) time.Duration {
		var ds []time.Duration
		for range 11 {
			start := time.Now()
			if err := f(); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	ask := func() error {
		got, err := queries.UnknownNetworks(ctx, e, known)
		counts := make([]string, len(got))
		for i, u := range got {
			counts[i] = fmt.Sprintf("%s %d", u.Network, u.Rows)
		}
		if err == nil && !slices.Equal(counts, []string{"aim 2", "icq 2"}) {
			b.Fatalf("UnknownNetworks = %v, want aim 2, icq 2 (most rows first, then by id)", got)
		}
		return err
	}
	for b.Loop() {
		start := time.Now()
		if err := ask(); err != nil {
			b.Fatal(err)
		}
		cold := time.Since(start)
		b.ReportMetric(float64(cold.Microseconds())/1000, "cold-ms")
		b.ReportMetric(float64(median(ask).Microseconds())/1000, "median-ms")
		b.ReportMetric(float64(median(func() error { return e.Exec(ctx, "SELECT 1") }).Microseconds())/1000, "select1-ms")
	}
}
