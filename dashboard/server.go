package dashboard

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/pages"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/dashboard/static"
)

// Options configure the server: the API's (what every answer depends on —
// engine, catalog, collectors, alerts, reports, caches), and the server's
// own: who may do what, what it mounts besides the API and the pages.
type Options struct {
	api.Options
	// Metrics serves imscope's own Prometheus metrics at /metrics.
	Metrics http.Handler
	// Push are the push collectors' receivers by collector name, mounted
	// under /api/v1/push/NAME/ (they authenticate their callers themselves).
	Push map[string]http.Handler
	// Auth says who may view and who may act.
	Auth guard.Auth
	// TrustedProxies are the reverse proxies whose forwarding headers name
	// the client (guard.Options.TrustedProxies; guard.ParseTrustedProxies
	// reads the config's list).
	TrustedProxies []netip.Prefix
	// FrameAncestors, when set, are the origins allowed to frame the pages
	// (CSP frame-ancestors, e.g. https://wiki.example.org); framing is
	// refused otherwise. ?embed=1 drops the header and footer for framing.
	FrameAncestors []string
	// BridgesRefresh is how often the Bridges page refreshes itself
	// (default pages.DefaultBridgesRefresh; negative: never).
	BridgesRefresh time.Duration
}

// Dashboard is imscope's HTTP handler: health checks, /metrics, push
// receivers, the JSON/CSV API under /api/v1, the pages and their static
// assets.
type Dashboard struct {
	router *gin.Engine
	api    *api.API
}

// New assembles the server. Every request passes, in order: the request
// log (an id), recovery, the security headers, the request limits and the
// guard's identification; then the route table below.
func New(opts Options) (*Dashboard, error) {
	a, err := api.New(opts.Options)
	if err != nil {
		return nil, err
	}
	o := a.Options() // defaults filled in
	g := guard.New(guard.Options{Auth: opts.Auth, TrustedProxies: opts.TrustedProxies, Logger: o.Logger, Now: o.Now})
	st, err := static.Load()
	if err != nil {
		return nil, err
	}
	if !st.Has(static.ECharts) {
		o.Logger.Warn("the pages cannot draw charts: ECharts is not embedded; run `make deps` and rebuild", "missing", "dashboard/static/"+static.ECharts)
	}
	site, err := pages.New(a, g, st, pages.Options{BridgesRefresh: opts.BridgesRefresh, AdminConfigured: opts.Auth.AdminConfigured(), SecureCookies: opts.Auth.SecureCookies})
	if err != nil {
		return nil, err
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// gin trusts every proxy by default; the guard finds the client itself
	// (guard.Client), and gin's ClientIP must not say otherwise.
	r.ForwardedByClientIP = false
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, fmt.Errorf("cannot configure gin's proxies: %w", err)
	}
	// The request log runs first so that even a panic's 500 is logged with its id.
	r.Use(respond.RequestLog(o.Logger), recovery(o.Logger), guard.SecurityHeaders(opts.FrameAncestors), guard.LimitRequest, g.Identify, interactive)
	r.NoRoute(site.NotFound)
	r.NoMethod(api.MethodNotAllowed)

	r.GET("/healthz", healthz)
	r.GET("/readyz", readyz(o))
	if opts.Metrics != nil {
		r.GET("/metrics", gin.WrapH(opts.Metrics))
	}
	push := slices.Sorted(func(yield func(string) bool) {
		for name := range opts.Push {
			if !yield(name) {
				return
			}
		}
	})
	for _, name := range push {
		h := g.ThrottlePush(http.StripPrefix(respond.PushPrefix+name, opts.Push[name]))
		for _, m := range respond.PushMethods {
			r.Handle(m, respond.PushPrefix+name+"/*rest", h)
		}
	}
	if err := a.Mount(r.Group(respond.APIPrefix), g.RequireAdmin, push); err != nil {
		return nil, err
	}
	r.GET("/reports/runs/:run/:file", a.RunFiles(site.NotFound))
	r.GET("/static/*file", st.Serve)
	r.GET("/favicon.ico", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, st.URL("favicon.svg")) })
	site.Mount(r)
	g.MountSignIn(r, site.ShowLogin)
	return &Dashboard{router: r, api: a}, nil
}

// Invalidate says that rows landed in tables (collector.WriterOptions.OnStored
// and the like): the cached answers and pages that read them are stale at
// once and never served again; the others stay.
func (d *Dashboard) Invalidate(tables ...string) { d.api.Invalidate(tables...) }

// Close stops the background refreshes of cached answers and waits for
// those running; call it when the server has stopped, before the engine
// is closed.
func (d *Dashboard) Close() { d.api.Close() }

// recovery answers a panic with a 500 — the API's error body under
// /api/v1 — and logs it with the request's id.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, v any) {
		id := respond.RequestID(c)
		log.Error("panic while serving", "request_id", id, "route", c.FullPath(), "panic", v)
		if respond.IsAPI(c.Request.URL.Path) {
			respond.WriteError(c, http.StatusInternalServerError, respond.Error{Code: respond.CodeInternal, Message: "internal error; quote request id " + id + " when reporting it", RequestID: id})
			return
		}
		c.AbortWithStatus(http.StatusInternalServerError)
	})
}

// ServeHTTP serves a request; HEAD is served wherever GET is.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.router.ServeHTTP(w, respond.AsGet(r))
}

// Routes lists the mounted routes (for the OpenAPI test and the docs).
func (d *Dashboard) Routes() gin.RoutesInfo { return d.router.Routes() }
