package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/dashboard/report"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// The package's tests share one process, and so one engine and one data
// directory: the rendering tests read dashtest's demo data.
func TestMain(m *testing.M) { dashtest.Main(m) }

func engine(t *testing.T, db string) queries.Engine {
	return enginetest.Migrated(t, dashtest.DataDir(), db)
}

// textRenderer is a small real renderer: an HTML page naming the sections
// and periods (escaped), a ZIP with one CSV, and a summary. It counts its
// calls.
type textRenderer struct {
	calls atomic.Int32
	fail  error
	pdf   bool
}

func (r *textRenderer) Render(ctx context.Context, def report.Definition, p report.Periods) (*report.Output, error) {
	r.calls.Add(1)
	if r.fail != nil {
		return nil, r.fail
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html lang=%q><title>%s</title><body>", def.Language, html.EscapeString(def.Title))
	for _, s := range def.Sections {
		fmt.Fprintf(&b, "<section id=%q><h2>%s</h2><p>%s vs %s</p></section>", s, s, p.Current.Label, p.Previous.Label)
	}
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("share.csv")
	fmt.Fprintf(w, "period,network,share\n%s,qq,74.9\n", p.Current.Label)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	out := &report.Output{HTML: []byte(b.String()), ZIP: z.Bytes(), Summary: "QQ's share fell 1.2 points to 74.9%.", Data: map[string]float64{"qq_share": 74.9}, PDFNote: "the test renderer makes none"}
	if r.pdf {
		out.PDF = []byte("%PDF-1.7 test")
	}
	return out, nil
}

// receiver is a webhook receiver that fails with status for the first
// failures requests.
type receiver struct {
	mu       sync.Mutex
	failures int
	status   int
	bodies   [][]byte
	srv      *httptest.Server
}

func newReceiver(t *testing.T, failures, status int) *receiver {
	r := &receiver{failures: failures, status: status}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.bodies = append(r.bodies, b)
		if r.failures > 0 {
			r.failures--
			w.WriteHeader(r.status)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) payloads(t *testing.T) []notify.WebhookPayload {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.WebhookPayload
	for _, b := range r.bodies {
		var p notify.WebhookPayload
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

var quick = notify.Retry{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, Timeout: 5 * time.Second}

func webhook(t *testing.T, name, url string) notify.Target {
	w, err := notify.NewWebhook(name, url, notify.WebhookOptions{Secret: []byte("k")})
	if err != nil {
		t.Fatal(err)
	}
	return notify.Target{Destination: w, Retry: quick}
}

// clock is a fake clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func weekly(t *testing.T, dests ...string) report.Definition {
	s, err := schedule.Parse("CRON_TZ=Asia/Shanghai 0 0 9 * * MON")
	if err != nil {
		t.Fatal(err)
	}
	return report.Definition{
		Name: "weekly", Title: "Weekly <IM> market", Schedule: s, Location: s.Location(), Granularity: imscope.Week,
		Sections: report.Sections, Language: "en", Destinations: dests, CatchUp: true,
	}
}

func runs(t *testing.T, e queries.Engine, name string) []queries.ReportRun {
	t.Helper()
	rs, err := queries.RecentReportRuns(context.Background(), e, name, 100)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestRunWritesDeliversAndRecords: one run writes its files, delivers to a
// webhook that fails once and to one that always fails (which gives up
// after its attempts without holding up the other), and the run record
// says all of it.
func TestRunWritesDeliversAndRecords(t *testing.T) {
	ctx := context.Background()
	e := engine(t, "report_run")
	ok, broken := newReceiver(t, 1, 500), newReceiver(t, 1000, 503)
	dir := t.TempDir()
	archive := t.TempDir()
	shanghai := time.FixedZone("CST", 8*3600)
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 20, 0, shanghai)}
	r := &textRenderer{}
	s, err := report.New([]report.Definition{weekly(t, "ops", "broken", "archive")}, report.Options{
		Engine: e, Renderer: r, Dir: dir, PublicURL: "https://imscope.example.org/", Now: clk.Now,
		Targets: map[string]notify.Target{
			"ops": webhook(t, "ops", ok.srv.URL), "broken": webhook(t, "broken", broken.srv.URL),
			"archive": {Destination: notify.NewDirectory("archive", archive), Retry: quick},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	slot := time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai)
	run, err := s.Run(ctx, "weekly", report.Request{Trigger: report.TriggerSchedule, Slot: slot})
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != report.StatusPartial || run.PeriodLabel != "2026-W09" || run.Late {
		t.Fatalf("run %+v", run)
	}
	wantRunFiles(t, run, dir, archive)
	wantRunRecorded(t, e, shanghai)
	wantRunPayload(t, ok, run)
}

// wantRunFiles: the run's HTML and ZIP are in the report directory and
// were copied to the archive directory.
func wantRunFiles(t *testing.T, run queries.ReportRun, dir, archive string) {
	t.Helper()
	if len(run.Files) != 2 { // HTML and ZIP; no PDF
		t.Fatalf("files %v", run.Files)
	}
	for _, f := range run.Files {
		if !strings.HasPrefix(f, filepath.Join(dir, "weekly")+string(filepath.Separator)) {
			t.Fatalf("%s is not in the report directory", f)
		}
		if _, err := os.Stat(f); err != nil {
			t.Fatal(err)
		}
		copied := filepath.Join(archive, "weekly", filepath.Base(filepath.Dir(f)), filepath.Base(f))
		if _, err := os.Stat(copied); err != nil {
			t.Fatalf("not copied to the archive directory: %v", err)
		}
	}
}

// wantRunRecorded: the run is in report_runs with each destination's
// outcome.
func wantRunRecorded(t *testing.T, e queries.Engine, shanghai *time.Location) {
	t.Helper()
	stored := runs(t, e, "weekly")
	if len(stored) != 1 {
		t.Fatalf("%d runs stored", len(stored))
	}
	got := stored[0]
	if got.Status != report.StatusPartial || got.FinishedAt.IsZero() || got.TimeZone != "Asia/Shanghai" || !got.PeriodFrom.Equal(time.Date(2026, 2, 23, 0, 0, 0, 0, shanghai)) ||
		len(got.Notes) != 1 || !strings.Contains(got.Notes[0], "no PDF: the test renderer makes none") || len(got.Files) != 2 {
		t.Fatalf("stored run %+v", got)
	}
	want := map[string]queries.ReportDelivery{
		"ops":     {Destination: "ops", Kind: "webhook", Status: "ok", Attempts: 2},
		"broken":  {Destination: "broken", Kind: "webhook", Status: "failed", Attempts: 3},
		"archive": {Destination: "archive", Kind: "directory", Status: "ok", Attempts: 1},
	}
	for _, d := range got.Deliveries {
		w := want[d.Destination]
		if d.Kind != w.Kind || d.Status != w.Status || d.Attempts != w.Attempts || (d.Status == "failed") != strings.Contains(d.Error, "503") {
			t.Errorf("delivery %+v, want %+v (with the 503 in the error if failed)", d, w)
		}
		delete(want, d.Destination)
	}
	if len(want) != 0 {
		t.Errorf("no delivery recorded for %v", want)
	}
}

// wantRunPayload: the webhook got the report, its links and its data.
func wantRunPayload(t *testing.T, ok *receiver, run queries.ReportRun) {
	t.Helper()
	p := ok.payloads(t)
	if len(p) != 2 || p[1].Event != "report" || p[1].Summary != "Weekly <IM> market — 2026-W09" || p[1].ID != run.RunID {
		t.Fatalf("payloads %+v", p)
	}
	if len(p[1].Links) != 2 || p[1].Links[0].URL != "https://imscope.example.org/reports/runs/"+run.RunID+"/weekly_2026-W09.html" {
		t.Fatalf("links %+v", p[1].Links)
	}
	data, _ := json.Marshal(p[1].Data)
	var d report.Data
	if err := json.Unmarshal(data, &d); err != nil || d.Period.Label != "2026-W09" || d.Previous.Label != "2026-W08" ||
		d.Summary != "QQ's share fell 1.2 points to 74.9%." || d.Facts == nil || len(d.Files) != 2 {
		t.Fatalf("data %s (%v)", data, err)
	}
	if !strings.Contains(p[1].Text, "&lt;IM&gt;") {
		t.Fatalf("text %q", p[1].Text)
	}
}

// TestRunFailureIsRecorded: a renderer error leaves a failed run with the
// error and no files, and nothing is delivered.
func TestRunFailureIsRecorded(t *testing.T) {
	e := engine(t, "report_fail")
	rcv := newReceiver(t, 0, 0)
	s, err := report.New([]report.Definition{weekly(t, "ops")}, report.Options{
		Engine: e, Renderer: &textRenderer{fail: fmt.Errorf("the rollups are not there")}, Dir: t.TempDir(),
		Targets: map[string]notify.Target{"ops": webhook(t, "ops", rcv.srv.URL)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(context.Background(), "weekly", report.Request{}); err == nil || !strings.Contains(err.Error(), "the rollups are not there") {
		t.Fatalf("err %v", err)
	}
	got := runs(t, e, "weekly")
	if len(got) != 1 || got[0].Status != report.StatusFailed || !strings.Contains(got[0].Error, "the rollups are not there") || len(got[0].Files) != 0 || got[0].Trigger != report.TriggerManual {
		t.Fatalf("runs %+v", got)
	}
	if len(rcv.payloads(t)) != 0 {
		t.Fatal("a failed run was delivered")
	}
	if _, err := s.Run(context.Background(), "monthly", report.Request{}); !imscope.IsInvalid(err) {
		t.Fatalf("an unknown report: %v", err)
	}
}

// TestCatchUp: imscope runs the Monday report, is down for the next two
// Mondays, and starts again on a Wednesday: the latest missed slot runs
// once, as late; a second start runs nothing. With catch_up off the slot is
// recorded as missed instead, and nothing is rendered.
func TestCatchUp(t *testing.T) {
	for _, catchUp := range []bool{true, false} {
		t.Run(fmt.Sprintf("catch_up=%v", catchUp), func(t *testing.T) {
			ctx := context.Background()
			e := engine(t, fmt.Sprintf("report_catchup_%v", catchUp))
			def := weekly(t)
			def.CatchUp = catchUp
			sh := def.Location
			clk := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, sh)}
			r := &textRenderer{}
			start := func() *report.Service { // a (re)start of imscope
				s, err := report.New([]report.Definition{def}, report.Options{Engine: e, Renderer: r, Dir: t.TempDir(), Now: clk.Now})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			s := start()
			// First start ever: nothing on record, nothing missed.
			if err := s.CatchUp(ctx); err != nil || r.calls.Load() != 0 {
				t.Fatalf("first start: %v, %d renders", err, r.calls.Load())
			}
			// Monday 09:00 comes; the scheduler fires the job a moment later.
			jobs := s.Jobs(ctx)
			clk.Set(time.Date(2026, 3, 2, 9, 0, 1, 0, sh))
			jobs[0].Run()
			jobs[0].Run() // a second firing for the same slot runs nothing
			if got := runs(t, e, "weekly"); len(got) != 1 || got[0].Trigger != report.TriggerSchedule || got[0].Late || got[0].PeriodLabel != "2026-W09" {
				t.Fatalf("after the first Monday: %+v", got)
			}
			// Down until Wednesday 18 March: the 9th and the 16th were missed.
			clk.Set(time.Date(2026, 3, 18, 14, 0, 0, 0, sh))
			s = start()
			if err := s.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			got := runs(t, e, "weekly")
			if len(got) != 2 {
				t.Fatalf("after the restart: %+v", got)
			}
			c := got[0]
			wantSlot := time.Date(2026, 3, 16, 9, 0, 0, 0, sh)
			if !c.ScheduledFor.Equal(wantSlot) || !c.Late || c.PeriodLabel != "2026-W11" {
				t.Fatalf("caught-up run %+v, want the slot %v, late, for 2026-W11", c, wantSlot)
			}
			if catchUp && (c.Trigger != report.TriggerCatchUp || c.Status != report.StatusOK || r.calls.Load() != 2) {
				t.Fatalf("catch-up run %+v, %d renders", c, r.calls.Load())
			}
			if !catchUp && (c.Trigger != report.TriggerMissed || c.Status != report.StatusMissed || r.calls.Load() != 1) {
				t.Fatalf("missed run %+v, %d renders", c, r.calls.Load())
			}
			// Another restart the same day: nothing new was missed.
			if err := start().CatchUp(ctx); err != nil || len(runs(t, e, "weekly")) != 2 {
				t.Fatalf("second restart: %v, %d runs", err, len(runs(t, e, "weekly")))
			}
		})
	}
}

// TestScheduledRunOnDSTDay: the scheduler fires a Berlin 02:30 daily report
// on the day clocks skip 02:30; the job runs it for the 03:00 slot, on time,
// for the day before (a 24-hour day, 28 March).
func TestScheduledRunOnDSTDay(t *testing.T) {
	e := engine(t, "report_dst")
	sc, err := schedule.Parse("CRON_TZ=Europe/Berlin 30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	berlin := sc.Location()
	clk := &clock{t: time.Date(2026, 3, 28, 12, 0, 0, 0, berlin)}
	def := report.Definition{Name: "daily", Schedule: sc, Location: berlin, Granularity: imscope.Day, Sections: []report.Section{report.SectionBridges}, Language: "zh-CN"}
	s, err := report.New([]report.Definition{def}, report.Options{Engine: e, Renderer: &textRenderer{pdf: true}, Dir: t.TempDir(), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	job := s.Jobs(context.Background())[0]
	next := job.Schedule.Next(clk.Now())
	if want := time.Date(2026, 3, 29, 3, 0, 0, 0, berlin); !next.Equal(want) {
		t.Fatalf("next run %v, want %v", next, want)
	}
	clk.Set(next.Add(50 * time.Millisecond))
	job.Run()
	got := runs(t, e, "daily")
	if len(got) != 1 || !got[0].ScheduledFor.Equal(next) || got[0].Late || got[0].PeriodLabel != "2026-03-28" || got[0].TimeZone != "Europe/Berlin" ||
		got[0].PeriodTo.Sub(got[0].PeriodFrom) != 24*time.Hour || len(got[0].Files) != 3 || len(got[0].Notes) != 0 {
		t.Fatalf("runs %+v", got)
	}
}

// TestRetention: keep 2 runs — older runs lose their files and rows, the
// newest two stay; files written elsewhere (--out) are left alone.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	e := engine(t, "report_retention")
	def := weekly(t)
	def.Keep = report.Retention{Runs: 2}
	dir, elsewhere := t.TempDir(), t.TempDir()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, def.Location)}
	s, err := report.New([]report.Definition{def}, report.Options{Engine: e, Renderer: &textRenderer{}, Dir: dir, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	var all []queries.ReportRun
	for week := range 4 {
		clk.Set(time.Date(2026, 3, 2+7*week, 9, 0, 0, 0, def.Location))
		req := report.Request{Trigger: report.TriggerSchedule, Slot: clk.Now()}
		if week == 0 {
			req.Dir = elsewhere
		}
		run, err := s.Run(ctx, "weekly", req)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, run)
	}
	kept := runs(t, e, "weekly")
	if len(kept) != 2 || kept[0].RunID != all[3].RunID || kept[1].RunID != all[2].RunID {
		t.Fatalf("kept %+v", kept)
	}
	for i, r := range all {
		for _, f := range r.Files {
			_, err := os.Stat(f)
			if exists := err == nil; exists != (i == 0 || i >= 2) {
				t.Errorf("run %d: %s exists=%v", i, f, exists)
			}
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "weekly")); len(entries) != 2 {
		t.Errorf("%d run folders left in the report directory, want 2", len(entries))
	}
}
