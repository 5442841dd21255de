package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries"
)

// The reports API: each configured report with its past runs
// (report_runs) and "run now" for the admin; the files of a run are served
// from the report directory (runfiles.go).

// Reports is what the API needs of the report service: the configured
// reports and a run by hand. The report package adapts its Service to it
// (report.Service.ForAPI): reports draw the pages, which ask this API, so
// this package cannot name report's types.
type Reports interface {
	Definitions() []ReportDefinition
	// RunNow runs report name for the period opts ask for (default the
	// last full one), recorded with trigger manual. A report already
	// running is a *ConflictError.
	RunNow(ctx context.Context, name string, opts RunOptions) (queries.ReportRun, error)
}

// RunOptions are the choices of a report run started by hand, as
// `imscope report run` offers them.
type RunOptions struct {
	// Period is the period to cover ("2026-03", "2026-Q1"); "" is the last
	// full one. A label the report cannot cover is an *imscope.InvalidError.
	Period string
	// NoDelivery renders and writes the report but sends it nowhere.
	NoDelivery bool
}

// ParamDeliver is a report run's choice to deliver (true, the default)
// or only write; its period is ParamPeriod.
const ParamDeliver = "deliver"

// ReportDefinition is a configured report, as the API lists it.
type ReportDefinition struct {
	Name, Title  string
	Schedule     string         // cron spec with its CRON_TZ; "" on demand only
	Location     *time.Location // the zone of its schedule and periods
	Next         time.Time      // its next scheduled run; zero: never
	Granularity  imscope.Granularity
	Sections     []string
	Language     string
	Destinations []string
	CatchUp      bool
}

// ParamReport names one report.
const ParamReport = "report"

// Report is a report as the API shows it, with its latest runs.
type Report struct {
	Name         string      `json:"name"`
	Title        string      `json:"title"`
	Configured   bool        `json:"configured"` // false: runs on record of a report no longer configured
	Schedule     string      `json:"schedule"`   // cron spec with its CRON_TZ; "" on demand only
	TimeZone     string      `json:"time_zone"`  // the zone of its schedule and periods
	NextRun      *time.Time  `json:"next_run"`
	Granularity  string      `json:"granularity"` // a run covers the last full one
	Sections     []string    `json:"sections"`
	Language     string      `json:"language"`
	Destinations []string    `json:"destinations"` // besides the report directory
	CatchUp      bool        `json:"catch_up"`
	Runs         []ReportRun `json:"runs"` // newest first
}

// ReportRun is one run of a report.
type ReportRun struct {
	RunID        string           `json:"run_id"`
	Report       string           `json:"report"`
	Trigger      string           `json:"trigger"` // schedule, catch-up, missed, manual
	Late         bool             `json:"late"`
	Resumed      int              `json:"resumed"` // starts that resumed it after a shutdown interrupted it
	ScheduledFor time.Time        `json:"scheduled_for"`
	StartedAt    time.Time        `json:"started_at"`
	FinishedAt   *time.Time       `json:"finished_at"` // null while running
	Period       string           `json:"period"`
	Granularity  string           `json:"granularity"`
	PeriodFrom   time.Time        `json:"period_from"`
	PeriodTo     time.Time        `json:"period_to"`
	TimeZone     string           `json:"time_zone"`
	Status       string           `json:"status"` // running, ok, partial, failed, missed, interrupted
	Error        string           `json:"error"`
	Notes        []string         `json:"notes"`
	Files        []ReportFile     `json:"files"`
	Deliveries   []ReportDelivery `json:"deliveries"`
}

// ReportFile is a file a run wrote.
type ReportFile struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // html, pdf, zip
	URL  string `json:"url"`  // "" when written outside the report directory (report run --out)
}

// ReportDelivery is a run's delivery to one destination.
type ReportDelivery struct {
	Destination string `json:"destination"`
	Kind        string `json:"kind"`
	Status      string `json:"status"` // ok, failed, pending, interrupted
	Attempts    int    `json:"attempts"`
	Error       string `json:"error"`
}

// ReportsData answers /reports.
type ReportsData struct {
	Reports []Report `json:"reports"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d ReportsData) Rows(table string) [][]any {
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
					run.Granularity, run.PeriodFrom, run.PeriodTo, run.TimeZone, run.Status, run.Error, run.Notes, files, run.Resumed})
				continue
			}
			for _, dl := range run.Deliveries {
				out = append(out, []any{run.RunID, run.Report, dl.Destination, dl.Kind, dl.Status, dl.Attempts, dl.Error})
			}
		}
	}
	return out
}

var reportsEndpoint = &Endpoint{
	Path:    "/reports",
	Summary: "Scheduled reports and their recent runs",
	Description: "Every configured report (schedule, zone, next run, period, sections, language, destinations) with its latest runs from report_runs, newest first: " +
		"trigger, status, each destination's outcome and the files, linked under /reports/runs/RUN_ID/FILE. Reports no longer configured are listed with their runs on record.",
	Params: []paramDoc{
		{Name: ParamReport, Type: "string", Doc: "one report by name; default all"},
		{Name: ParamLimit, Type: "integer", Default: "10", Doc: "at most this many runs of each report (1–100)"},
	},
	Tables: []Table{
		{Name: "reports", Doc: "one row per report", Columns: []Column{
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
		{Name: "runs", Doc: "one row per run, newest first within each report", Columns: []Column{
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
			{"status", "string", "running, ok, partial, failed, missed, or interrupted (by a shutdown; resumed at the next start)"},
			{"error", "string", "why it failed"},
			{"notes", "string", "what the reader should know, ;-separated"},
			{"files", "string", "files written, ;-separated"},
			{"resumed", "integer", "starts that resumed it after a shutdown interrupted it"},
		}},
		{Name: "deliveries", Doc: "one row per run and destination", Columns: []Column{
			{"run_id", "string", "run id"},
			{"report", "string", "report name"},
			{"destination", "string", "destination name"},
			{"kind", "string", "webhook, email or directory"},
			{"status", "string", "ok, failed, pending (not tried yet) or interrupted (by a shutdown; sent when the run resumes)"},
			{"attempts", "integer", "tries made"},
			{"error", "string", "the last error"},
		}},
	},
	Data: ReportsData{},
}

type reportsParams struct {
	report string
	limit  int
}

func (a *API) registerReports() {
	register(a, reportsEndpoint,
		func(_ context.Context, q *request, _ shared) (reportsParams, error) {
			p := reportsParams{report: q.raw(ParamReport)}
			if len(p.report) > maxLabelLen {
				return p, invalid(ParamReport, fmt.Sprintf("longer than %d bytes", maxLabelLen))
			}
			if p.report != "" {
				q.set(ParamReport, p.report)
			}
			var err error
			p.limit, err = q.parseInt(ParamLimit, 1, 100, 10)
			return p, err
		},
		func(ctx context.Context, p reportsParams) (Result, error) {
			runs, err := queries.RecentReportRuns(ctx, a.engine, p.report, p.limit)
			if err != nil {
				return nil, err
			}
			d := ReportsData{Reports: []Report{}}
			index := map[string]int{}
			if s := a.opts.Reports; s != nil {
				for _, def := range s.Definitions() {
					if p.report == "" || def.Name == p.report {
						index[def.Name] = len(d.Reports)
						d.Reports = append(d.Reports, definitionJSON(def))
					}
				}
			}
			configured := len(d.Reports)
			for _, r := range runs {
				i, ok := index[r.Report]
				if !ok {
					i = len(d.Reports)
					index[r.Report] = i
					d.Reports = append(d.Reports, Report{Name: r.Report, TimeZone: r.TimeZone, Granularity: r.Granularity,
						Sections: []string{}, Destinations: []string{}, Runs: []ReportRun{}})
				}
				d.Reports[i].Runs = append(d.Reports[i].Runs, runJSON(r, a.opts.ReportDir))
			}
			if p.report != "" && len(d.Reports) == 0 {
				return nil, invalid(ParamReport, fmt.Sprintf("no report named %s is configured or on record", respond.Quote(p.report)))
			}
			rest := d.Reports[configured:]
			slices.SortFunc(rest, func(x, y Report) int { return strings.Compare(x.Name, y.Name) })
			return d, nil
		})
}

func definitionJSON(def ReportDefinition) Report {
	return Report{Name: def.Name, Title: def.Title, Configured: true, Schedule: def.Schedule, TimeZone: def.Location.String(), NextRun: optTime(def.Next),
		Granularity: string(def.Granularity), Language: def.Language, Destinations: nonNil(slices.Clone(def.Destinations)),
		CatchUp: def.CatchUp, Sections: append([]string{}, def.Sections...), Runs: []ReportRun{}}
}

// runJSON is a run as the API shows it: its files by name, with the link
// that serves each when it lies in the report directory (dir; "" serves
// none). Paths on the server are not shown.
func runJSON(r queries.ReportRun, dir string) ReportRun {
	out := ReportRun{
		RunID: r.RunID, Report: r.Report, Trigger: r.Trigger, Late: r.Late, Resumed: r.Resumed, ScheduledFor: r.ScheduledFor.UTC(), StartedAt: r.StartedAt.UTC(),
		FinishedAt: optTime(r.FinishedAt), Period: r.PeriodLabel, Granularity: r.Granularity, PeriodFrom: r.PeriodFrom.UTC(), PeriodTo: r.PeriodTo.UTC(),
		TimeZone: r.TimeZone, Status: r.Status, Error: r.Error, Notes: nonNil(r.Notes), Files: []ReportFile{}, Deliveries: []ReportDelivery{},
	}
	for _, f := range r.Files {
		name := filepath.Base(f)
		file := ReportFile{Name: name, Kind: strings.TrimPrefix(strings.ToLower(filepath.Ext(name)), ".")}
		if inDir(dir, f) {
			file.URL = "/reports/runs/" + url.PathEscape(r.RunID) + "/" + url.PathEscape(name)
		}
		out.Files = append(out.Files, file)
	}
	for _, dl := range r.Deliveries {
		out.Deliveries = append(out.Deliveries, ReportDelivery(dl))
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

// runOptions reads a run's choices from the form (or the query string).
func runOptions(c *gin.Context) RunOptions {
	get := func(k string) string {
		if v := guard.PostForm(c).Get(k); v != "" {
			return v
		}
		return c.Query(k)
	}
	deliver := get(ParamDeliver)
	return RunOptions{Period: get(ParamPeriod), NoDelivery: deliver == "false" || deliver == "0"}
}

// CanRunReports reports whether the admin can run a report now.
func (a *API) CanRunReports() bool { return a.opts.Reports != nil }

// RunReport runs report name now for the admin and waits for it. A run
// that failed is returned with its error; one refused because the report
// is running already is a zero run and a *ConflictError.
func (a *API) RunReport(c *gin.Context, name string) (queries.ReportRun, error) {
	if a.opts.Reports == nil || !slices.ContainsFunc(a.opts.Reports.Definitions(), func(def ReportDefinition) bool { return def.Name == name }) {
		return queries.ReportRun{}, &NoSuchError{"report", name}
	}
	// As a collector run: it goes on if the admin closes the tab, and its
	// outcome is recorded in report_runs either way.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), maxRunNow)
	defer cancel()
	respond.AllowSlowAnswer(c, maxRunNow+time.Minute)
	a.log.Info("report run requested", "report", name, "by", guard.CurrentUser(c).Name, "request_id", respond.RequestID(c))
	run, err := a.opts.Reports.RunNow(ctx, name, runOptions(c))
	a.forget()
	return run, err
}

// Busy reports whether err refused an action because what it acts on is
// busy (a report already running).
func Busy(err error) bool {
	var busy *ConflictError
	return errors.As(err, &busy)
}

// reportActions are the admin's report operations of the API.
func (a *API) reportActions() []*action {
	if a.opts.Reports == nil {
		return nil
	}
	return []*action{{
		ID: "report_run", Method: http.MethodPost, Path: "/reports/:name/run",
		Summary: "Run a report now",
		Description: "Runs the named report once for the period asked for (default the last full one before now), as its schedule would (written to the report directory, delivered to its destinations, " +
			"recorded in report_runs with trigger manual), and answers when it has finished. A run that failed is answered with status failed and its error.",
		Params: []paramDoc{
			{Name: "name", In: "path", Type: "string", Required: true, Doc: "the report's name in the configuration"},
			{Name: ParamPeriod, In: "form", Type: "string", Doc: "the period to cover, e.g. 2026-03-01, 2026-W09, 2026-03, 2026-Q1 or 2026; default the last full one"},
			{Name: ParamDeliver, In: "form", Type: "boolean", Default: "true", Doc: "false: render and write, but send to no destination"},
		},
		Errors: map[string]string{"400": "the period is not one the report can cover", "409": "the report is running already (its schedule or another request); try again when it has finished"},
		Data:   ReportRun{},
		handle: func(c *gin.Context) {
			run, err := a.RunReport(c, c.Param("name"))
			if run.RunID == "" || Busy(err) {
				a.ActionFailed(c, err)
				return
			}
			c.JSON(http.StatusOK, gin.H{"data": runJSON(run, a.opts.ReportDir)})
		},
	}}
}
