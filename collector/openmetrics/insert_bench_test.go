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
	"github.com/imscope/imscope/collector/openmetrics/exposition"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// benchDataDir is the embedded engine's data directory for this package's
// benchmarks: libchdb allows one per process.
var benchDataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &benchDataDir)) }

// scrapeInsertReps is how many parses, scrapes through the whole pipeline
// and baseline inserts each iteration times; medians are reported.
const scrapeInsertReps = 5

// BenchmarkScrapeMapInsert is the whole collection path on the 100k-series
// benchmark exposition: HTTP from an httptest server, parse, map with
// counter state (the rules of BenchmarkScrapeMap), collector.Writer storing
// by key, and the run's end (Flush), into a migrated database on the
// embedded engine, with the rows counted back. In the same run it times,
// as baselines: the exposition parser alone on the same body (parse_ms, the
// floor), expfmt's text parser alone (expfmt_parse_ms, what imscope parsed
// with before), and the engine's own insert of the same rows a scrape
// stores (engine_insert_ms: Insert and Send into usage_samples and
// bridge_traffic, no lookups). Goal: samples/s ≥ 1 M.
//
//	scripts/bench-median.sh 3 go test ./collector/openmetrics -run '^$' -bench ScrapeMapInsert -benchtime 1x -timeout 30m
func BenchmarkScrapeMapInsert(b *testing.B) {
	ctx := context.Background()
	body := benchExposition()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", textCT)
		_, _ = w.Write(body)
	}))
	defer srv.Close()

	const db = "bench_scrape_insert"
	e := enginetest.Migrated(b, benchDataDir, db)

	var oldParse, parse, pipeline, collect, flush, engineInsert []time.Duration
	var rowsPerScrape int
	p := exposition.NewParser()
	samples, err := expfmtSamples(body, exposition.Text) // a few more than benchSeries: whole histograms
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, t := range []string{"usage_samples", "usage_daily", "bridge_traffic", "bridge_traffic_1m"} {
			if err := e.Exec(ctx, "TRUNCATE TABLE "+queries.QuoteIdentifier(t)); err != nil {
				b.Fatal(err)
			}
		}
		// Parsing alone: the floor, and what it was with expfmt.
		for range scrapeInsertReps {
			start := time.Now()
			pp := expfmt.NewTextParser(model.UTF8Validation)
			fams, err := pp.TextToMetricFamilies(bytes.NewReader(body))
			if err != nil || len(fams) != 3 {
				b.Fatalf("parse: %d families, %v", len(fams), err)
			}
			oldParse = append(oldParse, time.Since(start))
			start = time.Now()
			if n := parseSamples(b, p, body, exposition.Text, false); n != samples {
				b.Fatalf("parsed %d samples, expfmt %d", n, samples)
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
		var pending, last collector.Batch // a run's rows, stored when it ends (as collector.Runner does)
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
			last, pending = pending, collector.Batch{}
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

		// The engine's own insert of a scrape's rows, a day later each time.
		for i := range scrapeInsertReps {
			start := time.Now()
			engineInsertRows(b, e, last, time.Duration(i+1)*24*time.Hour)
			engineInsert = append(engineInsert, time.Since(start))
		}
	}
	pp, pt := median(pipeline), median(parse)
	ei := median(engineInsert)
	b.ReportMetric(float64(benchSeries)/pp.Seconds(), "samples/s")
	b.ReportMetric(float64(benchSeries)/pt.Seconds(), "parse_samples/s")
	b.ReportMetric(pp.Seconds()/pt.Seconds(), "pipeline/parse")
	b.ReportMetric(float64(pt.Milliseconds()), "parse_ms")
	b.ReportMetric(float64(median(oldParse).Milliseconds()), "expfmt_parse_ms")
	b.ReportMetric(float64(pp.Milliseconds()), "pipeline_ms")
	b.ReportMetric(float64(median(collect).Milliseconds()), "collect_ms")
	b.ReportMetric(float64(median(flush).Milliseconds()), "insert_ms")
	b.ReportMetric(float64(ei.Milliseconds()), "engine_insert_ms")
	b.ReportMetric(float64(benchSeries)/ei.Seconds(), "engine_insert_cap_samples/s")
	b.ReportMetric(float64(rowsPerScrape), "rows/scrape")
}

// engineInsertRows inserts bt's rows, moved by shift, straight into their
// tables with the engine's Insert: what storing costs without the lookups
// that store by key.
func engineInsertRows(b *testing.B, e queries.Engine, bt collector.Batch, shift time.Duration) {
	b.Helper()
	ctx := context.Background()
	u, err := e.Insert(ctx, "usage_samples", "ts", "source", "network", "metric", "segment", "value")
	if err != nil {
		b.Fatal(err)
	}
	defer u.Close()
	for _, s := range bt.Samples {
		if err := u.Append(s.TS.Add(shift), s.Source, s.Network, s.Metric, s.Segment, s.Value); err != nil {
			b.Fatal(err)
		}
	}
	if err := u.Send(); err != nil {
		b.Fatal(err)
	}
	t, err := e.Insert(ctx, "bridge_traffic", "ts", "source", "bridge", "from_network", "to_network", "messages", "failures", "bytes", "latency", "latency_sum")
	if err != nil {
		b.Fatal(err)
	}
	defer t.Close()
	for _, r := range bt.Bridges {
		lat := r.Latency
		if lat == nil {
			lat = map[uint64]uint64{}
		}
		if err := t.Append(r.TS.Add(shift), r.Source, r.Bridge, r.FromNetwork, r.ToNetwork, r.Messages, r.Failures, r.Bytes, lat, r.LatencySum); err != nil {
			b.Fatal(err)
		}
	}
	if err := t.Send(); err != nil {
		b.Fatal(err)
	}
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
