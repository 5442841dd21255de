package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/dashboard/report"
)

// pageRenderer is a small real renderer for the command's tests: a page
// naming the report's sections and period.
type pageRenderer struct{}

func (pageRenderer) Render(_ context.Context, def report.Definition, p report.Periods) (*report.Output, error) {
	return &report.Output{
		HTML:    []byte(fmt.Sprintf("<!DOCTYPE html><title>%s %s</title><p>%v</p>", def.Name, p.Current.Label, def.Sections)),
		Summary: "QQ held 74.9% in " + p.Current.Label + ".", PDFNote: "no Chromium in the test",
	}, nil
}

// withRenderer wires pageRenderer in for one test.
func withRenderer(t *testing.T) {
	saved := reportRenderer
	reportRenderer = func(*environment, api.Options) (report.Renderer, error) { return pageRenderer{}, nil }
	t.Cleanup(func() { reportRenderer = saved })
}

// payloads is a webhook receiver that hands each payload to the test.
func payloads(t *testing.T) (string, <-chan notify.WebhookPayload) {
	ch := make(chan notify.WebhookPayload, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var p notify.WebhookPayload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Error(err)
		}
		select {
		case ch <- p:
		default:
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, ch
}

func writeConfig(t *testing.T, text string) string {
	path := filepath.Join(t.TempDir(), "imscope.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReportRunCommand: `imscope report run NAME --period P --out DIR`
// renders that period into DIR, delivers it and records the run, which
// `imscope report list` then shows.
func TestReportRunCommand(t *testing.T) {
	withRenderer(t)
	hook, got := payloads(t)
	out := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf(`
destinations:
  - {name: ops, kind: webhook, webhook: {url: %q, secret_env: IMSCOPE_TEST_SECRET}}
reports:
  list:
    - {name: weekly, schedule: "CRON_TZ=Asia/Shanghai 0 0 9 * * MON", sections: [share, bridges], destinations: [ops]}
`, hook))
	env := func(k string) string { return map[string]string{"IMSCOPE_TEST_SECRET": "k"}[k] }
	base := []string{"--config", cfg, "--data", sharedData(), "--database", "report_cli", "--libchdb", projectLibrary(t)}
	var stdout, stderr strings.Builder
	err := run(context.Background(), append([]string{"report", "run", "weekly", "--period", "2026-W09", "--out", out}, base...), env, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	html := filepath.Join(out, "weekly_2026-W09.html")
	if b, err := os.ReadFile(html); err != nil || !strings.Contains(string(b), "[share bridges]") {
		t.Fatalf("%s: %q, %v", html, b, err)
	}
	for _, want := range []string{"weekly 2026-W09: ok", html, "note: no PDF: no Chromium in the test", "ops (webhook): ok after 1 attempt(s)"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	select {
	case p := <-got:
		if p.Summary != "weekly — 2026-W09" || !strings.Contains(p.Text, "QQ held 74.9% in 2026-W09.") {
			t.Fatalf("payload %+v", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the webhook got nothing")
	}
	stdout.Reset()
	if err := run(context.Background(), append([]string{"report", "list"}, base...), env, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if line := stdout.String(); !strings.HasPrefix(line, "weekly: week, CRON_TZ=Asia/Shanghai 0 0 9 * * MON, next ") || !strings.Contains(line, "last 2026-W09 ok") {
		t.Fatalf("list: %q", line)
	}
	if err := run(context.Background(), append([]string{"report", "run", "monthly"}, base...), env, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), `no report named "monthly"`) {
		t.Fatalf("an unknown report: %v", err)
	}
}

// TestServeSchedulesReports: serve puts a configured report on its
// scheduler; it runs on schedule and is delivered.
func TestServeSchedulesReports(t *testing.T) {
	withRenderer(t)
	hook, got := payloads(t)
	cfg := writeConfig(t, fmt.Sprintf(`
destinations:
  - {name: ops, kind: webhook, webhook: {url: %q}}
reports:
  list:
    - {name: often, schedule: "@every 1s", period: day, destinations: [ops]}
alerts:
  rules:
    - {name: bridge-failing, kind: threshold, series: bridge.failure_ratio, op: ">", threshold: 0.05, for: 5m}
  delivery: {destinations: [ops]}
`, hook))
	_, stop := startServe(t, "report_serve", "--config", cfg)
	select {
	case p := <-got:
		if p.Event != "report" || !strings.HasPrefix(p.Summary, "often — ") {
			t.Fatalf("payload %+v", p)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the scheduled report was not delivered")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
