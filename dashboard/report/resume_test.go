package report_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/dashboard/report"
	"github.com/imscope/imscope/queries"
)

// blockingRenderer blocks its first call until ctx ends (a shutdown in the
// middle of rendering), saying when it has started; later calls render.
type blockingRenderer struct {
	textRenderer
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
	return r.textRenderer.Render(ctx, def, p)
}

// countingDestination counts the sends that reached a destination and
// says when the first has.
type countingDestination struct {
	notify.Destination
	sent atomic.Int32
	done chan struct{}
	once sync.Once
}

func (d *countingDestination) Send(ctx context.Context, m *notify.Message) error {
	err := d.Destination.Send(ctx, m)
	if err == nil {
		d.sent.Add(1)
		d.once.Do(func() { close(d.done) })
	}
	return err
}

// gatedReceiver is a webhook receiver that fails the first failures
// requests with 500 and tells the test of each request.
type gatedReceiver struct {
	receiver
	requests chan struct{}
	ok       atomic.Int32
	ids      chan string
}

func newGatedReceiver(t *testing.T, failures int) *gatedReceiver {
	g := &gatedReceiver{requests: make(chan struct{}, 16), ids: make(chan string, 16)}
	g.receiver = *newReceiver(t, 0, 0)
	var left atomic.Int32
	left.Store(int32(failures))
	g.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		g.ids <- req.Header.Get(notify.HeaderDelivery)
		if left.Add(-1) >= 0 {
			w.WriteHeader(http.StatusInternalServerError)
		} else {
			g.ok.Add(1)
		}
		g.requests <- struct{}{}
	})
	return g
}

func resumeService(t *testing.T, e queries.Engine, r report.Renderer, dir string, targets map[string]notify.Target) *report.Service {
	t.Helper()
	s, err := report.New([]report.Definition{weekly(t, "ops", "archive")}, report.Options{Engine: e, Renderer: r, Dir: dir, Targets: targets})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// interrupt runs the report under a context it cancels once ready says so,
// as a shutdown would, and expects the run to be recorded as interrupted.
func interrupt(t *testing.T, s *report.Service, ready <-chan struct{}) queries.ReportRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		run queries.ReportRun
		err error
	}
	done := make(chan result, 1)
	go func() {
		run, err := s.Run(ctx, "weekly", report.Request{Trigger: report.TriggerSchedule, Slot: time.Now().Add(-time.Hour)})
		done <- result{run, err}
	}()
	select {
	case <-ready:
	case r := <-done:
		t.Fatalf("the run ended before the shutdown: %+v %v", r.run, r.err)
	}
	cancel()
	r := <-done
	if !errors.Is(r.err, report.ErrInterrupted) || r.run.Status != report.StatusInterrupted {
		t.Fatalf("interrupted run: %+v, %v", r.run, r.err)
	}
	return r.run
}

// noPartialFolders: the report directory holds exactly want run folders,
// none empty, and no temporary ones.
func noPartialFolders(t *testing.T, root string, want int) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(root, "weekly"))
	if len(entries) != want {
		t.Fatalf("%s holds %d entries, want %d: %v", root, len(entries), want, entries)
	}
	for _, e := range entries {
		files, _ := os.ReadDir(filepath.Join(root, "weekly", e.Name()))
		if strings.HasPrefix(e.Name(), ".") || len(files) == 0 {
			t.Fatalf("a partial or empty run folder: %s (%d files)", e.Name(), len(files))
		}
	}
}

// wantResumed: the run on record is the interrupted one, resumed once,
// delivered everywhere with attempts as given.
func wantResumed(t *testing.T, e queries.Engine, id string, attempts map[string]int) queries.ReportRun {
	t.Helper()
	got := runs(t, e, "weekly")
	if len(got) != 1 || got[0].RunID != id || got[0].Status != report.StatusOK || got[0].Resumed != 1 || got[0].Error != "" || len(got[0].Files) != 2 {
		t.Fatalf("runs after the restart %+v", got)
	}
	for _, d := range got[0].Deliveries {
		if d.Status != report.DeliveryOK || d.Attempts != attempts[d.Destination] {
			t.Errorf("delivery %+v, want ok after %d attempts", d, attempts[d.Destination])
		}
	}
	return got[0]
}

// TestResumeAfterInterruptedRender: a shutdown while the report renders
// records the run as interrupted with no files and no folder; the next
// start renders it again and delivers it once to each destination, under
// the same run and delivery id, recorded as resumed.
func TestResumeAfterInterruptedRender(t *testing.T) {
	e := engine(t, "report_resume_render")
	dir, archiveDir := t.TempDir(), t.TempDir()
	ops := newGatedReceiver(t, 0)
	archive := &countingDestination{Destination: notify.NewDirectory("archive", archiveDir), done: make(chan struct{})}
	targets := map[string]notify.Target{"ops": webhook(t, "ops", ops.srv.URL), "archive": {Destination: archive, Retry: quick}}
	r := &blockingRenderer{started: make(chan struct{})}
	run := interrupt(t, resumeService(t, e, r, dir, targets), r.started)
	if len(run.Files) != 0 || !strings.Contains(run.Error, "context canceled") {
		t.Fatalf("interrupted run %+v", run)
	}
	noPartialFolders(t, dir, 0)
	if len(ops.requests) != 0 || archive.sent.Load() != 0 {
		t.Fatal("an interrupted render was delivered")
	}

	// The restart: catch-up resumes the run before looking for missed slots.
	if err := resumeService(t, e, r, dir, targets).CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantResumed(t, e, run.RunID, map[string]int{"ops": 1, "archive": 1})
	noPartialFolders(t, dir, 1)
	if id := <-ops.ids; id != run.RunID || len(ops.ids) != 0 || ops.ok.Load() != 1 || archive.sent.Load() != 1 {
		t.Fatalf("webhook got %q (+%d more), archive %d sends; want run %s once each", id, len(ops.ids), archive.sent.Load(), run.RunID)
	}
	// A further start has nothing to resume.
	if err := resumeService(t, e, r, dir, targets).CatchUp(context.Background()); err != nil || len(ops.ids) != 0 || len(runs(t, e, "weekly")) != 1 {
		t.Fatalf("a second restart: %v, %d more requests", err, len(ops.ids))
	}
}

// TestResumeAfterInterruptedDelivery: a shutdown while a webhook waits to
// retry records the run as interrupted with its files, the directory
// destination delivered and the webhook interrupted after one attempt;
// the next start does not render again, does not copy to the directory
// again, and retries the webhook with the same delivery id until it gets
// it.
func TestResumeAfterInterruptedDelivery(t *testing.T) {
	e := engine(t, "report_resume_delivery")
	dir, archiveDir := t.TempDir(), t.TempDir()
	ops := newGatedReceiver(t, 2) // the first two attempts fail
	archive := &countingDestination{Destination: notify.NewDirectory("archive", archiveDir), done: make(chan struct{})}
	slow := webhook(t, "ops", ops.srv.URL)
	slow.Retry.Backoff, slow.Retry.MaxBackoff = time.Hour, time.Hour // the shutdown comes while it waits
	r := &textRenderer{}
	s := resumeService(t, e, r, dir, map[string]notify.Target{"ops": slow, "archive": {Destination: archive, Retry: quick}})
	ready := make(chan struct{})
	go func() { <-ops.requests; <-archive.done; close(ready) }()
	run := interrupt(t, s, ready)
	if len(run.Files) != 2 || r.calls.Load() != 1 {
		t.Fatalf("interrupted run %+v, %d renders", run, r.calls.Load())
	}
	states := map[string]string{}
	for _, d := range run.Deliveries {
		states[d.Destination] = d.Status
	}
	if states["ops"] != report.DeliveryInterrupted || states["archive"] != report.DeliveryOK {
		t.Fatalf("deliveries %+v", run.Deliveries)
	}
	noPartialFolders(t, dir, 1)

	// The restart, with the usual quick retries.
	targets := map[string]notify.Target{"ops": webhook(t, "ops", ops.srv.URL), "archive": {Destination: archive, Retry: quick}}
	if err := resumeService(t, e, r, dir, targets).CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantResumed(t, e, run.RunID, map[string]int{"ops": 3, "archive": 1})
	if r.calls.Load() != 1 || archive.sent.Load() != 1 || ops.ok.Load() != 1 {
		t.Fatalf("%d renders, %d directory copies, %d webhook deliveries; want 1 each", r.calls.Load(), archive.sent.Load(), ops.ok.Load())
	}
	close(ops.ids)
	n := 0
	for id := range ops.ids {
		n++
		if id != run.RunID {
			t.Errorf("delivery id %q, want the run's %s", id, run.RunID)
		}
	}
	if n != 3 {
		t.Errorf("%d webhook requests, want 3", n)
	}
	noPartialFolders(t, dir, 1)
	if entries, _ := os.ReadDir(filepath.Join(archiveDir, "weekly")); len(entries) != 1 {
		t.Errorf("the archive holds %d run folders", len(entries))
	}
}

// TestResumeAfterCrash: a run its process left running (killed, out of
// memory, power lost: no shutdown recorded it interrupted) is taken up at
// the next start only by a process that holds the database alone
// (Options.Alone, the embedded engine), and only if it started before that
// process: a scheduled run is resumed and delivered once; a manual one is
// recorded failed, as whether to deliver it is not on record.
func TestResumeAfterCrash(t *testing.T) {
	e := engine(t, "report_resume_crash")
	dir := t.TempDir()
	ops := newGatedReceiver(t, 0)
	targets := map[string]notify.Target{"ops": webhook(t, "ops", ops.srv.URL), "archive": {Destination: notify.NewDirectory("archive", t.TempDir()), Retry: quick}}
	r := &blockingRenderer{started: make(chan struct{})}
	run := interrupt(t, resumeService(t, e, r, dir, targets), r.started)
	run.Status, run.Error, run.FinishedAt = report.StatusRunning, "", time.Time{} // as a killed process leaves it
	if err := queries.InsertReportRun(context.Background(), e, run); err != nil {
		t.Fatal(err)
	}
	manual := run
	manual.RunID, manual.Trigger = uuid.NewString(), report.TriggerManual
	if err := queries.InsertReportRun(context.Background(), e, manual); err != nil {
		t.Fatal(err)
	}
	start := func(alone bool) {
		t.Helper()
		s, err := report.New([]report.Definition{weekly(t, "ops", "archive")}, report.Options{Engine: e, Renderer: r, Dir: dir, Targets: targets, Alone: alone})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	status := func() map[string]queries.ReportRun {
		out := map[string]queries.ReportRun{}
		for _, r := range runs(t, e, "weekly") {
			out[r.RunID] = r
		}
		return out
	}

	start(false) // a ClickHouse server: another process may be running them
	if got := status(); got[run.RunID].Status != report.StatusRunning || got[manual.RunID].Status != report.StatusRunning || len(ops.ids) != 0 {
		t.Fatalf("without Alone, runs left running were touched: %+v", got)
	}
	start(true)
	got := status()
	if s := got[run.RunID]; s.Status != report.StatusOK || s.Resumed != 1 {
		t.Errorf("the scheduled run left running: %+v, want resumed and ok", s)
	}
	if m := got[manual.RunID]; m.Status != report.StatusFailed || !strings.Contains(m.Error, "stopped without shutting down") || m.Resumed != 0 {
		t.Errorf("the manual run left running: %+v, want failed, naming the crash", m)
	}
	if n := len(ops.ids); n != 1 { // CatchUp has returned: deliveries are done
		t.Fatalf("the webhook got %d requests, want the scheduled run once", n)
	}
	if id := <-ops.ids; id != run.RunID {
		t.Fatalf("the webhook got delivery id %q, want the scheduled run's %s", id, run.RunID)
	}
	noPartialFolders(t, dir, 1)
}
