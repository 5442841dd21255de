package dashboard

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
)

// What one request may make the server read. Every body is capped by
// route before anything reads it, and the only body the dashboard parses
// is a urlencoded form: a multipart body would be spooled to disk by
// net/http's parser, so it is refused unread, as is any body whose
// Content-Length is over the cap. Push receivers cap their own bodies
// (max_body_bytes) and parse their own JSON.
const (
	maxURLBytes   = 8 << 10  // the request target: path and query (nginx's default buffer)
	maxLoginBody  = 16 << 10 // the sign-in form: a user name, a password, two tokens
	maxActionBody = 64 << 10 // admin forms (a silence: 16 matchers, a 500-character comment) and anything else
)

// bodyLimit is the cap on a request body to path.
func bodyLimit(path string) int64 {
	if path == "/login" {
		return maxLoginBody
	}
	return maxActionBody
}

// limitRequest refuses a request that is too big before reading it: a URL
// over maxURLBytes (414), a declared body over the route's cap (413), a
// body that is not a urlencoded form (415). The form of a POST is read
// here, within the cap (413 if a chunked body runs over it), so no
// handler ever parses anything larger.
func limitRequest(c *gin.Context) {
	r := c.Request
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	if len(uri) > maxURLBytes {
		deny(c, http.StatusRequestURITooLong, codeURITooLong, fmt.Sprintf("the URL is %d bytes long; at most %d", len(uri), maxURLBytes))
		return
	}
	if isPush(r.URL.Path) {
		c.Next()
		return
	}
	limit := bodyLimit(r.URL.Path)
	if r.ContentLength > limit {
		deny(c, http.StatusRequestEntityTooLarge, codeTooLarge, fmt.Sprintf("the body is %d bytes; this takes at most %d", r.ContentLength, limit))
		return
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	default:
		c.Next()
		return
	}
	if r.ContentLength != 0 {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
			deny(c, http.StatusUnsupportedMediaType, codeUnsupportedMedia, "send the fields as a form, Content-Type: application/x-www-form-urlencoded")
			return
		}
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			deny(c, http.StatusRequestEntityTooLarge, codeTooLarge, fmt.Sprintf("the body is over %d bytes", limit))
			return
		}
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() { // dashboard.http.read_timeout
			deny(c, http.StatusRequestTimeout, codeRequestTimeout, "the body came too slowly")
			return
		}
		deny(c, http.StatusBadRequest, codeInvalid, "the form or the query is not valid URL encoding")
		return
	}
	c.Next()
}

// postForm is the request's urlencoded body, which limitRequest has read.
// It is never gin's PostForm, which would parse a multipart body.
func postForm(c *gin.Context) url.Values {
	if c.Request.PostForm == nil {
		return url.Values{}
	}
	return c.Request.PostForm
}

// allowSlowAnswer lets this request's answer take up to d to finish: the
// server's write timeout (dashboard.http.write_timeout) is sized for pages
// and API answers, not for an admin's "run now" that waits for the run, or
// a large report file to a slow reader. Where the ResponseWriter cannot
// move its deadline, the server's stays.
func allowSlowAnswer(c *gin.Context, d time.Duration) {
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(d))
}

// headKey marks a HEAD request served as GET.
type headKey struct{}

// asGet serves HEAD wherever GET is served — load balancers probe
// /healthz with HEAD — by routing it as GET: the handler answers with the
// same headers, and net/http drops the body of a response to HEAD. The
// original method stays in the context for the request log.
func asGet(r *http.Request) *http.Request {
	if r.Method != http.MethodHead {
		return r
	}
	r = r.WithContext(context.WithValue(r.Context(), headKey{}, true))
	r.Method = http.MethodGet
	return r
}

// method is the request's method as the client sent it.
func method(r *http.Request) string {
	if head, _ := r.Context().Value(headKey{}).(bool); head {
		return http.MethodHead
	}
	return r.Method
}
