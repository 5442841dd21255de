package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/internal/reporttest"
	"github.com/imscope/imscope/dashboard/report"
	"github.com/imscope/imscope/queries"
)

// TestRunFiles: a run's files are served by its record — the right type,
// disposition and headers, the report under a CSP that runs its inline
// scripts in a sandbox — and nothing else is: not an unknown run or file,
// not a path from the URL, not a file outside the report directory.
func TestRunFiles(t *testing.T) {
	svc, dir := reporttest.Service(t, "weekly-files", reporttest.StubRenderer{})
	run, err := svc.Run(context.Background(), "weekly-files", report.Request{})
	if err != nil {
		t.Fatal(err)
	}
	h := dashtest.Server(t, reporttest.WithReports(svc, dir))
	base := "/reports/runs/" + run.RunID + "/"
	for _, f := range run.Files {
		name := filepath.Base(f)
		w := dashtest.Get(t, h, base+url.PathEscape(name))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", name, w.Code)
		}
		want, _ := os.ReadFile(f)
		if !bytes.Equal(w.Body.Bytes(), want) {
			t.Errorf("%s: body differs", name)
		}
		hd := w.Header()
		ext := filepath.Ext(name)
		ctype, disp := map[string]string{".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".zip": "application/zip"}[ext], "inline"
		if ext == ".zip" {
			disp = "attachment"
		}
		if hd.Get("Content-Type") != ctype || !strings.HasPrefix(hd.Get("Content-Disposition"), disp+`; filename=`) || !strings.Contains(hd.Get("Content-Disposition"), name) || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", name, hd)
		}
		csp := hd.Get("Content-Security-Policy")
		if ext == ".html" {
			for _, want := range []string{"default-src 'none'", "script-src 'unsafe-inline'", "sandbox allow-scripts", "form-action 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("report CSP %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "'self'") || strings.Contains(csp, "allow-same-origin") || strings.Contains(csp, "http") {
				t.Errorf("report CSP %q lets it reach a host or act as our origin", csp)
			}
		}
	}

	// A record naming files outside the report directory, and a link in it
	// pointing out of it.
	outside := filepath.Join(t.TempDir(), "secret.html")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.html")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	forged := queries.ReportRun{RunID: uuid.NewString(), Report: "weekly-files", Trigger: "manual", ScheduledFor: dashtest.DemoNow, StartedAt: dashtest.DemoNow, FinishedAt: dashtest.DemoNow,
		Granularity: "week", PeriodLabel: "2012-W25", PeriodFrom: dashtest.DemoNow, PeriodTo: dashtest.DemoNow, TimeZone: "UTC", Status: "ok",
		Files: []string{outside, "/etc/passwd", link, filepath.Join(dir, "..", filepath.Base(filepath.Dir(outside)), "secret.html")}}
	if err := queries.InsertReportRun(context.Background(), dashtest.Engine(t), forged); err != nil {
		t.Fatal(err)
	}
	html0 := url.PathEscape(filepath.Base(run.Files[0]))
	for _, target := range []string{
		"/reports/runs/" + uuid.NewString() + "/" + html0,           // no such run
		"/reports/runs/not-a-uuid/" + html0,                         // not an id
		"/reports/runs/" + strings.ToUpper(run.RunID) + "/" + html0, // not as recorded
		base + "other.html",                                         // not a file of the run
		base + "..%2f..%2f..%2fetc%2fpasswd",
		base + "..%2f" + html0,
		base + "%2e%2e",
		base + url.PathEscape(dir+"/"+filepath.Base(run.Files[0])),
		"/reports/runs/" + forged.RunID + "/secret.html",
		"/reports/runs/" + forged.RunID + "/passwd",
		"/reports/runs/" + forged.RunID + "/link.html",
	} {
		if w := dashtest.Get(t, h, target); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "root:") {
			t.Errorf("%s: %d %.100s", target, w.Code, w.Body)
		}
	}
	// Viewers only: with RequireLogin, a file needs a sign-in like a page.
	h2, _ := dashtest.AdminServer(t, true, reporttest.WithReports(svc, dir))
	if w := dashtest.Get(t, h2, base+html0); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("anonymous with RequireLogin: %d %q", w.Code, w.Header().Get("Location"))
	}
	// A file retention has deleted is gone.
	if err := os.Remove(run.Files[0]); err != nil {
		t.Fatal(err)
	}
	if w := dashtest.Get(t, h, base+html0); w.Code != http.StatusNotFound {
		t.Errorf("deleted file: %d", w.Code)
	}
}
