package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/dashboard/report"
)

// deliveryHook is a webhook receiver that fails its first failures
// requests with 500, counts the ones it accepts and keeps each request's
// delivery id; each request is announced on requests.
type deliveryHook struct {
	url      string
	ok       atomic.Int32
	mu       sync.Mutex
	ids      []string
	requests chan struct{}
}

func newDeliveryHook(t *testing.T, failures int) *deliveryHook {
	h := &deliveryHook{requests: make(chan struct{}, 64)}
	var left atomic.Int32
	left.Store(int32(failures))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.ids = append(h.ids, r.Header.Get(notify.HeaderDelivery))
		h.mu.Unlock()
		if left.Add(-1) >= 0 {
			w.WriteHeader(http.StatusInternalServerError)
		} else {
			h.ok.Add(1)
		}
		h.requests <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

func (h *deliveryHook) deliveryIDs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.ids...)
}

// resumeConfig is a report on schedule, delivered to a webhook and a
// directory; backoff is the webhook's wait before a retry.
func resumeConfig(t *testing.T, schedule, hook, reports, archive string, backoff time.Duration) string {
	return writeConfig(t, fmt.Sprintf(`
destinations:
  - {name: ops, kind: webhook, attempts: 3, backoff: %s, max_backoff: %s, webhook: {url: %q}}
  - {name: archive, kind: directory, directory: {path: %q}}
reports:
  dir: %q
  chromium: none
  list:
    - {name: weekly, schedule: %q, period: week, sections: [share, bridges], destinations: [ops, archive]}
`, backoff, backoff, hook, archive, reports, schedule))
}

// waitUntil polls cond until it holds, failing after limit.
func waitUntil(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// apiRun is the run the Reports API lists last for report weekly.
func apiRun(t *testing.T, base string) (api.ReportRun, int) {
	t.Helper()
	code, body := get(t, base+"/api/v1/reports?report=weekly")
	var out struct {
		Data api.ReportsData `json:"data"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil || len(out.Data.Reports) != 1 || len(out.Data.Reports[0].Runs) == 0 {
		return api.ReportRun{}, 0
	}
	return out.Data.Reports[0].Runs[0], len(out.Data.Reports[0].Runs)
}

// wantDeliveredOnce: the run is the interrupted one, resumed once, ok,
// each destination delivered with the attempts given; the webhook accepted
// it once, every request under the run's id; one complete folder in the
// report directory and one in the archive.
func wantDeliveredOnce(t *testing.T, run api.ReportRun, n int, id string, hook *deliveryHook, requests int, attempts map[string]int, reports, archive string) {
	t.Helper()
	if n != 1 || run.RunID != id || run.Status != report.StatusOK || run.Resumed != 1 || run.Error != "" {
		t.Fatalf("%d runs; the latest %+v; want run %s ok, resumed once", n, run, id)
	}
	for _, d := range run.Deliveries {
		if d.Status != report.DeliveryOK || d.Attempts != attempts[d.Destination] {
			t.Errorf("delivery %+v, want ok after %d attempt(s)", d, attempts[d.Destination])
		}
	}
	ids := hook.deliveryIDs()
	if hook.ok.Load() != 1 || len(ids) != requests {
		t.Errorf("the webhook accepted %d of %d requests, want 1 of %d", hook.ok.Load(), len(ids), requests)
	}
	for _, got := range ids {
		if got != id {
			t.Errorf("delivery id %q, want the run's %s", got, id)
		}
	}
	for _, root := range []string{reports, archive} {
		entries, _ := os.ReadDir(filepath.Join(root, "weekly"))
		if len(entries) != 1 || strings.HasPrefix(entries[0].Name(), ".") {
			t.Fatalf("%s holds %v, want one run folder", root, entries)
		}
		if files, _ := os.ReadDir(filepath.Join(root, "weekly", entries[0].Name())); len(files) != 2 {
			t.Fatalf("%s/weekly/%s holds %d files, want the HTML and the ZIP", root, entries[0].Name(), len(files))
		}
	}
}

// blockingRenderer blocks its first render until the run's context ends
// (the shutdown), saying when it has started; later renders go through.
type blockingRenderer struct {
	started chan struct{}
	once    sync.Once
}

func (r *blockingRenderer) Render(ctx context.Context, def report.Definition, p report.Periods) (*report.Output, error) {
	first := false
	r.once.Do(func() { first = true })
	if first {
		close(r.started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	out, err := pageRenderer{}.Render(ctx, def, p)
	if out != nil {
		out.ZIP = []byte("PK\x05\x06" + strings.Repeat("\x00", 18)) // an empty ZIP
	}
	return out, err
}

// TestServeResumesReportInterruptedInRender: serve is stopped (its context
// ends, as on SIGINT) while a scheduled report renders; the run is
// recorded as interrupted with no folder. Started again, serve renders it
// again and delivers it once to the webhook and the directory, under the
// same delivery id, recorded as resumed in the Reports API and `report
// list`; the slot is not run a second time.
func TestServeResumesReportInterruptedInRender(t *testing.T) {
	r := &blockingRenderer{started: make(chan struct{})}
	saved := reportRenderer
	reportRenderer = func(*environment, api.Options) (report.Renderer, error) { return r, nil }
	t.Cleanup(func() { reportRenderer = saved })
	hook := newDeliveryHook(t, 0)
	reports, archive := t.TempDir(), t.TempDir()
	const db = "report_resume_render"

	_, stop := startServe(t, db, "--config", resumeConfig(t, "@every 1s", hook.url, reports, archive, 10*time.Millisecond))
	select {
	case <-r.started:
	case <-time.After(60 * time.Second):
		t.Fatal("the scheduled report did not start")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(reports); len(entries) > 0 {
		if sub, _ := os.ReadDir(filepath.Join(reports, "weekly")); len(sub) > 0 {
			t.Fatalf("an interrupted render left %v", sub)
		}
	}
	var stdout, stderr strings.Builder
	cfg := resumeConfig(t, "@every 1h", hook.url, reports, archive, 10*time.Millisecond)
	base := []string{"--config", cfg, "--data", sharedData(), "--database", db, "--libchdb", projectLibrary(t)}
	if err := run(context.Background(), append([]string{"report", "list"}, base...), func(string) string { return "" }, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), " interrupted (") {
		t.Fatalf("report list after the shutdown: %v\n%s%s", err, stdout.String(), stderr.String())
	}

	u, stop := startServe(t, db, "--config", cfg)
	var latest api.ReportRun
	var n int
	waitUntil(t, 60*time.Second, "the resumed run to finish", func() bool {
		latest, n = apiRun(t, u)
		return latest.Status == report.StatusOK
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	wantDeliveredOnce(t, latest, n, hook.deliveryIDs()[0], hook, 1, map[string]int{"ops": 1, "archive": 1}, reports, archive)
	stdout.Reset()
	if err := run(context.Background(), append([]string{"report", "list"}, base...), func(string) string { return "" }, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), " ok (") || !strings.Contains(stdout.String(), "resumed after 1 restart(s)") {
		t.Fatalf("report list after the restart: %v\n%s", err, stdout.String())
	}
}

// TestSIGINTDuringDeliveryRetryResumes runs the built binary: a scheduled
// report is written and copied to a directory, its webhook fails and waits
// to retry, and SIGINT arrives. The process exits 0, saying the retry was
// stopped by the shutdown and the run is recorded as interrupted. Started
// again, it neither renders nor copies again: the webhook (failing once
// more) gets the report with the same delivery id until it accepts it,
// once, and the run is ok and resumed.
func TestSIGINTDuringDeliveryRetryResumes(t *testing.T) {
	srv := newServeProcess(t)
	reports, archive := t.TempDir(), t.TempDir()
	hook := newDeliveryHook(t, 2)
	start, list := srv.start, srv.list
	interrupt := func(cmd *exec.Cmd, stderr *syncBuffer) {
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit after SIGINT: %v; stderr:\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("still running 30 s after SIGINT; stderr:\n%s", stderr.String())
		}
	}

	cfg1 := resumeConfig(t, "@every 1s", hook.url, reports, archive, time.Hour)
	cmd, _, stderr := start(cfg1)
	select { // the first attempt failed ...
	case <-hook.requests:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the webhook got nothing; stderr:\n%s", stderr.String())
	}
	// ... and imscope waits an hour to retry; the directory has its copy.
	waitUntil(t, 30*time.Second, "the retry to be scheduled and the directory copy", func() bool {
		entries, _ := os.ReadDir(filepath.Join(archive, "weekly"))
		return strings.Contains(stderr.String(), "delivery failed; will retry") && len(entries) == 1 && !strings.HasPrefix(entries[0].Name(), ".")
	})
	copied, _ := os.ReadDir(filepath.Join(archive, "weekly"))
	before, err := os.Stat(filepath.Join(archive, "weekly", copied[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	interrupt(cmd, stderr)
	if log := stderr.String(); !strings.Contains(log, "delivery stopped by shutdown; it resumes after restart") || !strings.Contains(log, "report run interrupted by shutdown") {
		t.Fatalf("the shutdown is not logged as an interruption:\n%s", log)
	}
	if out := list(cfg1); !strings.Contains(out, " interrupted (") {
		t.Fatalf("report list after SIGINT: %s", out)
	}

	cfg2 := resumeConfig(t, "@every 1h", hook.url, reports, archive, 10*time.Millisecond)
	cmd, u, stderr := start(cfg2)
	var latest api.ReportRun
	var n int
	waitUntil(t, 60*time.Second, "the resumed run to finish", func() bool {
		latest, n = apiRun(t, u)
		return latest.Status == report.StatusOK
	})
	interrupt(cmd, stderr)
	wantDeliveredOnce(t, latest, n, hook.deliveryIDs()[0], hook, 3, map[string]int{"ops": 3, "archive": 1}, reports, archive)
	after, err := os.Stat(filepath.Join(archive, "weekly", copied[0].Name()))
	if err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Fatalf("the directory copy was written again: %v", err)
	}
	if strings.Contains(stderr.String(), "rendering it again") {
		t.Fatal("a run whose files were complete was rendered again")
	}
	if out := list(cfg2); !strings.Contains(out, "resumed after 1 restart(s)") {
		t.Fatalf("report list after the restart: %s", out)
	}
}

// serveProcess runs the built binary's serve and report list on one data
// directory, as a user restarting imscope would.
type serveProcess struct {
	t              *testing.T
	bin, lib, data string
}

func newServeProcess(t *testing.T) *serveProcess {
	return &serveProcess{t: t, bin: buildBinary(t), lib: projectLibrary(t), data: t.TempDir()}
}

// start runs serve with cfg and returns it, its address and its stderr.
func (s *serveProcess) start(cfg string) (*exec.Cmd, string, *syncBuffer) {
	t := s.t
	cmd := exec.Command(s.bin, "serve", "--listen", "127.0.0.1:0", "--data", s.data, "--libchdb", s.lib, "--config", cfg)
	cmd.Dir = t.TempDir()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var buf bytes.Buffer
	u := waitForListen(t, stdout, &buf)
	if u == "" {
		t.Fatalf("serve did not start; stderr:\n%s", stderr.String())
	}
	return cmd, u, stderr
}

// list is `imscope report list` on the data directory.
func (s *serveProcess) list(cfg string) string {
	out, err := exec.Command(s.bin, "report", "list", "--data", s.data, "--libchdb", s.lib, "--config", cfg).CombinedOutput()
	if err != nil {
		s.t.Fatalf("report list: %v\n%s", err, out)
	}
	return string(out)
}

// TestKilledDuringDeliveryResumes runs the built binary: a scheduled
// report's webhook fails and waits to retry, and the process is killed
// (SIGKILL: no shutdown records the run as interrupted; it stays running).
// Started again on the embedded engine, which holds the data directory
// alone, imscope takes the run up: the webhook gets the report under the
// run's delivery id until it accepts it, once, and the run is ok and
// resumed once, with one complete folder in each directory.
func TestKilledDuringDeliveryResumes(t *testing.T) {
	srv := newServeProcess(t)
	reports, archive := t.TempDir(), t.TempDir()
	hook := newDeliveryHook(t, 2)
	cfg1 := resumeConfig(t, "@every 1s", hook.url, reports, archive, time.Hour)
	cmd, _, stderr := srv.start(cfg1)
	select {
	case <-hook.requests:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the webhook got nothing; stderr:\n%s", stderr.String())
	}
	waitUntil(t, 30*time.Second, "the retry to be scheduled", func() bool {
		return strings.Contains(stderr.String(), "delivery failed; will retry")
	})
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if out := srv.list(cfg1); !strings.Contains(out, " running") {
		t.Fatalf("report list after SIGKILL: %s", out)
	}

	cfg2 := resumeConfig(t, "@every 1h", hook.url, reports, archive, 10*time.Millisecond)
	cmd, u, stderr := srv.start(cfg2)
	var latest api.ReportRun
	var n int
	waitUntil(t, 60*time.Second, "the resumed run to finish", func() bool {
		latest, n = apiRun(t, u)
		return latest.Status == report.StatusOK
	})
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	if !strings.Contains(stderr.String(), "left running by a process that stopped without shutting down") {
		t.Errorf("the restart does not say it takes up a run left running:\n%s", stderr.String())
	}
	ids := hook.deliveryIDs()
	if n != 1 || latest.Resumed != 1 || latest.RunID != ids[0] || hook.ok.Load() != 1 {
		t.Fatalf("%d runs, the latest %+v; the webhook accepted %d of %v; want one run, resumed once, accepted once under its id", n, latest, hook.ok.Load(), ids)
	}
	for _, id := range ids {
		if id != latest.RunID {
			t.Errorf("delivery id %q, want the run's %s", id, latest.RunID)
		}
	}
	for _, root := range []string{reports, archive} {
		entries, _ := os.ReadDir(filepath.Join(root, "weekly"))
		if len(entries) != 1 || strings.HasPrefix(entries[0].Name(), ".") {
			t.Fatalf("%s holds %v, want one complete run folder", root, entries)
		}
	}
}
