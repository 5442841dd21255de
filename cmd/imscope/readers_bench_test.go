package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/csvimport"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
)

// BenchmarkReadersDuringBackgroundWork measures what background work costs
// the dashboard's readers on the embedded engine (issue 12): the latency of
// the uncached /api/v1/share, asked over loopback at a steady rate
// (IMSCOPE_READERS_RATE a second, default 10, each request on its own so a
// slow answer does not slow the asking), (i) alone, (ii) while the demo
// market loads (simulate.LoadHistory through collector.Runner, what
// `serve --demo` does on its first start) and (iii) while a panel CSV of
// IMSCOPE_READERS_ROWS rows (default 10 M; BenchmarkPanelImportInsert's
// distinct-row file) is imported through collector.Runner, as `imscope
// import` does; and the import's rate with those readers against its rate
// with none (the same file into a fresh database of the same engine, run
// first). Everything runs in this process: one engine, the real dashboard
// handler (dashboard.New, API cache off) on a loopback listener, real HTTP.
//
//	go test ./cmd/imscope -run '^$' -bench ReadersDuringBackgroundWork -benchtime 1x -timeout 60m
//
// It reports p50, p99 and max per phase (alone_p50_ms, demo_p99_ms,
// import_max_ms …), the import rates and their ratio (import_ratio; goal
// ≥ 0.8), and prints the table BENCHMARKS.md shows. IMSCOPE_READERS_SLOW=1
// logs every statement that held the engine 250 ms or more.
func BenchmarkReadersDuringBackgroundWork(b *testing.B) {
	ctx := context.Background()
	rows := envInt("IMSCOPE_READERS_ROWS", 10_000_000)
	rate := envInt("IMSCOPE_READERS_RATE", 10)
	alone := envDuration("IMSCOPE_READERS_ALONE", 20*time.Second)
	lib, data := projectLibrary(b), b.TempDir()
	csvPath := filepath.Join(b.TempDir(), "panel.csv")
	genReadersPanel(b, csvPath, rows)

	for b.Loop() {
		db := "readers_" + strconv.FormatInt(time.Now().UnixNano(), 36)
		e := openReadersEngine(b, lib, data, db)
		url := serveReaders(b, e)
		runner := readersRunner(e)

		// The import's rate with no reader, into a database of its own.
		base := openReadersEngine(b, lib, data, db+"_base")
		baseRate := importPanel(b, readersRunner(base), csvPath, rows)
		_ = base.Close()

		var phases []readerPhase
		phases = append(phases, askWhile(b, url, rate, "demo loads", func() {
			run, err := simulate.LoadHistory(ctx, runner, simulate.Config{}, slog.New(slog.DiscardHandler))
			if err != nil || run.Status != "ok" {
				b.Fatalf("demo load: %v %s %s", err, run.Status, run.Error)
			}
		}))
		phases = append(phases, askWhile(b, url, rate, "alone", func() { time.Sleep(alone) }))
		var rate2 float64
		phases = append(phases, askWhile(b, url, rate, "panel import", func() { rate2 = importPanel(b, runner, csvPath, rows) }))

		fmt.Printf("| /api/v1/share (cache off, %d/s) | requests | p50 | p99 | max | work took |\n", rate)
		fmt.Println("| --- | --- | --- | --- | --- | --- |")
		for _, p := range phases {
			fmt.Printf("| %s | %d | %s | %s | %s | %s |\n", p.name, len(p.latencies), ms(p.p(0.5)), ms(p.p(0.99)), ms(p.p(1)), p.took.Round(100*time.Millisecond))
			name := map[string]string{"alone": "alone", "demo loads": "demo", "panel import": "import"}[p.name]
			b.ReportMetric(msf(p.p(0.5)), name+"_p50_ms")
			b.ReportMetric(msf(p.p(0.99)), name+"_p99_ms")
			b.ReportMetric(msf(p.p(1)), name+"_max_ms")
		}
		fmt.Printf("panel import: %.0f rows/s alone, %.0f rows/s with readers: %.2f×\n", baseRate, rate2, rate2/baseRate)
		b.ReportMetric(baseRate, "import_alone_rows/s")
		b.ReportMetric(rate2, "import_readers_rows/s")
		b.ReportMetric(rate2/baseRate, "import_ratio")
		_ = e.Close()
	}
}

type readerPhase struct {
	name      string
	latencies []time.Duration // sorted
	took      time.Duration
}

// p is the q-quantile of the latencies (nearest rank).
func (p readerPhase) p(q float64) time.Duration {
	if len(p.latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(p.latencies))+0.5) - 1
	return p.latencies[min(max(i, 0), len(p.latencies)-1)]
}

func ms(d time.Duration) string { return strconv.FormatFloat(msf(d), 'f', 1, 64) + " ms" }
func msf(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func openReadersEngine(b *testing.B, lib, data, db string) queries.Engine {
	b.Helper()
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("IMSCOPE_READERS_SLOW") != "" { // the statements that held the engine long
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e, err := embedded.Open(context.Background(), embedded.Options{DataDir: data, Library: lib, Database: db, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := queries.Migrate(context.Background(), e, queries.Schema(), nil); err != nil {
		b.Fatal(err)
	}
	return e
}

// serveReaders serves the dashboard over e on loopback, API cache off.
func serveReaders(b *testing.B, e queries.Engine) string {
	b.Helper()
	h, err := dashboard.New(dashboard.Options{Options: api.Options{
		Engine: e, Networks: defaultConfig().NetworkCatalog(), Version: "bench", CacheTTL: -1,
		Logger: slog.New(slog.DiscardHandler),
	}})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

func readersRunner(e queries.Engine) *collector.Runner {
	m := collector.NewMetrics(prometheus.NewRegistry())
	w := collector.NewWriter(e, collector.WriterOptions{Metrics: m})
	return collector.NewRunner(e, w, nil, m)
}

// importPanel imports the panel CSV as one run and returns its rate.
func importPanel(b *testing.B, r *collector.Runner, path string, rows int) float64 {
	b.Helper()
	getenv := func(name string) string {
		if name == csvimport.DefaultPanelKeyEnv {
			return "bench-panel-key-0123456789abcdef"
		}
		return ""
	}
	src, err := csvimport.New("bench", csvimport.Config{Kind: csvimport.KindPanel, Path: path}, csvimport.Options{Getenv: getenv})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	run := r.Run(context.Background(), collector.Collector{Name: "bench-panel", Kind: "csv", Target: "panel.csv", Timeout: time.Hour, Source: src})
	took := time.Since(start)
	if run.Status != "ok" || run.Outcome.New != rows {
		b.Fatalf("panel import: %s, %s (%s)", run.Status, run.Outcome, run.Error)
	}
	return float64(rows) / took.Seconds()
}

// askWhile asks url/api/v1/share rate times a second while work runs, and
// returns the latencies of the answers (each must be a 200).
func askWhile(b *testing.B, url string, rate int, name string, work func()) readerPhase {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: time.Minute}
	stop := make(chan struct{})
	var mu sync.Mutex
	var lat []time.Duration
	var bad []string
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second / time.Duration(rate))
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				resp, err := client.Get(url + "/api/v1/share")
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(start)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					bad = append(bad, err.Error())
				case resp.StatusCode != http.StatusOK:
					bad = append(bad, resp.Status)
				default:
					lat = append(lat, d)
				}
			}()
		}
	}()
	start := time.Now()
	work()
	took := time.Since(start)
	close(stop)
	wg.Wait()
	if len(bad) > 0 {
		b.Fatalf("%s: %d answers failed, first: %s", name, len(bad), bad[0])
	}
	slices.Sort(lat)
	return readerPhase{name: name, latencies: lat, took: took}
}

// genReadersPanel writes BenchmarkPanelImportInsert's file
// (collector/csvimport: genDistinctPanel): n distinct rows over 12 monthly
// periods of 2010, 10 networks, 3 segments.
func genReadersPanel(b *testing.B, path string, n int) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("period,user_id,network,segment,active_days,messages\n")
	nets := []string{"qq", "wangwang", "fetion", "msn", "skype", "sinauc", "popo", "yahoo", "matrix.org", "jabber.org"}
	segs := []string{"", "students", "office"}
	for i := range n {
		fmt.Fprintf(w, "2010-%02d,user-%08d@example.org,%s,%s,%d,%d\n", i%12+1, i/12, nets[(i/12)%len(nets)], segs[i%len(segs)], i%28, i%5000)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
}
