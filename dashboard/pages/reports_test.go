package pages_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/queries"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/internal/reporttest"
	"github.com/imscope/imscope/dashboard/report"
)

var fileLinkRE = regexp.MustCompile(`<a href="(/reports/runs/[^"]+)" data-file="([a-z]+)">`)

// TestReportsPage: each report with its definition and past runs — time in
// the report's zone, period, trigger, status per destination with attempts
// and error, links to its files — and hostile text shown as text.
func TestReportsPage(t *testing.T) {
	svc, dir := reporttest.Service(t, "weekly-page", reporttest.StubRenderer{})
	run, err := svc.Run(context.Background(), "weekly-page", report.Request{})
	if err != nil || run.Status != report.StatusPartial {
		t.Fatalf("run: %v %+v", err, run)
	}
	h := dashtest.Server(t, reporttest.WithReports(svc, dir))
	w := dashtest.Get(t, h, "/reports?lang=en")
	if w.Code != http.StatusOK {
		t.Fatalf("%d: %.300s", w.Code, w.Body)
	}
	body := w.Body.String()
	local := strings.ReplaceAll(run.StartedAt.In(sched(t)).Format("2006-01-02 15:04 -07:00"), "+", "&#43;")
	for _, want := range []string{
		`data-report="weekly-page"`, "CRON_TZ=Asia/Shanghai 0 0 9 * * MON", "zone Asia/Shanghai", "Week — the last full one", "Market share, Bridges", "中文",
		"<code>copy</code>, <code>ops</code>", `data-run-id="` + run.RunID + `"`, local, "<code>" + run.PeriodLabel + "</code>", "run by hand",
		"badge warn\">partial", "1 attempt(s)", "answered 500", dashtest.EscapedText(reporttest.HostileReportTitle),
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
		if w := dashtest.Get(t, h, links[kind]); links[kind] == "" || w.Code != http.StatusOK {
			t.Errorf("%s link %q: %d", kind, links[kind], w.Code)
		}
	}

	// The API says the same, in JSON and in each CSV table.
	reportsAPISaysTheSame(t, h, run, links)

	// Without a report service the page says what to do.
	w = dashtest.Get(t, dashtest.Server(t, nil), "/reports?lang=en")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "No reports configured.") || !strings.Contains(w.Body.String(), "under reports:") {
		t.Errorf("no reports: %d %.300s", w.Code, w.Body)
	}
}

// reportsAPISaysTheSame: /api/v1/reports lists the run the page shows,
// with the same file links, in JSON and in each CSV table.
func reportsAPISaysTheSame(t *testing.T, h http.Handler, run queries.ReportRun, links map[string]string) {
	t.Helper()
	_, d := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/reports?report=weekly-page"))
	reps := dashtest.Objs(t, d, "reports")
	if len(reps) != 1 || reps[0]["time_zone"] != "Asia/Shanghai" || reps[0]["schedule"] != "CRON_TZ=Asia/Shanghai 0 0 9 * * MON" || reps[0]["next_run"] == nil {
		t.Fatalf("reports %v", reps)
	}
	runs := dashtest.Objs(t, reps[0], "runs")
	if len(runs) != 1 || runs[0]["run_id"] != run.RunID || runs[0]["trigger"] != "manual" || len(dashtest.Objs(t, runs[0], "deliveries")) != 2 {
		t.Errorf("runs %v", runs)
	}
	for _, f := range dashtest.Objs(t, runs[0], "files") {
		if f["url"] != links[f["kind"].(string)] || strings.Contains(f["name"].(string), "/") {
			t.Errorf("file %v, page links %v", f, links)
		}
	}
	for table, n := range map[string]int{"reports": 1, "runs": 1, "deliveries": 2} {
		if rows := dashtest.GetCSV(t, h, "/api/v1/reports?report=weekly-page&format=csv&table="+table); len(rows) != n {
			t.Errorf("CSV %s: %d rows, want %d", table, len(rows), n)
		}
	}
	if w := dashtest.Get(t, h, "/api/v1/reports?report=nope"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"param":"report"`) {
		t.Errorf("unknown report: %d %s", w.Code, w.Body)
	}
	if w := dashtest.Get(t, h, "/api/v1/reports?limit=0"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"param":"limit"`) {
		t.Errorf("limit=0: %d %s", w.Code, w.Body)
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
	svc, dir := reporttest.Service(t, reporttest.HostileReportName, reporttest.StubRenderer{Gate: gate, Started: started})
	h, _ := dashtest.AdminServer(t, false, reporttest.WithReports(svc, dir))
	action := "/reports/" + url.PathEscape(reporttest.HostileReportName) + "/run"

	if w := dashtest.Post(t, h, action, nil, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", w.Code)
	}
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	page := dashtest.GetWith(t, h, "/reports", cookies).Body.String()
	if !strings.Contains(page, `action="`+html.EscapeString(action)+`"`) && !strings.Contains(page, `action="`+action+`"`) {
		t.Fatalf("no run form posting to %s: %.2000s", action, page)
	}
	token := dashtest.CSRFFieldRE.FindStringSubmatch(page)[1]
	if w := dashtest.Post(t, h, action, url.Values{}, cookies); w.Code != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", w.Code)
	}
	if w := dashtest.Post(t, h, "/reports/nope/run", url.Values{"_csrf": {token}}, cookies); w.Code != http.StatusNotFound {
		t.Errorf("unknown report: %d", w.Code)
	}

	// A run in progress (the schedule's, say): run now is refused, clearly.
	done := make(chan error, 1)
	go func() {
		_, err := svc.Run(context.Background(), reporttest.HostileReportName, report.Request{Trigger: report.TriggerSchedule, Slot: dashtest.DemoNow})
		done <- err
	}()
	<-started
	w := dashtest.Post(t, h, action, url.Values{"_csrf": {token}}, cookies)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/reports" {
		t.Fatalf("while running: %d → %q", w.Code, w.Header().Get("Location"))
	}
	if b := dashtest.GetWith(t, h, "/reports?lang=en", append(cookies, w.Result().Cookies()...)).Body.String(); !strings.Contains(b, "is running already") {
		t.Errorf("no notice that it is running: %.3000s", b)
	}
	viaAPI := dashtest.Post(t, h, "/api/v1"+action, nil, nil, "Authorization", "Bearer "+dashtest.TestToken)
	if viaAPI.Code != http.StatusConflict || !strings.Contains(viaAPI.Body.String(), `"code":"conflict"`) {
		t.Errorf("API while running: %d %s", viaAPI.Code, viaAPI.Body)
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
	w = dashtest.Post(t, h, action, url.Values{"_csrf": {token}}, cookies)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("run: %d %s", w.Code, w.Body)
	}
	b := dashtest.GetWith(t, h, "/reports?lang=en", append(cookies, w.Result().Cookies()...)).Body.String()
	if !strings.Contains(b, `<div class="notice warn" role="alert">Ran `+dashtest.EscapedText(reporttest.HostileReportName)) || !strings.Contains(b, "partial.") || !strings.Contains(b, "ops: ") {
		t.Errorf("no outcome notice: %.3000s", b)
	}
	if strings.Contains(b, "<img src=x") {
		t.Error("the hostile name is markup")
	}
	// The flash is shown once.
	if b := dashtest.GetWith(t, h, "/reports?lang=en", cookies).Body.String(); strings.Contains(b, "notice warn") {
		t.Error("the notice is shown again")
	}
	viaAPI = dashtest.Post(t, h, "/api/v1"+action, nil, nil, "Authorization", "Bearer "+dashtest.TestToken)
	var got struct {
		Data api.ReportRun `json:"data"`
	}
	if err := json.Unmarshal(viaAPI.Body.Bytes(), &got); err != nil || viaAPI.Code != http.StatusOK || got.Data.Trigger != "manual" || got.Data.Status != "partial" || len(got.Data.Files) != 3 || got.Data.Files[0].URL == "" {
		t.Errorf("API run: %d %s", viaAPI.Code, viaAPI.Body)
	}
	if w := dashtest.Post(t, h, "/api/v1/reports/nope/run", nil, nil, "Authorization", "Bearer "+dashtest.TestToken); w.Code != http.StatusNotFound {
		t.Errorf("API unknown report: %d", w.Code)
	}
}
