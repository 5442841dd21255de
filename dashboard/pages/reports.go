package pages

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/queries"
)

// reportsView is the Reports page's content.
type reportsView struct {
	Data       api.ReportsData
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
func (reportsView) LangName(lang string) string { return Translate(lang, "lang.self") }

// FileLabel names a run file's link by its kind.
func (reportsView) FileLabel(kind string) string {
	if kind == "zip" {
		return "CSV (ZIP)"
	}
	return strings.ToUpper(kind)
}

// StatusClass colours a run's or a delivery's status (report_runs.status,
// as the API answers it).
func (reportsView) StatusClass(s string) string {
	switch s {
	case "ok":
		return "good"
	case "partial", "missed", "interrupted", "pending":
		return "warn"
	case "running":
		return ""
	}
	return "bad"
}

func (s *Site) buildReports(p *pageCtx) error {
	p.takeFlash()
	v := reportsView{CanRun: s.api.CanRunReports() && p.view.User != nil && p.view.User.Admin}
	res, q, err := p.ask("/reports")
	if err != nil {
		p.view.Content = v
		return err
	}
	v.Data, v.Links = res.(api.ReportsData), p.dataLinks("/reports", q, "reports", "runs", "deliveries")
	v.Configured = len(v.Data.Reports) > 0 && v.Data.Reports[0].Configured
	p.view.Content = v
	return nil
}

// reportForms mount the Reports page's "run now"; the outcome is flashed
// on the page it redirects back to.
func (s *Site) reportForms(r gin.IRoutes) {
	r.POST("/reports/:name/run", s.guard.RequireAdmin, func(c *gin.Context) {
		name := c.Param("name")
		run, err := s.api.RunReport(c, name)
		lang := requestLang(c.Request, "")
		switch {
		case api.Busy(err):
			s.guard.Flash(c, "warn", Translate(lang, "reports.busy", name))
		case run.RunID != "":
			kind, text := runNotice(lang, run)
			s.guard.Flash(c, kind, text)
		case err != nil:
			s.api.ActionFailed(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/reports")
	})
}

// runNotice says how a run went, in lang.
func runNotice(lang string, run queries.ReportRun) (kind, text string) {
	kind = "info"
	text = Translate(lang, "reports.ran", run.Report, run.PeriodLabel, Translate(lang, "status."+run.Status))
	var failed []string
	for _, dl := range run.Deliveries {
		if dl.Status != "ok" {
			failed = append(failed, dl.Destination+": "+dl.Error)
		}
	}
	switch run.Status {
	case "failed":
		kind, failed = "error", []string{run.Error}
	case "partial":
		kind = "warn"
	}
	if len(failed) > 0 {
		text += " " + strings.Join(failed, "; ")
	}
	return kind, text
}
