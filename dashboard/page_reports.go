package dashboard

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/imscope/imscope/dashboard/report"
	"github.com/imscope/imscope/queries"
)

// The Reports page and its API: each configured report with its past runs
// (report_runs), "run now" for the admin, and the files of a run, served
// from the report directory.

// Reports is what the dashboard needs of the report service
// (*report.Service): the configured reports, when each runs next, and a
// run now.
type Reports interface {
	Definitions() []report.Definition
	Next(name string) time.Time
	Run(ctx context.Context, name string, req report.Request) (queries.ReportRun, error)
}

const pReport = "report"

type reportJSON struct {
	Name         string          `json:"name"`
	Title        string          `json:"title"`
	Configured   bool            `json:"configured"` // false: runs on record of a report no longer configured
	Schedule     string          `json:"schedule"`   // cron spec with its CRON_TZ; "" on demand only
	TimeZone     string          `json:"time_zone"`  // the zone of its schedule and periods
	NextRun      *time.Time      `json:"next_run"`
	Granularity  string          `json:"granularity"` // a run covers the last full one
	Sections     []string        `json:"sections"`
	Language     string          `json:"language"`
	Destinations []string        `json:"destinations"` // besides the report directory
	CatchUp      bool            `json:"catch_up"`
	Runs         []reportRunJSON `json:"runs"` // newest first
}

type reportRunJSON struct {
	RunID        string               `json:"run_id"`
	Report       string               `json:"report"`
	Trigger      string               `json:"trigger"` // schedule, catch-up, missed, manual
	Late         bool                 `json:"late"`
	ScheduledFor time.Time            `json:"scheduled_for"`
	StartedAt    time.Time            `json:"started_at"`
	FinishedAt   *time.Time           `json:"finished_at"` // null while running
	Period       string               `json:"period"`
	Granularity  string               `json:"granularity"`
	PeriodFrom   time.Time            `json:"period_from"`
	PeriodTo     time.Time            `json:"period_to"`
	TimeZone     string               `json:"time_zone"`
	Status       string               `json:"status"` // running, ok, partial, failed, missed
	Error        string               `json:"error"`
	Notes        []string             `json:"notes"`
	Files        []reportFileJSON     `json:"files"`
	Deliveries   []reportDeliveryJSON `json:"deliveries"`
}

type reportFileJSON struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // html, pdf, zip
	URL  string `json:"url"`  // "" when written outside the report directory (report run --out)
}

type reportDeliveryJSON struct {
	Destination string `json:"destination"`
	Kind        string `json:"kind"`
	Status      string `json:"status"` // ok, failed
	Attempts    int    `json:"attempts"`
	Error       string `json:"error"`
}

type reportsData struct {
	Reports []reportJSON `json:"reports"`
}

func (d reportsData) rows(table string) [][]any {
	var out [][]any
	for _, r := range d.Reports {
		if table == "reports" {
			out = append(out, []any{r.Name, r.Title, r.Configured, r.Schedule, r.TimeZone, r.NextRun, r.Granularity, r.Sections, r.Language, r.Destinations, r.CatchUp})
			continue
		}
		for _, run := range r.Runs {
			if table == "runs" {
				files := make([]string, len(run.Files))
				for i, f := range run.Files {
					files[i] = f.Name
				}
				out = append(out, []any{run.RunID, run.Report, run.Trigger, run.Late, run.ScheduledFor, run.StartedAt, run.FinishedAt, run.Period,
					run.Granularity, run.PeriodFrom, run.PeriodTo, run.TimeZone, run.Status, run.Error, run.Notes, files})
				continue
			}
			for _, dl := range run.Deliveries {
				out = append(out, []any{run.RunID, run.Report, dl.Destination, dl.Kind, dl.Status, dl.Attempts, dl.Error})
			}
		}
	}
	return out
}

var reportsEndpoint = &endpoint{
	Path:    "/reports",
	Summary: "Scheduled reports and their recent runs",
	Description: "Every configured report (schedule, zone, next run, period, sections, language, destinations) with its latest runs from report_runs, newest first: " +
		"trigger, status, each destination's outcome and the files, linked under /reports/runs/RUN_ID/FILE. Reports no longer configured are listed with their runs on record.",
	Params: []paramDoc{
		{Name: pReport, Type: "string", Doc: "one report by name; default all"},
		{Name: pLimit, Type: "integer", Default: "10", Doc: "at most this many runs of each report (1–100)"},
	},
	Tables: []tableSpec{
		{Name: "reports", Doc: "one row per report", Columns: []column{
			{"name", "string", "report name"},
			{"title", "string", "its title"},
			{"configured", "boolean", "in the current configuration"},
			{"schedule", "string", "cron spec; empty: on demand"},
			{"time_zone", "string", "zone of the schedule and the periods"},
			{"next_run", "date-time", "next scheduled run"},
			{"granularity", "string", "a run covers the last full day, week, month, quarter or year"},
			{"sections", "string", "sections, ;-separated"},
			{"language", "string", "en or zh-CN"},
			{"destinations", "string", "destinations, ;-separated"},
			{"catch_up", "boolean", "a slot missed while imscope was down runs at start"},
		}},
		{Name: "runs", Doc: "one row per run, newest first within each report", Columns: []column{
			{"run_id", "string", "run id"},
			{"report", "string", "report name"},
			{"trigger", "string", "schedule, catch-up, missed or manual"},
			{"late", "boolean", "started well after its slot"},
			{"scheduled_for", "date-time", "the slot it ran for"},
			{"started_at", "date-time", "when it started"},
			{"finished_at", "date-time", "when it finished; empty while running"},
			{"period", "string", "the period covered, e.g. 2026-W09"},
			{"granularity", "string", "day, week, month, quarter or year"},
			{"period_from", "date-time", "start of the period"},
			{"period_to", "date-time", "end of the period (exclusive)"},
			{"time_zone", "string", "the zone of the period"},
			{"status", "string", "running, ok, partial, failed or missed"},
			{"error", "string", "why it failed"},
			{"notes", "string", "what the reader should know, ;-separated"},
			{"files", "string", "files written, ;-separated"},
		}},
		{Name: "deliveries", Doc: "one row per run and destination", Columns: []column{
			{"run_id", "string", "run id"},
			{"report", "string", "report name"},
			{"destination", "string", "destination name"},
			{"kind", "string", "webhook, email or directory"},
			{"status", "string", "ok or failed"},
			{"attempts", "integer", "tries made"},
			{"error", "string", "the last error"},
		}},
	},
	Data: reportsData{},
}

type reportsParams struct {
	report string
	limit  int
}

func (a *api) registerReports() {
	register(a, reportsEndpoint,
		func(_ context.Context, q *request, _ shared) (reportsParams, error) {
			p := reportsParams{report: q.raw(pReport)}
			if len(p.report) > maxLabelLen {
				return p, invalid(pReport, fmt.Sprintf("longer than %d bytes", maxLabelLen))
			}
			if p.report != "" {
				q.set(pReport, p.report)
			}
			var err error
			p.limit, err = q.parseInt(pLimit, 1, 100, 10)
			return p, err
		},
		func(ctx context.Context, p reportsParams) (result, error) {
			runs, err := queries.RecentReportRuns(ctx, a.engine, p.report, p.limit)
			if err != nil {
				return nil, err
			}
			d := reportsData{Reports: []reportJSON{}}
			index := map[string]int{}
			if s := a.opts.Reports; s != nil {
				for _, def := range s.Definitions() {
					if p.report == "" || def.Name == p.report {
						index[def.Name] = len(d.Reports)
						d.Reports = append(d.Reports, definitionJSON(def, s.Next(def.Name)))
					}
				}
			}
			configured := len(d.Reports)
			for _, r := range runs {
				i, ok := index[r.Report]
				if !ok {
					i = len(d.Reports)
					index[r.Report] = i
					d.Reports = append(d.Reports, reportJSON{Name: r.Report, TimeZone: r.TimeZone, Granularity: r.Granularity,
						Sections: []string{}, Destinations: []string{}, Runs: []reportRunJSON{}})
				}
				d.Reports[i].Runs = append(d.Reports[i].Runs, runJSON(r, a.opts.ReportDir))
			}
			if p.report != "" && len(d.Reports) == 0 {
				return nil, invalid(pReport, fmt.Sprintf("no report named %s is configured or on record", quote(p.report)))
			}
			rest := d.Reports[configured:]
			slices.SortFunc(rest, func(x, y reportJSON) int { return strings.Compare(x.Name, y.Name) })
			return d, nil
		})
}

func definitionJSON(def report.Definition, next time.Time) reportJSON {
	r := reportJSON{Name: def.Name, Title: def.Title, Configured: true, TimeZone: def.Location.String(), NextRun: optTime(next),
		Granularity: string(def.Granularity), Language: def.Language, Destinations: nonNil(slices.Clone(def.Destinations)),
		CatchUp: def.CatchUp, Sections: []string{}, Runs: []reportRunJSON{}}
	if def.Schedule != nil {
		r.Schedule = def.Schedule.String()
	}
	for _, s := range def.Sections {
		r.Sections = append(r.Sections, string(s))
	}
	return r
}

// runJSON is a run as the API shows it: its files by name, with the link
// that serves each when it lies in the report directory (dir; "" serves
// none). Paths on the server are not shown.
func runJSON(r queries.ReportRun, dir string) reportRunJSON {
	out := reportRunJSON{
		RunID: r.RunID, Report: r.Report, Trigger: r.Trigger, Late: r.Late, ScheduledFor: r.ScheduledFor.UTC(), StartedAt: r.StartedAt.UTC(),
		FinishedAt: optTime(r.FinishedAt), Period: r.PeriodLabel, Granularity: r.Granularity, PeriodFrom: r.PeriodFrom.UTC(), PeriodTo: r.PeriodTo.UTC(),
		TimeZone: r.TimeZone, Status: r.Status, Error: r.Error, Notes: nonNil(r.Notes), Files: []reportFileJSON{}, Deliveries: []reportDeliveryJSON{},
	}
	for _, f := range r.Files {
		name := filepath.Base(f)
		file := reportFileJSON{Name: name, Kind: strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), ".")}
		if inDir(dir, f) {
			file.URL = "/reports/runs/" + url.PathEscape(r.RunID) + "/" + url.PathEscape(name)
		}
		out.Files = append(out.Files, file)
	}
	for _, dl := range r.Deliveries {
		out.Deliveries = append(out.Deliveries, reportDeliveryJSON(dl))
	}
	return out
}

// inDir reports whether path lies below dir, by its text (the file is
// opened through an os.Root of dir, which also refuses links out of it).
func inDir(dir, path string) bool {
	if dir == "" {
		return false
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && filepath.IsLocal(rel)
}

// reportsView is the Reports page's content.
type reportsView struct {
	Data       reportsData
	Configured bool // any report is configured
	CanRun     bool
	Links      []navLink
}

// At is t in zone (a report's or a run's), to the minute with its offset.
func (reportsView) At(t any, zone string) string {
	var when time.Time
	switch x := t.(type) {
	case time.Time:
		when = x
	case *time.Time:
		if x != nil {
			when = *x
		}
	}
	if when.IsZero() {
		return missing
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return when.In(loc).Format("2006-01-02 15:04 -07:00")
}

// RunAction is where the run-now form of report name posts.
func (reportsView) RunAction(name string) string { return "/reports/" + url.PathEscape(name) + "/run" }

// LangName is a report language's own name.
func (reportsView) LangName(lang string) string { return translate(lang, "lang.self") }

// FileLabel names a run file's link by its kind.
func (reportsView) FileLabel(kind string) string {
	if kind == "zip" {
		return "CSV (ZIP)"
	}
	return strings.ToUpper(kind)
}

// StatusClass colours a run's or a delivery's status.
func (reportsView) StatusClass(s string) string {
	switch s {
	case report.StatusOK:
		return "good"
	case report.StatusPartial, report.StatusMissed:
		return "warn"
	case report.StatusRunning:
		return ""
	}
	return "bad"
}

func (d *Dashboard) buildReports(p *pageCtx) error {
	p.takeFlash()
	v := reportsView{CanRun: d.opts.Reports != nil && p.view.User != nil && p.view.User.Admin}
	res, q, err := p.ask("/reports")
	if err != nil {
		p.view.Content = v
		return err
	}
	v.Data, v.Links = res.(reportsData), p.dataLinks("/reports", q, "reports", "runs", "deliveries")
	v.Configured = len(v.Data.Reports) > 0 && v.Data.Reports[0].Configured
	p.view.Content = v
	return nil
}

// reportRoutes mounts the Reports page's action and the run files.
func (d *Dashboard) reportRoutes(r *gin.Engine) {
	r.POST("/reports/:name/run", d.requireAdmin, func(c *gin.Context) {
		name := c.Param("name")
		run, err := d.runReport(c, name)
		lang := requestLang(c.Request, "")
		switch {
		case errors.Is(err, report.ErrRunning):
			d.flash(c, "warn", translate(lang, "reports.busy", name))
		case run.RunID != "":
			kind, text := runNotice(lang, run)
			d.flash(c, kind, text)
		case err != nil:
			d.actionFailed(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/reports")
	})
	r.GET("/reports/runs/:run/:file", d.serveRunFile)
}

// runReport runs report name now for the admin.
func (d *Dashboard) runReport(c *gin.Context, name string) (queries.ReportRun, error) {
	if d.opts.Reports == nil || !slices.ContainsFunc(d.opts.Reports.Definitions(), func(def report.Definition) bool { return def.Name == name }) {
		return queries.ReportRun{}, errNoSuch{"report", name}
	}
	// As a collector run: it goes on if the admin closes the tab, and its
	// outcome is recorded in report_runs either way.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), maxRunNow)
	defer cancel()
	allowSlowAnswer(c, maxRunNow+time.Minute)
	d.opts.Logger.Info("report run requested", "report", name, "by", currentUser(c).Name, "request_id", requestID(c))
	run, err := d.opts.Reports.Run(ctx, name, report.Request{Trigger: report.TriggerManual})
	d.forget()
	return run, err
}

// runNotice says how a run went, in lang.
func runNotice(lang string, run queries.ReportRun) (kind, text string) {
	kind = "info"
	text = translate(lang, "reports.ran", run.Report, run.PeriodLabel, translate(lang, "status."+run.Status))
	var failed []string
	for _, dl := range run.Deliveries {
		if dl.Status != "ok" {
			failed = append(failed, dl.Destination+": "+dl.Error)
		}
	}
	switch run.Status {
	case report.StatusFailed:
		kind, failed = "error", []string{run.Error}
	case report.StatusPartial:
		kind = "warn"
	}
	if len(failed) > 0 {
		text += " " + strings.Join(failed, "; ")
	}
	return kind, text
}

// Run files are served by their run's record, never by a path from the
// URL: the file must be one the run recorded, named as recorded, lying in
// the report directory; it is opened through an os.Root of that directory.
var runFileTypes = map[string]struct{ contentType, disposition, csp string }{
	// The report is self-contained: its inline scripts (ECharts and the
	// charts) run, nothing else loads, and the sandbox gives it an opaque
	// origin, so it cannot read our cookies or act as a page of ours.
	".html": {"text/html; charset=utf-8", "inline",
		"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; " +
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox allow-scripts allow-downloads"},
	// A sandbox would stop browsers' PDF viewers; a PDF runs no script of ours.
	".pdf": {"application/pdf", "inline", "default-src 'none'; frame-ancestors 'none'"},
	".zip": {"application/zip", "attachment", "default-src 'none'; frame-ancestors 'none'; sandbox"},
}

// reportFileWriteTime is how long sending one report file may take.
const reportFileWriteTime = 10 * time.Minute

func (d *Dashboard) serveRunFile(c *gin.Context) {
	id, name := c.Param("run"), c.Param("file")
	if u, err := uuid.Parse(id); err != nil || u.String() != id || d.opts.ReportDir == "" {
		d.notFound(c)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), d.opts.RequestTimeout)
	defer cancel()
	run, ok, err := queries.ReportRunByID(ctx, d.opts.Engine, id)
	if err != nil {
		d.fileFailed(c, err)
		return
	}
	var path string
	for _, f := range run.Files {
		if filepath.Base(f) == name && inDir(d.opts.ReportDir, f) {
			path = f
		}
	}
	if !ok || path == "" {
		d.notFound(c)
		return
	}
	root, err := os.OpenRoot(d.opts.ReportDir)
	if err != nil {
		d.fileFailed(c, err)
		return
	}
	defer root.Close()
	rel, _ := filepath.Rel(d.opts.ReportDir, path) // inDir checked it
	f, err := root.Open(rel)
	if err != nil {
		// Deleted by retention or by hand, or a link out of the directory.
		if !errors.Is(err, os.ErrNotExist) {
			d.opts.Logger.Warn("a report file is not served", "run", id, "file", name, "err", err)
		}
		d.notFound(c)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		d.notFound(c)
		return
	}
	t, ok := runFileTypes[strings.ToLower(filepath.Ext(name))]
	if !ok {
		t.contentType, t.disposition, t.csp = "application/octet-stream", "attachment", runFileTypes[".zip"].csp
	}
	h := c.Writer.Header()
	h.Set("Content-Type", t.contentType)
	h.Set("Content-Disposition", mime.FormatMediaType(t.disposition, map[string]string{"filename": name}))
	h.Set("Content-Security-Policy", t.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600") // a run's files never change
	allowSlowAnswer(c, reportFileWriteTime)         // a report's PDF or ZIP can be large, the reader slow
	http.ServeContent(c.Writer, c.Request, name, st.ModTime(), f)
}

// fileFailed answers a run file that could not be read: 503 while the
// engine is away, else 500 with the request id (the error goes to the log).
func (d *Dashboard) fileFailed(c *gin.Context, err error) {
	id := requestID(c)
	if d.api.unavailable(c.Request.Context(), err) {
		c.Header("Retry-After", "5")
		c.String(http.StatusServiceUnavailable, "503 the database engine is not answering; try again shortly\n")
		return
	}
	d.opts.Logger.Error("cannot serve a report file", "request_id", id, "err", err)
	c.String(http.StatusInternalServerError, "500 internal error; quote request id %s\n", id)
}

// reportActions are the admin's report operations of the API.
func (d *Dashboard) reportActions() []*action {
	if d.opts.Reports == nil {
		return nil
	}
	return []*action{{
		ID: "report_run", Method: http.MethodPost, Path: "/reports/:name/run",
		Summary: "Run a report now",
		Description: "Runs the named report once for the last full period before now, as its schedule would (written to the report directory, delivered to its destinations, " +
			"recorded in report_runs with trigger manual), and answers when it has finished. A run that failed is answered with status failed and its error.",
		Params: []paramDoc{{Name: "name", In: "path", Type: "string", Required: true, Doc: "the report's name in the configuration"}},
		Errors: map[string]string{"409": "the report is running already (its schedule or another request); try again when it has finished"},
		Data:   reportRunJSON{},
		handle: func(c *gin.Context) {
			run, err := d.runReport(c, c.Param("name"))
			if run.RunID == "" || errors.Is(err, report.ErrRunning) {
				d.actionFailed(c, err)
				return
			}
			c.JSON(http.StatusOK, gin.H{"data": runJSON(run, d.opts.ReportDir)})
		},
	}}
}
