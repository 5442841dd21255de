package dashboard

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"path/filepath"
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
	// nil when this process schedules nothing. RunCollector, when set,
	// lets the admin run one now.
	Collectors   CollectorSchedule
	RunCollector func(ctx context.Context, name string) (CollectorRun, error)
	// Alerts gives live alert states for /api/v1/alerts, and AlertRules the
	// configured rules; without them states come from alert_events.
	Alerts     AlertStates
	AlertRules []analytics.Rule
	// Reports are the configured reports for the Reports page, with "run
	// now" for the admin; nil when none are configured. ReportDir is the
	// report directory: /reports/runs/RUN/FILE serves the files runs
	// recorded there (and nothing when it is empty).
	Reports   Reports
	ReportDir string
	// CacheTTL is how long an API answer is reused: 0 means 30 s, negative
	// turns the cache off. CacheEntries caps the answers kept (default 1,024).
	CacheTTL     time.Duration
	CacheEntries int
	// RequestTimeout bounds the work behind one API answer (default 60 s);
	// a query that runs out of it is answered 503.
	RequestTimeout time.Duration
	// Auth says who may view and who may act.
	Auth Auth
	// TrustedProxies are the reverse proxies whose forwarding headers
	// (X-Forwarded-For, Forwarded, X-Real-IP) name the client; from any
	// other peer they are ignored and the client is the TCP peer. Sign-in
	// throttling counts per client, so this must name only proxies the
	// operator runs (ParseTrustedProxies reads the config's list).
	TrustedProxies []netip.Prefix
	// FrameAncestors, when set, are the origins allowed to frame the pages
	// (CSP frame-ancestors, e.g. https://wiki.example.org); framing is
	// refused otherwise. ?embed=1 drops the header and footer for framing.
	FrameAncestors []string
	// BridgesRefresh is how often the Bridges page refreshes itself
	// (default 1 min; negative: never). Other pages refresh only when
	// asked with ?refresh=.
	BridgesRefresh time.Duration
	// Now is the clock (default time.Now); tests pin it.
	Now func() time.Time
}

// CollectorRun is the outcome of a collector run started from the
// dashboard.
type CollectorRun struct {
	Status   string // ok, partial, error
	Rows     uint64
	Duration time.Duration
	Error    string
}

// Defaults of Options.
const (
	DefaultCacheTTL       = 30 * time.Second
	DefaultCacheEntries   = 1024
	DefaultRequestTimeout = time.Minute
	DefaultBridgesRefresh = time.Minute
)

// Dashboard is imscope's HTTP handler: health checks, /metrics, push
// receivers, the JSON/CSV API under /api/v1, the pages and their static
// assets.
type Dashboard struct {
	opts        Options
	api         *api
	router      *gin.Engine
	auth        *authenticator
	crossOrigin *http.CrossOriginProtection
	static      *staticFiles
	pages       []*pageDef            // in navigation order, templates parsed
	rendered    *cache[*renderedPage] // anonymous viewers' pages, by question
	missing     *pageDef              // the 404 page
}

// New builds the dashboard.
func New(opts Options) (*Dashboard, error) {
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
	if opts.BridgesRefresh == 0 {
		opts.BridgesRefresh = DefaultBridgesRefresh
	}
	if opts.ReportDir != "" {
		dir, err := filepath.Abs(opts.ReportDir) // as report.New resolves it
		if err != nil {
			return nil, fmt.Errorf("report directory: %w", err)
		}
		opts.ReportDir = dir
	}
	d := &Dashboard{opts: opts, api: newAPI(opts), auth: newAuthenticator(opts.Auth, opts.Logger), crossOrigin: http.NewCrossOriginProtection(),
		rendered: newCache[*renderedPage](opts.CacheTTL, 256, opts.Now)}
	static, err := loadStatic()
	if err != nil {
		return nil, err
	}
	d.static = static
	if !static.has(echartsFile) {
		opts.Logger.Warn("the pages cannot draw charts: ECharts is not embedded; run `make deps` and rebuild", "missing", "dashboard/static/"+echartsFile)
	}
	a := d.api
	push := slices.Sorted(func(yield func(string) bool) {
		for name := range opts.Push {
			if !yield(name) {
				return
			}
		}
	})
	doc, err := buildOpenAPI(opts.Version, a.endpoints, d.actions(), push)
	if err != nil {
		return nil, fmt.Errorf("cannot build the OpenAPI document: %w", err)
	}
	a.openapi = &response{body: doc, contentType: "application/json; charset=utf-8"}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// gin trusts every proxy by default; the dashboard finds the client
	// itself (clientaddr.go), and gin's ClientIP must not say otherwise.
	r.ForwardedByClientIP = false
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, fmt.Errorf("cannot configure gin's proxies: %w", err)
	}
	// requestLog runs first so that even a panic's 500 is logged with its id.
	r.Use(requestLog(opts.Logger), gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, v any) {
		opts.Logger.Error("panic while serving", "request_id", requestID(c), "route", c.FullPath(), "panic", v)
		if isAPI(c.Request.URL.Path) {
			writeError(c, http.StatusInternalServerError, apiError{Code: codeInternal, Message: "internal error; quote request id " + requestID(c) + " when reporting it", RequestID: requestID(c)})
			return
		}
		c.AbortWithStatus(http.StatusInternalServerError)
	}), securityHeaders(opts.FrameAncestors), limitRequest, d.authMiddleware)
	r.NoRoute(d.notFound)
	r.NoMethod(d.methodNotAllowed)
	// Health answers are never cached: a stale "ok" would hide an outage.
	r.GET("/healthz", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	r.GET("/readyz", func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
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
		h := d.pushReceiver(http.StripPrefix(apiPrefix+"/push/"+name, opts.Push[name]))
		for _, m := range pushMethods {
			r.Handle(m, apiPrefix+"/push/"+name+"/*rest", h)
		}
	}
	a.routes(r)
	for _, ac := range d.actions() {
		r.Handle(ac.Method, apiPrefix+ac.Path, d.requireAdmin, ac.handle)
	}
	r.GET("/static/*file", d.static.serve)
	r.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, d.static.url("favicon.svg")) })
	d.pageRoutes(r)
	d.router = r
	return d, nil
}

// ServeHTTP serves a request; HEAD is served wherever GET is.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.router.ServeHTTP(w, asGet(r))
}

// pushReceiver mounts a push receiver. It judges its callers' tokens
// itself; the dashboard only limits guessing: a client whose tokens it
// refused too often (a budget apart from sign-ins, throttle.go) is
// answered 429 before the receiver sees the request.
func (d *Dashboard) pushReceiver(h http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		// Not held like sign-ins (throttle.hold): a receiver refuses a
		// token at once, before reading the body, so concurrent guesses
		// are counted as fast as they come, and lawful pushes stay parallel.
		addr, now := addrKey(clientOf(c)), d.opts.Now()
		if wait := d.auth.throttle.wait(scopePush, addr, "", now); wait > 0 {
			d.opts.Logger.Debug("push refused: throttled", "client", clientOf(c), "request_id", requestID(c))
			tooManyRequests(c, wait, "too many pushes with a wrong token from this address; try again later")
			return
		}
		h.ServeHTTP(c.Writer, c.Request)
		if c.Writer.Status() == http.StatusUnauthorized {
			if held, _ := d.auth.throttle.failed(scopePush, addr, "", now); held {
				d.opts.Logger.Warn("push throttled: too many wrong tokens from one client", "client", clientOf(c), "for", addrWindow)
			}
		}
	}
}

// Routes lists the mounted routes (for the OpenAPI test and the docs).
func (d *Dashboard) Routes() gin.RoutesInfo { return d.router.Routes() }

// newAPI declares every endpoint. The order here is the order of the
// OpenAPI document.
func newAPI(opts Options) *api {
	a := &api{
		engine: opts.Engine, opts: opts, log: opts.Logger, now: opts.Now, timeout: opts.RequestTimeout,
		responses: newCache[*response](opts.CacheTTL, opts.CacheEntries, opts.Now),
		results:   newCache[result](opts.CacheTTL, opts.CacheEntries, opts.Now),
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
	a.registerSilences()
	a.registerReports()
	return a
}
