package openmetrics

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
	"github.com/imscope/imscope/queries/enginetest"
)

// benchDataDir is the embedded engine's data directory for this package's
// benchmarks: libchdb allows one per process.
var benchDataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &benchDataDir)) }

// scrapeInsertReps is how many parses, and how many scrapes through the whole
// pipeline, each iteration times; medians are reported.
const scrapeInsertReps = 5

// BenchmarkScrapeMapInsert is the whole collection path on the 100k-series
// benchmark exposition: HTTP from an httptest server, parse, map with
// counter state (the rules of BenchmarkScrapeMap), collector.Writer, and an
// INSERT into a migrated database on the embedded engine, with the rows
// counted back. In the same run it first times expfmt's text parser alone on
// the same body (as BenchmarkParseOnly does), and reports
// pipeline_time/parse_time: the goal is within 2× of parsing alone.
//
//	go test ./collector/openmetrics -run '^$' -bench ScrapeMapInsert -benchtime 1x -timeout 30m
func BenchmarkScrapeMapInsert(b *testing.B) {
	ctx := context.Background()
	body := benchExposition()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", textCT)
		_, _ = w.Write(body)
	}))
	defer srv.Close()

	const db = "bench_scrape_insert"
	e, err := embedded.Open(ctx, embedded.Options{DataDir: benchDataDir, Database: db})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = e.Exec(ctx, "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier(db))
		e.Close()
	}()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		b.Fatal(err)
	}

	var parse, pipeline, collect, flush []time.Duration
	var rowsPerScrape int
	for b.Loop() {
		for _, t := range []string{"usage_samples", "usage_daily", "bridge_traffic", "bridge_traffic_1m"} {
			if err := e.Exec(ctx, "TRUNCATE TABLE "+queries.QuoteIdentifier(t)); err != nil {
				b.Fatal(err)
			}
		}
		// Parsing alone, the floor.
		for range scrapeInsertReps {
			start := time.Now()
			p := expfmt.NewTextParser(model.UTF8Validation)
			fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
			if err != nil || len(fams) != 3 {
				b.Fatalf("parse: %d families, %v", len(fams), err)
			}
			parse = append(parse, time.Since(start))
		}

		// The pipeline: a fresh source (no counter state) and writer.
		now := t0
		s, err := New("bench", Config{URL: srv.URL, Rules: benchRules, MaxBodyBytes: 64 << 20}, Options{Now: func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		w := collector.NewWriter(e, collector.WriterOptions{})
		var usageRows, bridgeRows int
		var pending collector.Batch // a run's rows, stored when it ends (as collector.Runner does)
		emit := func(ctx context.Context, bt collector.Batch) error {
			if len(bt.Problems) > 0 {
				b.Fatalf("problems: %v", bt.Problems[0])
			}
			usageRows += len(bt.Samples)
			bridgeRows += len(bt.Bridges)
			rowsPerScrape = bt.Rows()
			pending.Samples = append(pending.Samples, bt.Samples...)
			pending.Bridges = append(pending.Bridges, bt.Bridges...)
			return nil
		}
		store := func() {
			o, err := w.Store(ctx, pending)
			if err != nil || o.New != pending.Rows() {
				b.Fatalf("stored %s, %v; want every row new", o, err)
			}
			pending = collector.Batch{}
			if err := w.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
		// First scrape: counter baselines (counters and histograms yield no
		// increments yet); its gauge rows are stored too.
		if err := s.Collect(ctx, emit); err != nil {
			b.Fatal(err)
		}
		store()
		for range scrapeInsertReps {
			now = now.Add(time.Minute)
			start := time.Now()
			if err := s.Collect(ctx, emit); err != nil {
				b.Fatal(err)
			}
			mid := time.Now()
			store()
			end := time.Now()
			pipeline = append(pipeline, end.Sub(start))
			collect = append(collect, mid.Sub(start))
			flush = append(flush, end.Sub(mid))
		}
		if rowsPerScrape == 0 {
			b.Fatal("the measured scrapes produced no rows")
		}
		if got := countRows(b, e, "usage_samples"); got != usageRows {
			b.Fatalf("usage_samples: counted %d rows back, emitted %d", got, usageRows)
		}
		if got := countRows(b, e, "bridge_traffic"); got != bridgeRows {
			b.Fatalf("bridge_traffic: counted %d rows back, emitted %d", got, bridgeRows)
		}
	}
	pt, pp := median(parse), median(pipeline)
	b.ReportMetric(float64(benchSeries)/pp.Seconds(), "samples/s")
	b.ReportMetric(float64(benchSeries)/pt.Seconds(), "parse_samples/s")
	b.ReportMetric(pp.Seconds()/pt.Seconds(), "pipeline/parse")
	b.ReportMetric(float64(pt.Milliseconds()), "parse_ms")
	b.ReportMetric(float64(pp.Milliseconds()), "pipeline_ms")
	b.ReportMetric(float64(median(collect).Milliseconds()), "collect_ms")
	b.ReportMetric(float64(median(flush).Milliseconds()), "insert_ms")
	b.ReportMetric(float64(rowsPerScrape), "rows/scrape")
}

func countRows(b *testing.B, e queries.Engine, table string) int {
	b.Helper()
	rows, err := e.Query(context.Background(), "SELECT count() FROM "+queries.QuoteIdentifier(table))
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var n uint64
	if !rows.Next() {
		b.Fatalf("count %s: no row (%v)", table, rows.Err())
	}
	if err := rows.Scan(&n); err != nil {
		b.Fatal(err)
	}
	return int(n)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
