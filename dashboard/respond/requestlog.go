package respond

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"
)

// HeaderRequestID carries the request's id both ways.
const HeaderRequestID = "X-Request-Id"

const ctxRequestID = "imscope.request_id"

// saneRequestID is what an incoming X-Request-Id may look like to be kept:
// a proxy's id (UUID, hex, base64url…) is worth carrying through the logs,
// but anything longer or stranger could forge log lines or bloat them.
var saneRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// newRequestID is 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail
	return hex.EncodeToString(b[:])
}

// RequestID returns the current request's id.
func RequestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// RequestLog gives every request an id — the caller's X-Request-Id when it
// is sane, a fresh one otherwise — returns it in X-Request-Id, and logs one
// line per request with the id, the route (the registered pattern, so
// logs group by endpoint and never echo a hostile path), the status, the
// duration and whether the API cache answered.
func RequestLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		id := c.GetHeader(HeaderRequestID)
		if !saneRequestID.MatchString(id) {
			id = newRequestID()
		}
		c.Set(ctxRequestID, id)
		c.Header(HeaderRequestID, id)
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "(unmatched)"
		}
		attrs := []any{"request_id", id, "method", Method(c.Request), "route", route, "status", c.Writer.Status(),
			"duration", time.Since(start), "bytes", c.Writer.Size()}
		if xc := c.Writer.Header().Get("X-Cache"); xc != "" {
			attrs = append(attrs, "cache", xc)
		}
		log.Info("request", attrs...)
	}
}
