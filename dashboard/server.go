package dashboard

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
)

// Pinger is the part of the engine the health checks need.
type Pinger interface {
	Ping(ctx context.Context) error
	Kind() string
}

// Options configure the dashboard.
type Options struct {
	Engine   Pinger
	Networks []imscope.Network
	Version  string
	Logger   *slog.Logger
	// Metrics serves imscope's own Prometheus metrics at /metrics.
	Metrics http.Handler
	// Push are the push collectors' receivers by collector name, mounted
	// under /api/v1/push/NAME/ (they authenticate their callers themselves).
	Push map[string]http.Handler
}

//go:embed templates
var templates embed.FS

var pages = template.Must(template.ParseFS(templates, "templates/*.html"))

// New returns the dashboard's HTTP handler.
func New(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), requestLog(opts.Logger))
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
	for name, h := range opts.Push {
		r.Any("/api/v1/push/"+name+"/*rest", gin.WrapH(http.StripPrefix("/api/v1/push/"+name, h)))
	}
	r.GET("/", func(c *gin.Context) {
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Status(http.StatusOK)
		_ = pages.ExecuteTemplate(c.Writer, "home.html", map[string]any{
			"Version": opts.Version, "Engine": opts.Engine.Kind(), "Networks": opts.Networks,
		})
	})
	return r
}

// requestLog logs one line per request with slog.
func requestLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		log.Info("request", "method", c.Request.Method, "route", c.FullPath(), "status", c.Writer.Status(), "duration", time.Since(start))
	}
}
