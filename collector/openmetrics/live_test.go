package openmetrics

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/openmetrics/exposition"
	"github.com/imscope/imscope/queries/enginetest"
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

// liveRuns is how many scheduled runs BenchmarkProsodyLive times per
// iteration; medians are reported.
const liveRuns = 21

// BenchmarkProsodyLive is a scheduled scrape of a real Prosody (started as
// TestProsodyLive starts it, with a client logged in), run as `imscope
// serve` runs it: collector.Runner, the prosody preset, a Writer into a
// migrated database on the embedded engine. It reports the median run time
// (run_ms: what serve's "collector run" log line says, from the scrape to the
// rows stored), and of its parts the scrape alone (scrape_ms: HTTP, parse,
// map) — beside, in the same run, expfmt's OpenMetrics parser alone on the
// same body (expfmt_parse_ms, what a scrape spent parsing before) and the
// engine's own insert of the rows a run stores (engine_insert_ms). Goal:
// run_ms ≤ 20. Skipped when Prosody is not installed.
//
//	scripts/bench-median.sh 3 go test ./collector/openmetrics -run '^$' -bench ProsodyLive -benchtime 1x
func BenchmarkProsodyLive(b *testing.B) {
	ctx := context.Background()
	p := startProsody(b)
	p.login(b)
	const db = "bench_prosody_live"
	e := enginetest.Migrated(b, benchDataDir, db)
	s, err := New("prosody", Config{URL: p.metricsURL, Preset: "prosody"}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	src := &lastBatch{Source: s}
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	c := collector.Collector{Name: "prosody", Kind: "openmetrics", Target: p.metricsURL, Schedule: "@every 1m", Source: src}
	r.Run(ctx, c) // the first run primes the counters

	var runs, scrapes, oldParse, engineInsert []time.Duration
	shift := time.Duration(0)
	for b.Loop() {
		for range liveRuns {
			run := r.Run(ctx, c)
			if run.Status != "ok" {
				b.Fatalf("run %s: %s", run.Status, run.Error)
			}
			runs = append(runs, run.Duration)

			start := time.Now()
			if err := s.Collect(ctx, func(context.Context, collector.Batch) error { return nil }); err != nil {
				b.Fatal(err)
			}
			scrapes = append(scrapes, time.Since(start))

			ct, body := p.scrapeRaw(b)
			if format, _ := formatOf(ct); format != exposition.OpenMetrics {
				b.Fatalf("Prosody answered %s, not OpenMetrics", ct)
			}
			start = time.Now()
			if _, err := expfmtSamples(body, exposition.OpenMetrics); err != nil {
				b.Fatal(err)
			}
			oldParse = append(oldParse, time.Since(start))

			shift += 24 * time.Hour
			start = time.Now()
			engineInsertRows(b, e, src.last, shift)
			engineInsert = append(engineInsert, time.Since(start))
		}
	}
	b.ReportMetric(float64(median(runs).Microseconds())/1000, "run_ms")
	b.ReportMetric(float64(median(scrapes).Microseconds())/1000, "scrape_ms")
	b.ReportMetric(float64(median(oldParse).Microseconds())/1000, "expfmt_parse_ms")
	b.ReportMetric(float64(median(engineInsert).Microseconds())/1000, "engine_insert_ms")
	b.ReportMetric(float64(src.last.Rows()), "rows/run")
}

// lastBatch is a Source that keeps the last batch it emitted.
type lastBatch struct {
	collector.Source
	last collector.Batch
}

func (l *lastBatch) Collect(ctx context.Context, emit collector.Emit) error {
	return l.Source.Collect(ctx, func(ctx context.Context, b collector.Batch) error {
		l.last = b
		return emit(ctx, b)
	})
}
