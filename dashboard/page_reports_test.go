package dashboard

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/dashboard/report"
	"github.com/imscope/imscope/queries"
)

// stubRenderer is a trivial real renderer: a page with an inline script,
// a PDF-looking file and a ZIP. With gate set, each render waits for it
// (after saying so on started), so a test can hold a run in progress.
type stubRenderer struct {
	gate, started chan struct{}
}

func (r stubRenderer) Render(ctx context.Context, def report.Definition, p report.Periods) (*report.Output, error) {
	if r.gate != nil {
		r.started <- struct{}{}
		select {
		case <-r.gate:
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

// hostileReport is a report name and title that try to break out of the page.
const (
	hostileReportName  = `x"><img src=x onerror=alert(1)>`
	hostileReportTitle = `</script><script>alert(1)</script>`
)

// reportService is a real report.Service over the demo engine writing to a
// fresh report directory: report name (weekly, Asia/Shanghai, in Chinese)
// delivered to a directory and to a webhook that always fails.
func reportService(t *testing.T, name string, r report.Renderer) (*report.Service, string) {
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
		Name: name, Title: hostileReportTitle, Schedule: sched, Location: sched.Location(), Granularity: imscope.Week,
		Sections: []report.Section{report.SectionShare, report.SectionBridges}, Language: langZH, Destinations: []string{"copy", "ops"},
	}}, report.Options{
		Engine: demo(t).engine, Renderer: r, Dir: dir, Now: func() time.Time { return demoNow },
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

func withReports(svc *report.Service, dir string) func(*Options) {
	return func(o *Options) { o.Reports, o.ReportDir = svc, dir }
}

var fileLinkRE = regexp.MustCompile(`<a href="(/reports/runs/[^"]+)" data-file="([a-z]+)">`)

// TestReportsPage: each report with its definition and past runs — time in
// the report's zone, period, trigger, status per destination with attempts
// and error, links to its files — and hostile text shown as text.
func TestReportsPage(t *testing.T) {
	svc, dir := reportService(t, "weekly-page", stubRenderer{})
	run, err := svc.Run(context.Background(), "weekly-page", report.Request{})
	if err != nil || run.Status != report.StatusPartial {
		t.Fatalf("run: %v %+v", err, run)
	}
	h := server(t, withReports(svc, dir))
	w := get(t, h, "/reports?lang=en")
	if w.Code != http.StatusOK {
		t.Fatalf("%d: %.300s", w.Code, w.Body)
	}
	body := w.Body.String()
	local := strings.ReplaceAll(run.StartedAt.In(sched(t)).Format("2006-01-02 15:04 -07:00"), "+", "&#43;")
	for _, want := range []string{
		`data-report="weekly-page"`, "CRON_TZ=Asia/Shanghai 0 0 9 * * MON", "zone Asia/Shanghai", "Week — the last full one", "Market share, Bridges", "中文",
		"<code>copy</code>, <code>ops</code>", `data-run-id="` + run.RunID + `"`, local, "<code>" + run.PeriodLabel + "</code>", "run by hand",
		"badge warn\">partial", "1 attempt(s)", "answered 500", escapedText(hostileReportTitle),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "data-run=") {
		t.Error("raw markup, or a run button for a viewer")
	}
	links := map[string]string{}
	for _, m := range fileLinkRE.FindAllStringSubmatch(body, -1) {
		links[m[2]] = html.UnescapeString(m[1])
	}
	for _, kind := range []string{"html", "pdf", "zip"} {
		if w := get(t, h, links[kind]); links[kind] == "" || w.Code != http.StatusOK {
			t.Errorf("%s link %q: %d", kind, links[kind], w.Code)
		}
	}

	// The API says the same, in JSON and in each CSV table.
	_, d := decode(t, get(t, h, "/api/v1/reports?report=weekly-page"))
	reps := objs(t, d, "reports")
	if len(reps) != 1 || reps[0]["time_zone"] != "Asia/Shanghai" || reps[0]["schedule"] != "CRON_TZ=Asia/Shanghai 0 0 9 * * MON" || reps[0]["next_run"] == nil {
		t.Fatalf("reports %v", reps)
	}
	runs := objs(t, reps[0], "runs")
	if len(runs) != 1 || runs[0]["run_id"] != run.RunID || runs[0]["trigger"] != "manual" || len(objs(t, runs[0], "deliveries")) != 2 {
		t.Errorf("runs %v", runs)
	}
	for _, f := range objs(t, runs[0], "files") {
		if f["url"] != links[f["kind"].(string)] || strings.Contains(f["name"].(string), "/") {
			t.Errorf("file %v, page links %v", f, links)
		}
	}
	for table, n := range map[string]int{"reports": 1, "runs": 1, "deliveries": 2} {
		if rows := getCSV(t, h, "/api/v1/reports?report=weekly-page&format=csv&table="+table); len(rows) != n {
			t.Errorf("CSV %s: %d rows, want %d", table, len(rows), n)
		}
	}
	if w := get(t, h, "/api/v1/reports?report=nope"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"param":"report"`) {
		t.Errorf("unknown report: %d %s", w.Code, w.Body)
	}
	if w := get(t, h, "/api/v1/reports?limit=0"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"param":"limit"`) {
		t.Errorf("limit=0: %d %s", w.Code, w.Body)
	}

	// Without a report service the page says what to do.
	w = get(t, server(t, nil), "/reports?lang=en")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "No reports configured.") || !strings.Contains(w.Body.String(), "under reports:") {
		t.Errorf("no reports: %d %.300s", w.Code, w.Body)
	}
}

func sched(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestReportRunNow: "Run now" is the admin's, needs the form's CSRF token,
// runs the report and says how it went; a report already running is a
// clear notice (409 from the API), not a 500.
func TestReportRunNow(t *testing.T) {
	gate, started := make(chan struct{}), make(chan struct{}, 1)
	svc, dir := reportService(t, hostileReportName, stubRenderer{gate: gate, started: started})
	h, _ := adminServer(t, false, withReports(svc, dir))
	action := "/reports/" + url.PathEscape(hostileReportName) + "/run"

	if w := post(t, h, action, nil, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", w.Code)
	}
	_, cookies := signIn(t, h, testPassword)
	page := getWith(t, h, "/reports", cookies).Body.String()
	if !strings.Contains(page, `action="`+html.EscapeString(action)+`"`) && !strings.Contains(page, `action="`+action+`"`) {
		t.Fatalf("no run form posting to %s: %.2000s", action, page)
	}
	token := csrfFieldRE.FindStringSubmatch(page)[1]
	if w := post(t, h, action, url.Values{}, cookies); w.Code != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", w.Code)
	}
	if w := post(t, h, "/reports/nope/run", url.Values{"_csrf": {token}}, cookies); w.Code != http.StatusNotFound {
		t.Errorf("unknown report: %d", w.Code)
	}

	// A run in progress (the schedule's, say): run now is refused, clearly.
	done := make(chan error, 1)
	go func() {
		_, err := svc.Run(context.Background(), hostileReportName, report.Request{Trigger: report.TriggerSchedule, Slot: demoNow})
		done <- err
	}()
	<-started
	w := post(t, h, action, url.Values{"_csrf": {token}}, cookies)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/reports" {
		t.Fatalf("while running: %d → %q", w.Code, w.Header().Get("Location"))
	}
	if b := getWith(t, h, "/reports?lang=en", append(cookies, w.Result().Cookies()...)).Body.String(); !strings.Contains(b, "is running already") {
		t.Errorf("no notice that it is running: %.3000s", b)
	}
	api := post(t, h, "/api/v1"+action, nil, nil, "Authorization", "Bearer "+testToken)
	if api.Code != http.StatusConflict || !strings.Contains(api.Body.String(), `"code":"conflict"`) {
		t.Errorf("API while running: %d %s", api.Code, api.Body)
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	// Now it runs, and the page says how it went.
	go func() {
		for range started {
		}
	}()
	defer close(started)
	w = post(t, h, action, url.Values{"_csrf": {token}}, cookies)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("run: %d %s", w.Code, w.Body)
	}
	b := getWith(t, h, "/reports?lang=en", append(cookies, w.Result().Cookies()...)).Body.String()
	if !strings.Contains(b, `<div class="notice warn" role="alert">Ran `+escapedText(hostileReportName)) || !strings.Contains(b, "partial.") || !strings.Contains(b, "ops: ") {
		t.Errorf("no outcome notice: %.3000s", b)
	}
	if strings.Contains(b, "<img src=x") {
		t.Error("the hostile name is markup")
	}
	// The flash is shown once.
	if b := getWith(t, h, "/reports?lang=en", cookies).Body.String(); strings.Contains(b, "notice warn") {
		t.Error("the notice is shown again")
	}
	api = post(t, h, "/api/v1"+action, nil, nil, "Authorization", "Bearer "+testToken)
	var got struct {
		Data reportRunJSON `json:"data"`
	}
	if err := json.Unmarshal(api.Body.Bytes(), &got); err != nil || api.Code != http.StatusOK || got.Data.Trigger != "manual" || got.Data.Status != "partial" || len(got.Data.Files) != 3 || got.Data.Files[0].URL == "" {
		t.Errorf("API run: %d %s", api.Code, api.Body)
	}
	if w := post(t, h, "/api/v1/reports/nope/run", nil, nil, "Authorization", "Bearer "+testToken); w.Code != http.StatusNotFound {
		t.Errorf("API unknown report: %d", w.Code)
	}
}

// TestRunFiles: a run's files are served by its record — the right type,
// disposition and headers, the report under a CSP that runs its inline
// scripts in a sandbox — and nothing else is: not an unknown run or file,
// not a path from the URL, not a file outside the report directory.
func TestRunFiles(t *testing.T) {
	svc, dir := reportService(t, "weekly-files", stubRenderer{})
	run, err := svc.Run(context.Background(), "weekly-files", report.Request{})
	if err != nil {
		t.Fatal(err)
	}
	h := server(t, withReports(svc, dir))
	base := "/reports/runs/" + run.RunID + "/"
	for _, f := range run.Files {
		name := filepath.Base(f)
		w := get(t, h, base+url.PathEscape(name))
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
	forged := queries.ReportRun{RunID: uuid.NewString(), Report: "weekly-files", Trigger: "manual", ScheduledFor: demoNow, StartedAt: demoNow, FinishedAt: demoNow,
		Granularity: "week", PeriodLabel: "2012-W25", PeriodFrom: demoNow, PeriodTo: demoNow, TimeZone: "UTC", Status: "ok",
		Files: []string{outside, "/etc/passwd", link, filepath.Join(dir, "..", filepath.Base(filepath.Dir(outside)), "secret.html")}}
	if err := queries.InsertReportRun(context.Background(), demo(t).engine, forged); err != nil {
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
		if w := get(t, h, target); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "secret") || strings.Contains(w.Body.String(), "root:") {
			t.Errorf("%s: %d %.100s", target, w.Code, w.Body)
		}
	}
	// Viewers only: with RequireLogin, a file needs a sign-in like a page.
	h2, _ := adminServer(t, true, withReports(svc, dir))
	if w := get(t, h2, base+html0); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("anonymous with RequireLogin: %d %q", w.Code, w.Header().Get("Location"))
	}
	// A file retention has deleted is gone.
	if err := os.Remove(run.Files[0]); err != nil {
		t.Fatal(err)
	}
	if w := get(t, h, base+html0); w.Code != http.StatusNotFound {
		t.Errorf("deleted file: %d", w.Code)
	}
}

// TestReportsCatalogKeys: the keys the Reports and Alerts pages build at
// run time exist in both catalogs.
func TestReportsCatalogKeys(t *testing.T) {
	var keys []string
	for _, s := range []string{report.StatusRunning, report.StatusOK, report.StatusPartial, report.StatusFailed, report.StatusMissed} {
		keys = append(keys, "status."+s)
	}
	for _, tr := range []string{report.TriggerSchedule, report.TriggerCatchUp, report.TriggerMissed, report.TriggerManual} {
		keys = append(keys, "reports.trigger."+tr)
	}
	for _, s := range report.Sections {
		keys = append(keys, "report.section."+string(s))
	}
	for _, g := range granularities {
		keys = append(keys, "granularity."+string(g))
	}
	keys = append(keys, "silences.action.create", "silences.action.expire")
	for _, k := range keys {
		for _, l := range languages {
			if _, ok := catalogs[l][k]; !ok {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}
