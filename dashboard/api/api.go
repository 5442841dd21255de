package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/cache"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries"
)

// Options are what the API's answers depend on: the engine, the catalog,
// what this process schedules (collectors, alert rules, reports) and how
// long answers are kept.
type Options struct {
	// Engine answers every question.
	Engine   queries.Engine
	Networks []imscope.Network
	Version  string
	Logger   *slog.Logger
	// Collectors tells /api/v1/collectors what is scheduled and spooled;
	// nil when this process schedules nothing. RunCollector, when set,
	// lets the admin run one now.
	Collectors   CollectorSchedule
	RunCollector func(ctx context.Context, name string) (CollectorRun, error)
	// Alerts gives live alert states for /api/v1/alerts, and AlertRules the
	// configured rules; without them states come from alert_events.
	Alerts     AlertStates
	AlertRules []analytics.Rule
	// Reports are the configured reports for /api/v1/reports and the
	// Reports page, with "run now" for the admin; nil when none are
	// configured. ReportDir is the report directory: /reports/runs/RUN/FILE
	// serves the files runs recorded there (and nothing when it is empty).
	Reports   Reports
	ReportDir string
	// Imports, when set, takes CSV files over HTTP (POST /imports) and
	// runs them as background jobs; nil when this process takes none.
	Imports Imports
	// Host is what the serving process offers its command-line clients
	// (server info, the demo load); zero outside serve.
	Host Host
	// CacheTTL is how long an answer is reused: 0 means 30 s, negative
	// turns the cache off. For cache.StaleFactor TTLs more an expired answer is
	// still served while it is refreshed in the background; an answer
	// whose data changed (Invalidate) is never served. CacheEntries caps the
	// answers kept (default 1,024).
	CacheTTL     time.Duration
	CacheEntries int
	// RequestTimeout bounds the work behind one answer (default 60 s); a
	// query that runs out of it is answered 503.
	RequestTimeout time.Duration
	// Now is the clock (default time.Now); tests pin it.
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultCacheTTL       = 30 * time.Second
	DefaultCacheEntries   = 1024
	DefaultRequestTimeout = time.Minute
)

// maxCachedBody is the largest answer the cache keeps: with the entry cap
// it bounds the cache's memory (1,024 × 4 MiB in the very worst case, a few
// MB in practice). Larger answers are still served, just not kept.
const maxCachedBody = 4 << 20

// API answers /api/v1. Every endpoint goes the same way — check the
// parameters, bind them into the analytics question with defaults filled
// in, look the normalised question up in the cache, else ask analytics
// and render — so handlers only say what to bind and what to ask.
type API struct {
	engine  queries.Engine
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	timeout time.Duration

	group     *cache.Group            // the data the caches' entries read, and their background refreshes (reads.go)
	responses *cache.Cache[*response] // rendered answers, by question and format
	results   *cache.Cache[Result]    // answers, by question: shared by the API and the pages
	extents   *cache.Cache[any]       // data-derived defaults: latest usage day, panel periods, segments

	endpoints []*Endpoint
	openapi   *response
	// changed are called when an admin action changed the data, after the
	// API's own caches are dropped (the pages drop theirs).
	changed []func()
}

// New declares every endpoint. The order here is the order of the OpenAPI
// document.
func New(opts Options) (*API, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.CacheEntries <= 0 {
		opts.CacheEntries = DefaultCacheEntries
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.ReportDir != "" {
		dir, err := filepath.Abs(opts.ReportDir) // as report.New resolves it
		if err != nil {
			return nil, fmt.Errorf("report directory: %w", err)
		}
		opts.ReportDir = dir
	}
	// A background refresh is bounded like the request it stands in for.
	g := cache.NewGroup(opts.Logger, opts.RequestTimeout)
	a := &API{
		engine: opts.Engine, opts: opts, log: opts.Logger, now: opts.Now, timeout: opts.RequestTimeout, group: g,
		responses: cache.New[*response](opts.CacheTTL, opts.CacheEntries, opts.Now, g),
		results:   cache.New[Result](opts.CacheTTL, opts.CacheEntries, opts.Now, g),
		extents:   cache.New[any](opts.CacheTTL, 256, opts.Now, g),
	}
	a.registerNetworks()
	a.registerShare()
	a.registerConcentration()
	a.registerMerge()
	a.registerSwitching()
	a.registerPanelPeriods()
	a.registerMultiHoming()
	a.registerReachability()
	a.registerBridges()
	a.registerBridgeSeries()
	a.registerCollectors()
	a.registerAlerts()
	a.registerSilences()
	a.registerNotifications()
	a.registerReports()
	a.registerEvents()
	return a, nil
}

// Options are the options as the API uses them, defaults filled in.
func (a *API) Options() Options { return a.opts }

// Mount mounts the endpoints, the OpenAPI document (which also describes
// the push receivers named) and the admin actions, behind requireAdmin, on
// g: the router group of APIPrefix.
func (a *API) Mount(g *gin.RouterGroup, requireAdmin gin.HandlerFunc, push []string) error {
	actions := a.actions()
	doc, err := buildOpenAPI(a.opts.Version, a.endpoints, actions, push)
	if err != nil {
		return fmt.Errorf("cannot build the OpenAPI document: %w", err)
	}
	a.openapi = &response{body: doc, contentType: "application/json; charset=utf-8"}
	for _, ep := range a.endpoints {
		g.GET(ep.Path, ep.handle)
	}
	g.GET("/openapi.json", func(c *gin.Context) { a.openapi.write(c, "") })
	for _, ac := range actions {
		g.Handle(ac.Method, ac.Path, requireAdmin, ac.handle)
	}
	return nil
}

// OnChange calls f whenever an admin action has changed the data (a run,
// a silence), after the API has outdated its cached answers.
func (a *API) OnChange(f func()) { a.changed = append(a.changed, f) }

// forget outdates every cached answer, and the pages drawn from them:
// after an admin action that changes the data, everything is recomputed.
// (What its rows change is also told by Invalidate; the action may change
// more, such as a collector's live state.)
func (a *API) forget() {
	a.group.ChangedAll()
	for _, f := range a.changed {
		f()
	}
}

// NotFound answers an unknown route under /api/v1.
func NotFound(c *gin.Context) {
	respond.WriteError(c, http.StatusNotFound, respond.Error{Code: respond.CodeNotFound, Message: "no such endpoint; see " + respond.APIPrefix + "/openapi.json", RequestID: respond.RequestID(c)})
}

// MethodNotAllowed answers a known route asked with the wrong method: the
// API's JSON error under /api/v1, plain text elsewhere.
func MethodNotAllowed(c *gin.Context) {
	if respond.IsAPI(c.Request.URL.Path) {
		respond.WriteError(c, http.StatusMethodNotAllowed, respond.Error{Code: respond.CodeMethodNotAllowed, Message: "this endpoint answers GET only", RequestID: respond.RequestID(c)})
		return
	}
	c.String(http.StatusMethodNotAllowed, "405 method not allowed\n")
}

// ptr returns a pointer to v, for optional JSON fields.
func ptr[T any](v T) *T { return &v }

// nonNil turns a nil slice into an empty one, so JSON says [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
