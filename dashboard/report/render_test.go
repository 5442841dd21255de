package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/pages"
)

// renderDemo renders a full report of 2012-Q2 over the demo fixture, in
// Shanghai time, with a title that tries to be markup.
func renderDemo(t *testing.T, lang, chromium string) (*Output, Definition, Periods) {
	t.Helper()
	r, err := NewPageRenderer(dashtest.Options(t).Options, chromium)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	def := Definition{Name: "quarterly", Title: "Quarterly <b>report</b>", Location: loc, Granularity: imscope.Quarter, Sections: Sections, Language: lang}
	p, err := ParsePeriod("2012-Q2", loc)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(context.Background(), def, p)
	if err != nil {
		t.Fatal(err)
	}
	return out, def, p
}

var (
	sectionRE = regexp.MustCompile(`<section class="report-section" id="section-([a-z]+)"`)
	factsRE   = regexp.MustCompile(`(?s)<script type="application/json" id="report-facts">(.*?)</script>`)
)

func chromiumForTest(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("Chromium is not installed: `make test` installs Debian's chromium package")
	}
	return p
}

// TestReport: the report over the demo data has every section in order
// with its charts, a summary whose numbers are the API's, a ZIP whose
// CSVs are the API's CSVs byte for byte, and a PDF with a page per
// section; data that tries to be markup stays text.
func TestReport(t *testing.T) {
	out, def, p := renderDemo(t, pages.LangEN, chromiumForTest(t))
	html := string(out.HTML)
	reportSections(t, html, def)

	// The summary's numbers are the API's for the same questions.
	h := dashtest.Server(t, nil)
	reportFactsAreTheAPIs(t, h, html, out, p)

	// The ZIP holds the API's own CSV for each question in its manifest.
	reportZIPIsTheAPIs(t, h, out, def)

	// The PDF: a page per section at least, their titles in the text.
	reportPDF(t, out, def)
}

// reportSections: every section in order with its charts; data that tries
// to be markup stays text.
func reportSections(t *testing.T, html string, def Definition) {
	t.Helper()
	var got []string
	for _, m := range sectionRE.FindAllStringSubmatch(html, -1) {
		got = append(got, m[1])
	}
	var want []string
	for _, s := range def.Sections {
		want = append(want, string(s))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("sections %v, want %v", got, want)
	}
	for _, id := range []string{"share-trend", "share-latest", "concentration", "sankey", "overlap", "reachability", "bridge-graph", "route-rate"} {
		if !strings.Contains(html, `data-chart="`+id+`-option"`) {
			t.Errorf("no chart %s", id)
		}
	}
	for _, bad := range []string{"<b>report</b>", "<script>alert(1)", "<img src=x", `src="http`, `href="/`, `href="http`} {
		if strings.Contains(html, bad) {
			t.Errorf("the report contains %q", bad)
		}
	}
	if !strings.Contains(html, "Quarterly &lt;b&gt;report&lt;/b&gt;") || !strings.Contains(html, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("hostile text is not shown as text")
	}
}

// reportFactsAreTheAPIs: the summary states the API's numbers.
func reportFactsAreTheAPIs(t *testing.T, h http.Handler, html string, out *Output, p Periods) {
	t.Helper()
	var facts reportFacts
	if m := factsRE.FindStringSubmatch(html); m == nil || json.Unmarshal([]byte(m[1]), &facts) != nil {
		t.Fatalf("no facts block: %v", m)
	}
	_, share := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/share?from=2009-07-01&to=2012-07-01&granularity=quarter"))
	periods := dashtest.Objs(t, share, "periods")
	lead := dashtest.Objs(t, periods[len(periods)-1], "shares")[0]
	if facts.Leader != lead["network"] || facts.LeaderShare == nil || *facts.LeaderShare != lead["share"] || facts.SharePeriod != "2012-Q2" {
		t.Errorf("leader %q %v in %s, API %v %v", facts.Leader, facts.LeaderShare, facts.SharePeriod, lead["network"], lead["share"])
	}
	_, conc := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/concentration?from=2009-07-01&to=2012-07-01&granularity=quarter"))
	cp := dashtest.Objs(t, conc, "periods")
	if last := cp[len(cp)-1]; facts.HHI == nil || *facts.HHI != last["hhi"] || facts.Band2010 != last["band_2010"] {
		t.Errorf("HHI %v %s, API %v %v", facts.HHI, facts.Band2010, last["hhi"], last["band_2010"])
	}
	_, br := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/bridges?"+url.Values{"from": {p.Current.From.UTC().Format(time.RFC3339)}, "to": {p.Current.To.UTC().Format(time.RFC3339)}}.Encode()))
	var pair float64
	for _, r := range dashtest.Objs(t, br, "routes") {
		if a, b := r["from_network"].(string), r["to_network"].(string); facts.TopRoute != nil && min(a, b) == facts.TopRoute.From && max(a, b) == facts.TopRoute.To {
			pair += r["messages"].(float64)
		}
	}
	if facts.TopRoute == nil || float64(facts.TopRoute.Messages) != pair || float64(*facts.BridgeMessages) != br["messages"] {
		t.Errorf("top route %+v, API pair %v of %v", facts.TopRoute, pair, br["messages"])
	}
	for _, s := range []string{pages.FormatPct(*facts.LeaderShare), pages.FormatNum(*facts.HHI), pages.FormatCount(facts.TopRoute.Messages)} {
		if !strings.Contains(out.Summary, s) || !strings.Contains(html, s) {
			t.Errorf("the summary does not state %s: %s", s, out.Summary)
		}
	}
	if out.Data == nil {
		t.Error("no facts for webhooks")
	}
}

// reportZIPIsTheAPIs: each CSV of the ZIP is the API's CSV for its question.
func reportZIPIsTheAPIs(t *testing.T, h http.Handler, out *Output, def Definition) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(out.ZIP), int64(len(out.ZIP)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var m manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	if len(m.Files) < 15 || len(files) != len(m.Files)+1 || m.Period != "2012-Q2" {
		t.Fatalf("%d files, manifest lists %d, period %q", len(files), len(m.Files), m.Period)
	}
	sections := map[string]bool{}
	for _, e := range m.Files {
		sections[e.Section] = true
		v := url.Values{}
		for k, s := range e.Query {
			if s != "" {
				v.Set(k, s)
			}
		}
		v.Set("format", "csv")
		v.Set("table", e.Table)
		w := dashtest.Get(t, h, e.Endpoint+"?"+v.Encode())
		if !bytes.Equal(w.Body.Bytes(), files[e.File]) {
			t.Errorf("%s differs from %s?%s:\n%.300s\n%.300s", e.File, e.Endpoint, v.Encode(), files[e.File], w.Body.Bytes())
		}
		if lines := bytes.Count(files[e.File], []byte("\n")); lines != e.Rows+1 {
			t.Errorf("%s: %d lines for %d rows", e.File, lines, e.Rows)
		}
	}
	if len(sections) != len(def.Sections) {
		t.Errorf("CSVs for sections %v, want all %d", sections, len(def.Sections))
	}
}

// reportPDF: a page per section at least, their titles in the text.
func reportPDF(t *testing.T, out *Output, def Definition) {
	t.Helper()
	if len(out.PDF) == 0 {
		t.Fatalf("no PDF: %s", out.PDFNote)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(pdf, out.PDF, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo (poppler-utils, installed by make test): %v", err)
	}
	pageCount := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
	if n, _ := strconv.Atoi(string(pageCount[1])); pageCount == nil || n < len(def.Sections)+1 {
		t.Errorf("%s pageCount for %d sections", pageCount[1], len(def.Sections))
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range def.Sections {
		if title := pages.Translate(pages.LangEN, "report.section."+string(s)); !bytes.Contains(text, []byte(title)) {
			t.Errorf("the PDF has no section %q", title)
		}
	}
	if !bytes.Contains(text, []byte("</script><script>alert(1)</script>")) {
		t.Error("the PDF does not show the hostile network as text")
	}
}

// TestReportChineseWithoutChromium: a zh-CN report is written in Chinese,
// and without Chromium it has no PDF but says why.
func TestReportChineseWithoutChromium(t *testing.T) {
	out, _, _ := renderDemo(t, pages.LangZH, "")
	if out.PDF != nil || !strings.Contains(out.PDFNote, "Chromium") || strings.HasPrefix(out.PDFNote, "no PDF") {
		t.Errorf("PDF %d bytes, note %q; want why, without the run's own \"no PDF: \"", len(out.PDF), out.PDFNote)
	}
	html := string(out.HTML)
	for _, s := range []string{`<html lang="zh-CN"`, "摘要", "市场份额", "腾讯QQ", "份额"} {
		if !strings.Contains(html, s) {
			t.Errorf("the Chinese report lacks %q", s)
		}
	}
	if !strings.Contains(out.Summary, "腾讯QQ") {
		t.Errorf("summary %q", out.Summary)
	}
}

// TestReportZIPTimesAndFactKeys: every ZIP entry is dated when the report
// was made (not 1980), and the facts webhooks get name everything in
// snake_case, the busiest route's networks from and to.
func TestReportZIPTimesAndFactKeys(t *testing.T) {
	out, _, _ := renderDemo(t, pages.LangEN, "")
	zr, err := zip.NewReader(bytes.NewReader(out.ZIP), int64(len(out.ZIP)))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if rc, err := zr.Open("manifest.json"); err != nil || json.NewDecoder(rc).Decode(&m) != nil || m.Generated.Year() < 2000 {
		t.Fatalf("manifest: %v, generated %s", err, m.Generated)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(m.Generated.Truncate(time.Second)) {
			t.Errorf("%s is dated %s, not when the report was made (%s)", f.Name, f.Modified, m.Generated)
		}
	}
	b, err := json.Marshal(out.Data)
	if err != nil {
		t.Fatal(err)
	}
	var facts map[string]any
	if err := json.Unmarshal(b, &facts); err != nil {
		t.Fatal(err)
	}
	route, ok := facts["top_route"].(map[string]any)
	if !ok || route["from"] == nil || route["to"] == nil || route["from"] == route["to"] {
		t.Fatalf("top_route %v", facts["top_route"])
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	var keys func(prefix string, v any)
	keys = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				if !snake.MatchString(k) {
					t.Errorf("facts key %s%s is not snake_case", prefix, k)
				}
				keys(prefix+k+".", x)
			}
		}
	}
	keys("", facts)
}

// TestReportStopsPrintingWithTheRun: a shutdown while Chromium prints ends
// the render at once with the run's error, rather than waiting for the
// browser (up to pdfTimeout) and handing over a report without its PDF.
// The browser here is a program that starts and never answers, as a
// Chromium stuck loading would: the test cancels once it is running.
func TestReportStopsPrintingWithTheRun(t *testing.T) {
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	stuck := filepath.Join(dir, "stuck-chromium")
	script := "#!/bin/sh\ntouch " + started + "\nexec sleep 600\n"
	if err := os.WriteFile(stuck, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := NewPageRenderer(dashtest.Options(t).Options, stuck)
	if err != nil {
		t.Fatal(err)
	}
	def := Definition{Name: "quarterly", Title: "Quarterly", Location: time.UTC, Granularity: imscope.Quarter, Sections: Sections, Language: pages.LangEN}
	p, err := ParsePeriod("2012-Q2", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			if _, err := os.Stat(started); err == nil {
				cancel()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	out, err := r.Render(ctx, def, p)
	if !errors.Is(err, context.Canceled) || out != nil {
		t.Fatalf("render stopped while printing: %v, %v; want the run's context.Canceled and no report", out, err)
	}
}
