package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/pages"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
	"github.com/imscope/imscope/queries/enginetest"
)

// BenchmarkReportRender times a full report (every section, 2012-Q4,
// Asia/Shanghai) over the whole demo market (`imscope demo`: 36 months, a
// 200,000-user panel, 4.5 M rows), then over the same database with
// 100 M more usage rows, with the caches off. Baseline, in the same run:
// asking the API every question the report asks (as the report does,
// uncached), so the ratio is what drawing, writing and zipping add. The
// PDF (headless Chromium) is timed apart. Peak RSS is the process's VmHWM,
// reset before each phase; it includes libchdb.
//
//	go test ./dashboard/report -run '^$' -bench ReportRender -benchtime 1x -timeout 60m
func BenchmarkReportRender(b *testing.B) {
	ctx := context.Background()
	e, err := embedded.Open(ctx, embedded.Options{DataDir: dashtest.DataDir(), Database: "bench_report"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier("bench_report"))
	})
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		b.Fatal(err)
	}
	sim, err := simulate.New("demo", simulate.Config{}, simulate.Options{})
	if err != nil {
		b.Fatal(err)
	}
	runner := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	if run := runner.Run(ctx, collector.Collector{Name: "demo-history", Kind: "simulate", Target: "demo market", Timeout: 30 * time.Minute, Source: dashtest.History{Sim: sim}}); run.Status != "ok" {
		b.Fatalf("demo: %s %s", run.Status, run.Error)
	}
	chromium, _ := exec.LookPath("chromium")
	opts := api.Options{Engine: e, CacheTTL: -1, Now: func() time.Time { return time.Date(2013, 1, 2, 1, 0, 0, 0, time.UTC) }, Networks: benchCatalog}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	def := Definition{Name: "bench", Location: loc, Granularity: imscope.Quarter, Sections: Sections, Language: pages.LangEN}
	p, err := ParsePeriod("2012-Q4", loc)
	if err != nil {
		b.Fatal(err)
	}
	phase := func(name string, f func() error) (time.Duration, int64) {
		resetPeak()
		start := time.Now()
		if err := f(); err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		return time.Since(start), peakKiB()
	}
	for b.Loop() {
		fmt.Println("| data | ask the report's questions (baseline) | HTML + CSV | ratio | peak RSS | PDF (Chromium) | HTML | ZIP | PDF pages |")
		fmt.Println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
		for _, size := range []string{"demo (4.5 M rows)", "demo + 100 M usage rows"} {
			if size != "demo (4.5 M rows)" {
				start := time.Now()
				if err := enginetest.GenerateUsage(ctx, e, 100_000_000); err != nil {
					b.Fatal(err)
				}
				b.Logf("generated 100 M usage rows in %s", time.Since(start).Round(time.Second))
			}
			r, err := NewPageRenderer(opts, "")
			if err != nil {
				b.Fatal(err)
			}
			var out *Output
			render, rss := phase("render", func() (err error) { out, err = r.Render(ctx, def, p); return err })
			// The baseline: the same questions, asked again, nothing drawn.
			ask, _ := phase("ask", func() error { return askAll(ctx, r.api, out) })
			var pdfTime time.Duration
			pdfPageCount := "–"
			if chromium != "" {
				withPDF, err := NewPageRenderer(opts, chromium)
				if err != nil {
					b.Fatal(err)
				}
				var o *Output
				total, _ := phase("pdf", func() (err error) { o, err = withPDF.Render(ctx, def, p); return err })
				pdfTime = total - render
				pdfPageCount = pdfPages(o.PDF)
			}
			fmt.Printf("| %s | %s | %s | %.2f | %d MiB | +%s | %d KiB | %d KiB | %s |\n", size, ask.Round(time.Millisecond), render.Round(time.Millisecond),
				float64(render)/float64(ask), rss/1024, pdfTime.Round(100*time.Millisecond), len(out.HTML)/1024, len(out.ZIP)/1024, pdfPageCount)
			b.ReportMetric(render.Seconds(), "render_s_"+strconv.Itoa(len(size)))
		}
	}
}

var benchCatalog = []imscope.Network{
	{ID: "qq", Names: map[string]string{"en": "Tencent QQ"}, Color: "#12b7f5"},
	{ID: "fetion", Names: map[string]string{"en": "Fetion"}, Color: "#6cbf3b"},
	{ID: "msn", Names: map[string]string{"en": "MSN Messenger"}, Color: "#00a39e"},
}

// askAll asks every question the report's ZIP holds, as the API would.
func askAll(ctx context.Context, a *api.API, out *Output) error {
	m, err := readManifest(out.ZIP)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		v := url.Values{}
		for k, s := range f.Query {
			if s != "" {
				v.Set(k, s)
			}
		}
		key := f.Endpoint + "?" + v.Encode()
		if seen[key] {
			continue
		}
		seen[key] = true
		if _, _, err := a.Ask(ctx, f.Endpoint[len(respond.APIPrefix):], v); err != nil {
			return err
		}
	}
	return nil
}

func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakKiB is VmHWM.
func peakKiB() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			n, _ := strconv.ParseInt(string(bytes.Fields(rest)[0]), 10, 64)
			return n
		}
	}
	return 0
}

func pdfPages(pdf []byte) string {
	f, err := os.CreateTemp("", "bench-*.pdf")
	if err != nil {
		return "?"
	}
	defer os.Remove(f.Name())
	_, _ = f.Write(pdf)
	f.Close()
	out, err := exec.Command("pdfinfo", f.Name()).Output()
	if err != nil {
		return "?"
	}
	for line := range bytes.SplitSeq(out, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("Pages:")); ok {
			return string(bytes.TrimSpace(rest))
		}
	}
	return "?"
}

// readManifest reads manifest.json from a report's ZIP.
func readManifest(z []byte) (manifest, error) {
	var m manifest
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		return m, err
	}
	f, err := zr.Open("manifest.json")
	if err != nil {
		return m, err
	}
	defer f.Close()
	return m, json.NewDecoder(f).Decode(&m)
}
