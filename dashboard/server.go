package dashboard

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/queries"
)

// Options configure the dashboard.
type Options struct {
	// Engine answers every question; /readyz pings it.
	Engine   queries.Engine
	Networks []imscope.Network
	Version  string
	Logger   *slog.Logger
	// Metrics serves imscope's own Prometheus metrics at /metrics.
	Metrics http.Handler
	// Push are the push collectors' receivers by collector name, mounted
	// under /api/v1/push/NAME/ (they authenticate their callers themselves).
	Push map[string]http.Handler
	// Collectors tells /api/v1/collectors what is scheduled and spooled;
	// nil when this process schedules nothing.
	Collectors CollectorSchedule
	// Alerts gives live alert states for /api/v1/alerts, and AlertRules the
	// configured rules; without them states come from alert_events.
	Alerts     AlertStates
	AlertRules []analytics.Rule
	// CacheTTL is how long an API answer is reused: 0 means 30 s, negative
	// turns the cache off. CacheEntries caps the answers kept (default 1,024).
	CacheTTL     time.Duration
	CacheEntries int
	// RequestTimeout bounds the work behind one API answer (default 60 s);
	// a query that runs out of it is answered 503.
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

//go:embed templates
var templates embed.FS

var pages = template.Must(template.ParseFS(templates, "templates/*.html"))

// New returns the dashboard's HTTP handler: health checks, /metrics, push
// receivers, the JSON/CSV API under /api/v1 and the home page.
func New(opts Options) (http.Handler, error) {
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
	a := newAPI(opts)
	push := slices.Sorted(func(yield func(string) bool) {
		for name := range opts.Push {
			if !yield(name) {
				return
			}
		}
	})
	doc, err := buildOpenAPI(opts.Version, a.endpoints, push)
	if err != nil {
		return nil, fmt.Errorf("cannot build the OpenAPI document: %w", err)
	}
	a.openapi = &response{body: doc, contentType: "application/json; charset=utf-8"}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// requestLog runs first so that even a panic's 500 is logged with its id.
	r.Use(requestLog(opts.Logger), gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, v any) {
		opts.Logger.Error("panic while serving", "request_id", requestID(c), "route", c.FullPath(), "panic", v)
		if isAPI(c.Request.URL.Path) {
			writeError(c, http.StatusInternalServerError, apiError{Code: codeInternal, Message: "internal error; quote request id " + requestID(c) + " when reporting it", RequestID: requestID(c)})
			return
		}
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	r.NoRoute(a.notFound)
	r.NoMethod(a.methodNotAllowed)
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := opts.Engine.Ping(ctx); err != nil {
			opts.Logger.Warn("readiness check failed", "engine", opts.Engine.Kind(), "err", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "engine": opts.Engine.Kind()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready", "engine": opts.Engine.Kind()})
	})
	if opts.Metrics != nil {
		r.GET("/metrics", gin.WrapH(opts.Metrics))
	}
	for _, name := range push {
		h := gin.WrapH(http.StripPrefix(apiPrefix+"/push/"+name, opts.Push[name]))
		for _, m := range pushMethods {
			r.Handle(m, apiPrefix+"/push/"+name+"/*rest", h)
		}
	}
	a.routes(r)
	r.GET("/", func(c *gin.Context) {
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Status(http.StatusOK)
		_ = pages.ExecuteTemplate(c.Writer, "home.html", map[string]any{
			"Version": opts.Version, "Engine": opts.Engine.Kind(), "Networks": opts.Networks,
		})
	})
	return r, nil
}

// newAPI declares every endpoint. The order here is the order of the
// OpenAPI document.
func newAPI(opts Options) *api {
	a := &api{
		engine: opts.Engine, opts: opts, log: opts.Logger, now: opts.Now, timeout: opts.RequestTimeout,
		responses: newCache[*response](opts.CacheTTL, opts.CacheEntries, opts.Now),
		extents:   newCache[any](opts.CacheTTL, 256, opts.Now),
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
	return a
}
