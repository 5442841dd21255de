package dashboard

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// action is an admin operation of the API: declared once, mounted behind
// requireAdmin and documented in the OpenAPI document from the same
// declaration.
type action struct {
	ID, Method, Path     string // Path under apiPrefix, gin syntax (:name)
	Summary, Description string
	Params               []paramDoc        // In "path", or "form" for the form-encoded body
	Errors               map[string]string // error answers besides 401, 403, 404 and 500, by status
	Data                 any               // a zero value of the answer's "data"
	handle               gin.HandlerFunc
}

type collectorRunJSON struct {
	Name            string  `json:"name"`
	Status          string  `json:"status"` // ok, partial, error
	Rows            uint64  `json:"rows"`
	DurationSeconds float64 `json:"duration_seconds"`
	Error           string  `json:"error"`
}

// actions are the admin operations of this dashboard.
func (d *Dashboard) actions() []*action {
	var out []*action
	if d.opts.RunCollector != nil {
		out = append(out, &action{
			ID: "collector_run", Method: http.MethodPost, Path: "/collectors/:name/run",
			Summary:     "Run a collector now",
			Description: "Runs the named collector once, as its schedule would (same timeout, recorded in collector_runs), and answers when it has finished.",
			Params:      []paramDoc{{Name: "name", In: "path", Type: "string", Required: true, Doc: "the collector's name in the configuration"}},
			Data:        collectorRunJSON{},
			handle: func(c *gin.Context) {
				run, err := d.runCollector(c, c.Param("name"))
				if err != nil {
					d.actionFailed(c, err)
					return
				}
				c.JSON(http.StatusOK, gin.H{"data": collectorRunJSON{Name: c.Param("name"), Status: run.Status, Rows: run.Rows, DurationSeconds: run.Duration.Seconds(), Error: run.Error}})
			},
		})
	}
	out = append(out, d.reportActions()...)
	return append(out, d.silenceActions()...)
}
