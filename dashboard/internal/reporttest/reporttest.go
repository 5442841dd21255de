package reporttest

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/dashboard/pages"
	"github.com/imscope/imscope/dashboard/report"
)

// StubRenderer is a trivial real renderer: a page with an inline script,
// a PDF-looking file and a ZIP. With Gate set, each render waits for it
// (after saying so on Started), so a test can hold a run in progress.
type StubRenderer struct {
	Gate, Started chan struct{}
}

// Render draws the stub report.
func (r StubRenderer) Render(ctx context.Context, def report.Definition, p report.Periods) (*report.Output, error) {
	if r.Gate != nil {
		r.Started <- struct{}{}
		select {
		case <-r.Gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("share.csv")
	_, _ = w.Write([]byte("network,share\nqq,76.37\n"))
	_ = zw.Close()
	return &report.Output{
		HTML:    []byte("<!DOCTYPE html><title>" + html.EscapeString(def.Name) + "</title><p id=p>" + p.Current.Label + "</p><script>document.getElementById('p').dataset.ran = '1'</script>"),
		PDF:     []byte("%PDF-1.4\n% stub\n"),
		ZIP:     z.Bytes(),
		Summary: "QQ held 76.37% in " + p.Current.Label + ".",
	}, nil
}

// HostileReportName and HostileReportTitle try to break out of the page.
const (
	HostileReportName  = `x"><img src=x onerror=alert(1)>`
	HostileReportTitle = `</script><script>alert(1)</script>`
)

// Service is a real report.Service over the demo engine writing to a
// fresh report directory: report name (weekly, Asia/Shanghai, in Chinese)
// delivered to a directory and to a webhook that always fails.
func Service(t testing.TB, name string, r report.Renderer) (*report.Service, string) {
	t.Helper()
	sched, err := schedule.Parse("CRON_TZ=Asia/Shanghai 0 0 9 * * MON")
	if err != nil {
		t.Fatal(err)
	}
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	t.Cleanup(failing.Close)
	hook, err := notify.NewWebhook("ops", failing.URL, notify.WebhookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	svc, err := report.New([]report.Definition{{
		Name: name, Title: HostileReportTitle, Schedule: sched, Location: sched.Location(), Granularity: imscope.Week,
		Sections: []report.Section{report.SectionShare, report.SectionBridges}, Language: pages.LangZH, Destinations: []string{"copy", "ops"},
	}}, report.Options{
		Engine: dashtest.Engine(t), Renderer: r, Dir: dir, Now: func() time.Time { return dashtest.DemoNow },
		Targets: map[string]notify.Target{
			"copy": {Destination: notify.NewDirectory("copy", t.TempDir())},
			"ops":  {Destination: hook, Retry: notify.Retry{Attempts: 1}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc, dir
}

// WithReports gives a dashboard the report service svc writing to dir.
func WithReports(svc *report.Service, dir string) func(*dashboard.Options) {
	return func(o *dashboard.Options) { o.Reports, o.ReportDir = svc.ForAPI(), dir }
}
