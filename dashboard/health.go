package dashboard

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/api"
)

// Health answers are never cached: a stale "ok" would hide an outage.

// healthz says the process is up.
func healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz says whether the engine answers a ping within 2 s.
func readyz(o api.Options) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := o.Engine.Ping(ctx); err != nil {
			o.Logger.Warn("readiness check failed", "engine", o.Engine.Kind(), "err", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "engine": o.Engine.Kind()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready", "engine": o.Engine.Kind()})
	}
}
