package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/report"
)

// The collectors page (with "run now" for the admin) and the admin
// actions' shared parts. Alerts and reports have their own files.

type collectorsView struct {
	Data   collectorsData
	CanRun bool
	Ran    string
	Links  []navLink
}

func (d *Dashboard) buildCollectors(p *pageCtx) error {
	v := collectorsView{CanRun: d.opts.RunCollector != nil && p.view.User != nil && p.view.User.Admin, Ran: p.values.Get("ran")}
	res, q, err := p.ask("/collectors")
	if err != nil {
		p.view.Content = v
		return err
	}
	v.Data, v.Links = res.(collectorsData), p.dataLinks("/collectors", q, "collectors", "spool")
	p.view.Content = v
	if v.Ran != "" {
		for _, c := range v.Data.Collectors {
			if c.Name == v.Ran {
				kind := "info"
				if c.Status == "error" {
					kind = "error"
				}
				p.notice(kind, p.T("collectors.ran", c.Name, p.T("status."+c.Status), fmtNum(c.Stored), fmtNum(c.Rows)))
			}
		}
	}
	return nil
}

// adminPageRoutes are the admin's actions from the pages: POST forms with
// the CSRF token, redirecting back to the page with the outcome.
func (d *Dashboard) adminPageRoutes(r *gin.Engine) {
	r.POST("/collectors/:name/run", d.requireAdmin, func(c *gin.Context) {
		name := c.Param("name")
		if _, err := d.runCollector(c, name); err != nil {
			d.actionFailed(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/collectors?ran="+url.QueryEscape(name))
	})
}

// errNoSuch answers an action on something that is not configured: a
// collector, a report, a silence.
type errNoSuch struct{ what, name string }

func (e errNoSuch) Error() string {
	if e.what == "silence" {
		return fmt.Sprintf("no active silence %s", quote(e.name))
	}
	return fmt.Sprintf("no %s named %s is configured", e.what, quote(e.name))
}

// maxRunNow bounds a run the admin started and waits for (a collector's
// or a report's); its answer may take that long.
const maxRunNow = 30 * time.Minute

func (d *Dashboard) runCollector(c *gin.Context, name string) (CollectorRun, error) {
	if d.opts.RunCollector == nil || d.opts.Collectors == nil {
		return CollectorRun{}, errNoSuch{"collector", name}
	}
	known := false
	for _, s := range d.opts.Collectors.Scheduled() {
		known = known || s.Name == name
	}
	if !known {
		return CollectorRun{}, errNoSuch{"collector", name}
	}
	// A run has its own timeout in the runner; it continues if the admin
	// closes the tab, and its outcome is recorded in collector_runs.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), maxRunNow)
	defer cancel()
	allowSlowAnswer(c, maxRunNow+time.Minute)
	d.opts.Logger.Info("collector run requested", "collector", name, "by", currentUser(c).Name, "request_id", requestID(c))
	run, err := d.opts.RunCollector(ctx, name)
	d.forget()
	return run, err
}

// actionFailed answers a failed admin action: 404 for nothing of that
// name, 400 naming a bad parameter, 409 for a report already running, 500
// (logged) for anything else.
func (d *Dashboard) actionFailed(c *gin.Context, err error) {
	var ns errNoSuch
	var ie *imscope.InvalidError
	e := apiError{Code: codeInternal, Message: "the action failed; quote request id " + requestID(c), RequestID: requestID(c)}
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &ns):
		status, e.Code, e.Message = http.StatusNotFound, codeNotFound, ns.Error()
	case errors.As(err, &ie):
		status, e.Code, e.Message, e.Param = http.StatusBadRequest, codeInvalid, ie.Message, ie.Param
	case errors.Is(err, report.ErrRunning):
		status, e.Code, e.Message = http.StatusConflict, codeConflict, err.Error()
	default:
		d.opts.Logger.Error("admin action failed", "request_id", requestID(c), "route", c.FullPath(), "err", err)
	}
	if isAPI(c.Request.URL.Path) {
		writeError(c, status, e)
		return
	}
	c.String(status, "%s\n", e.Message)
}
