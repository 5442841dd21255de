package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/respond"
)

// action is an admin operation of the API: declared once, mounted behind
// the guard's RequireAdmin and documented in the OpenAPI document from the
// same declaration. The pages' forms call the same operations
// (RunCollector, CreateSilence, ExpireSilence, RunReport).
type action struct {
	ID, Method, Path     string // Path under APIPrefix, gin syntax (:name)
	Summary, Description string
	Params               []paramDoc        // In "path", or "form" for the form-encoded body
	Errors               map[string]string // error answers besides 401, 403, 404 and 500, by status
	Data                 any               // a zero value of the answer's "data"
	// Status is the answer's status when not 200 (202: accepted, the work
	// goes on); Produces the media type of an answer that is not JSON;
	// Consumes those of a raw request body (not a form).
	Status   int
	Produces string
	Consumes []string
	handle   gin.HandlerFunc
}

// CollectorRunResult answers a collector run started from the API.
type CollectorRunResult struct {
	Name            string  `json:"name"`
	Status          string  `json:"status"` // ok, partial, error
	Rows            uint64  `json:"rows"`
	DurationSeconds float64 `json:"duration_seconds"`
	Error           string  `json:"error"`
	// Run is the whole run (what was stored, already stored or in
	// conflict, the first problems) for clients that print it.
	Run any `json:"run,omitempty"`
}

// actions are the admin operations of this API.
func (a *API) actions() []*action {
	var out []*action
	if a.opts.RunCollector != nil {
		out = append(out, &action{
			ID: "collector_run", Method: http.MethodPost, Path: "/collectors/:name/run",
			Summary:     "Run a collector now",
			Description: "Runs the named collector once, as its schedule would (same timeout, recorded in collector_runs), and answers when it has finished.",
			Params:      []paramDoc{{Name: "name", In: "path", Type: "string", Required: true, Doc: "the collector's name in the configuration"}},
			Data:        CollectorRunResult{},
			handle: func(c *gin.Context) {
				run, err := a.RunCollector(c, c.Param("name"))
				a.answerAction(c, err, func() any {
					return CollectorRunResult{Name: c.Param("name"), Status: run.Status, Rows: run.Rows, DurationSeconds: run.Duration.Seconds(), Error: run.Error, Run: run.Detail}
				})
			},
		})
	}
	out = append(out, a.reportActions()...)
	out = append(out, a.importActions()...)
	out = append(out, a.hostActions()...)
	out = append(out, a.eventActions()...)
	return append(out, a.silenceActions()...)
}

// maxRunNow bounds a run the admin started and waits for (a collector's
// or a report's); its answer may take that long.
const maxRunNow = 30 * time.Minute

// CanRunCollectors reports whether the admin can run a collector now.
func (a *API) CanRunCollectors() bool { return a.opts.RunCollector != nil }

// RunCollector runs collector name now for the admin and waits for it.
func (a *API) RunCollector(c *gin.Context, name string) (CollectorRun, error) {
	if a.opts.RunCollector == nil || a.opts.Collectors == nil {
		return CollectorRun{}, &NoSuchError{"collector", name}
	}
	known := false
	for _, s := range a.opts.Collectors.Scheduled() {
		known = known || s.Name == name
	}
	if !known {
		return CollectorRun{}, &NoSuchError{"collector", name}
	}
	// A run has its own timeout in the runner; it continues if the admin
	// closes the tab, and its outcome is recorded in collector_runs.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), maxRunNow)
	defer cancel()
	respond.AllowSlowAnswer(c, maxRunNow+time.Minute)
	a.log.Info("collector run requested", "collector", name, "by", guard.CurrentUser(c).Name, "request_id", respond.RequestID(c))
	run, err := a.opts.RunCollector(ctx, name)
	a.forget()
	return run, err
}

// answerAction answers an admin action of the API: {"data": data()}, or
// its failure.
func (a *API) answerAction(c *gin.Context, err error, data func() any) {
	if err != nil {
		a.ActionFailed(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": data()})
}

// ActionFailed answers a failed admin action, as Failure decides: the
// API's error body under /api/v1, a line of text for a page's form.
func (a *API) ActionFailed(c *gin.Context, err error) {
	id := respond.RequestID(c)
	f := a.Failure(err, Asker{Ctx: c.Request.Context(), ID: id, Echoes: c.Request.URL.Query(), What: "admin action", Log: []any{"route", c.FullPath()}})
	if f.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	if respond.IsAPI(c.Request.URL.Path) {
		respond.WriteError(c, f.Status, respond.Error{Code: f.Code, Message: f.Message, Param: f.Param, RequestID: id})
		return
	}
	c.String(f.Status, "%s\n", f.Message)
}
