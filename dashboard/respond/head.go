package respond

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// headKey marks a HEAD request served as GET.
type headKey struct{}

// AsGet serves HEAD wherever GET is served — load balancers probe
// /healthz with HEAD — by routing it as GET: the handler answers with the
// same headers, and net/http drops the body of a response to HEAD. The
// original method stays in the context for the request log.
func AsGet(r *http.Request) *http.Request {
	if r.Method != http.MethodHead {
		return r
	}
	r = r.WithContext(context.WithValue(r.Context(), headKey{}, true))
	r.Method = http.MethodGet
	return r
}

// Method is the request's method as the client sent it.
func Method(r *http.Request) string {
	if head, _ := r.Context().Value(headKey{}).(bool); head {
		return http.MethodHead
	}
	return r.Method
}

// AllowSlowAnswer lets this request's answer take up to d to finish: the
// server's write timeout (dashboard.http.write_timeout) is sized for pages
// and API answers, not for an admin's "run now" that waits for the run, or
// a large report file to a slow reader. Where the ResponseWriter cannot
// move its deadline, the server's stays.
func AllowSlowAnswer(c *gin.Context, d time.Duration) {
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(d))
}
