package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/respond"
)

// Host is what the serving process offers its command-line clients: on the
// embedded engine one process holds the data directory, so `imscope
// migrate` and `imscope demo` run beside a server by asking it. Both are
// optional; without them the actions are not mounted.
type Host struct {
	// Info describes the server: which process, engine and database, and
	// the schema it brought up to date at start.
	Info func() HostInfo
	// LoadDemo loads the demo market (simulate.LoadHistory) with a seed and
	// a panel size (0: the default) and returns its run (a collector.Run).
	LoadDemo func(ctx context.Context, seed int64, panelUsers int) (any, error)
}

// HostInfo answers GET /server.
type HostInfo struct {
	PID        int    `json:"pid"`
	Version    string `json:"version"`
	Engine     string `json:"engine"`   // embedded or server
	Database   string `json:"database"` // the database it reads and writes
	URL        string `json:"url"`      // where it serves the dashboard
	Migrations int    `json:"migrations"`
}

// DemoLoadResult answers POST /demo.
type DemoLoadResult struct {
	DurationSeconds float64 `json:"duration_seconds"`
	// Run is the load's run: rows stored, already stored, problems.
	Run any `json:"run"`
}

// Parameters of the demo load.
const (
	ParamSeed       = "seed"
	ParamPanelUsers = "panel_users"
)

// hostActions are the admin operations a command-line client uses.
func (a *API) hostActions() []*action {
	h := a.opts.Host
	var out []*action
	if h.Info != nil {
		out = append(out, &action{
			ID: "server_info", Method: http.MethodGet, Path: "/server",
			Summary:     "Describe the server",
			Description: "The serving process, its engine and database, and the schema migrations it applied at start: what `imscope migrate` prints when a server holds the data directory.",
			Data:        HostInfo{},
			handle:      func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"data": h.Info()}) },
		})
	}
	if h.LoadDemo != nil {
		out = append(out, &action{
			ID: "demo_load", Method: http.MethodPost, Path: "/demo",
			Summary: "Load the demo market",
			Description: "Loads the simulated demo market (usage, panel, bridge traffic of 2006–2011) as `imscope demo` does, and answers when it has finished. " +
				"Loading it again stores nothing twice.",
			Params: []paramDoc{
				{Name: ParamSeed, In: "form", Type: "integer", Default: "1", Doc: "simulation seed: the same seed gives the same market"},
				{Name: ParamPanelUsers, In: "form", Type: "integer", Default: "200000", Doc: "panel size"},
			},
			Data:   DemoLoadResult{},
			handle: a.loadDemo,
		})
	}
	return out
}

// loadDemo runs the demo load for the admin and waits for it; like a
// collector run it goes on if the client goes away.
func (a *API) loadDemo(c *gin.Context) {
	seed, err := formInt(c, ParamSeed, 1, -1<<62, 1<<62)
	if err != nil {
		a.ActionFailed(c, err)
		return
	}
	users, err := formInt(c, ParamPanelUsers, 0, 0, 100_000_000)
	if err != nil {
		a.ActionFailed(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), maxRunNow)
	defer cancel()
	respond.AllowSlowAnswer(c, maxRunNow+time.Minute)
	a.log.Info("demo load requested", "by", guard.CurrentUser(c).Name, "request_id", respond.RequestID(c))
	start := time.Now()
	run, err := a.opts.Host.LoadDemo(ctx, seed, int(users))
	a.forget()
	a.answerAction(c, err, func() any { return DemoLoadResult{DurationSeconds: time.Since(start).Seconds(), Run: run} })
}

// formInt reads an integer from the form or the query string: def when
// absent, an *imscope.InvalidError naming it when not a number in [lo, hi].
func formInt(c *gin.Context, name string, def, lo, hi int64) (int64, error) {
	v := guard.PostForm(c).Get(name)
	if v == "" {
		v = c.Query(name)
	}
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, &imscope.InvalidError{Param: name, Message: name + " must be a whole number from " + strconv.FormatInt(lo, 10) + " to " + strconv.FormatInt(hi, 10) + ", not " + respond.Quote(v)}
	}
	return n, nil
}
