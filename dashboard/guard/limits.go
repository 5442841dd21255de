package guard

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/respond"
)

// What one request may make the server read. Every body is capped by
// route before anything reads it, and the only body the dashboard parses
// is a urlencoded form: a multipart body would be spooled to disk by
// net/http's parser, so it is refused unread, as is any body whose
// Content-Length is over the cap. Push receivers cap their own bodies
// (max_body_bytes) and parse their own JSON, and an import's handler
// streams its raw CSV body to disk under its own cap (StreamedBody).
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

// LimitRequest refuses a request that is too big before reading it: a URL
// over maxURLBytes (414), a declared body over the route's cap (413), a
// body that is not a urlencoded form (415). The form of a POST is read
// here, within the cap (413 if a chunked body runs over it), so no
// handler ever parses anything larger.
func LimitRequest(c *gin.Context) {
	r := c.Request
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	if len(uri) > maxURLBytes {
		respond.Deny(c, http.StatusRequestURITooLong, respond.CodeURITooLong, fmt.Sprintf("the URL is %d bytes long; at most %d", len(uri), maxURLBytes))
		return
	}
	if respond.IsPush(r.URL.Path) || streamsBody(r) {
		c.Next()
		return
	}
	limit := bodyLimit(r.URL.Path)
	if r.ContentLength > limit {
		respond.Deny(c, http.StatusRequestEntityTooLarge, respond.CodeTooLarge, fmt.Sprintf("the body is %d bytes; this takes at most %d", r.ContentLength, limit))
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
			respond.Deny(c, http.StatusUnsupportedMediaType, respond.CodeUnsupportedMedia, "send the fields as a form, Content-Type: application/x-www-form-urlencoded")
			return
		}
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			respond.Deny(c, http.StatusRequestEntityTooLarge, respond.CodeTooLarge, fmt.Sprintf("the body is over %d bytes", limit))
			return
		}
		if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() { // dashboard.http.read_timeout
			respond.Deny(c, http.StatusRequestTimeout, respond.CodeRequestTimeout, "the body came too slowly")
			return
		}
		respond.Deny(c, http.StatusBadRequest, respond.CodeInvalid, "the form or the query is not valid URL encoding")
		return
	}
	c.Next()
}

// PostForm is the request's urlencoded body, which LimitRequest has read.
// It is never gin's PostForm, which would parse a multipart body.
func PostForm(c *gin.Context) url.Values {
	if c.Request.PostForm == nil {
		return url.Values{}
	}
	return c.Request.PostForm
}

// ImportPath is the route whose body is a raw CSV file, possibly of
// gigabytes: LimitRequest leaves its body unread, for the handler to
// stream to disk through StreamedBody.
const ImportPath = respond.APIPrefix + "/imports"

func streamsBody(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == ImportPath
}

// streamIdle is how long a streamed body may stop coming before the
// connection is cut off.
const streamIdle = time.Minute

// StreamedBody is the body of a route that streams it (ImportPath), capped
// at limit: a declared length over it is refused at once, unread (413,
// and false: the caller answers nothing more); a body that runs over it
// fails the read with an *http.MaxBytesError. The server's read timeout,
// sized for forms, would cut off a big upload whatever its pace, so here
// it is an idle timeout instead: the body may take as long as it keeps
// coming. The caller must be the admin (RequireAdmin): a stranger may not
// hold a connection this long.
func StreamedBody(c *gin.Context, limit int64) (io.Reader, bool) {
	r := c.Request
	if r.ContentLength > limit {
		respond.Deny(c, http.StatusRequestEntityTooLarge, respond.CodeTooLarge, fmt.Sprintf("the body is %d bytes; this server takes at most %d (dashboard.max_import_bytes)", r.ContentLength, limit))
		return nil, false
	}
	return &idleReader{r: http.MaxBytesReader(c.Writer, r.Body, limit), rc: http.NewResponseController(c.Writer)}, true
}

// idleReader moves the connection's read deadline on as the body comes
// (at most once a second: it is a system call).
type idleReader struct {
	r     io.Reader
	rc    *http.ResponseController
	moved time.Time
}

func (ir *idleReader) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(ir.moved) >= time.Second {
		ir.moved = now
		_ = ir.rc.SetReadDeadline(now.Add(streamIdle)) // a writer that cannot: the server's stays
	}
	return ir.r.Read(p)
}
