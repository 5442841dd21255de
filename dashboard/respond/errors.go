package respond

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Error codes of the API's error bodies. Clients branch on these, not on
// messages, so they never change meaning.
const (
	CodeInvalid           = "invalid_parameter"      // 400: a parameter is wrong; param names it
	CodeUnauthorized      = "unauthorized"           // 401: sign in, or the credentials are wrong
	CodeForbidden         = "forbidden"              // 403: signed in, but not allowed (or no CSRF token)
	CodeNotFound          = "not_found"              // 404: no such route under /api/v1
	CodeMethodNotAllowed  = "method_not_allowed"     // 405
	CodeConflict          = "conflict"               // 409: busy (a report already running)
	CodeEngineUnavailable = "engine_unavailable"     // 503: the database is not answering
	CodeCanceled          = "canceled"               // 499: the client went away first
	CodeInternal          = "internal"               // 500: a bug or a data problem; quote request_id
	CodeTooLarge          = "request_too_large"      // 413: the body is over the route's cap
	CodeURITooLong        = "uri_too_long"           // 414: the URL is over the server's cap
	CodeUnsupportedMedia  = "unsupported_media_type" // 415: a body that is not a urlencoded form
	CodeTooManyRequests   = "too_many_requests"      // 429: too many failed sign-ins; see Retry-After
	CodeRequestTimeout    = "request_timeout"        // 408: the body came slower than the server's read timeout
)

// Codes lists every error code, for the OpenAPI document.
var Codes = []string{CodeInvalid, CodeUnauthorized, CodeForbidden, CodeNotFound, CodeMethodNotAllowed, CodeConflict,
	CodeEngineUnavailable, CodeInternal, CodeTooLarge, CodeURITooLong, CodeUnsupportedMedia, CodeTooManyRequests, CodeRequestTimeout}

// StatusClientClosed is nginx's non-standard status for a request the
// client abandoned; it only ever shows up in logs.
const StatusClientClosed = 499

// ErrorBody is the body of every error answer under /api/v1:
//
//	{"error": {"code": "invalid_parameter", "message": "...", "param": "from", "request_id": "..."}}
type ErrorBody struct {
	Error Error `json:"error"`
}

// Error is what an error body says.
type Error struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Param     string `json:"param,omitempty"`
	RequestID string `json:"request_id"`
}

// WriteError writes an error body; it is never cached or compressed.
func WriteError(c *gin.Context, status int, e Error) {
	body, _ := json.Marshal(ErrorBody{Error: e}) // strings only: cannot fail
	c.Header("Cache-Control", "no-store")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(status, "application/json; charset=utf-8", body)
	c.Abort()
}

// Deny refuses a request: the API's error body under /api/v1, a line of
// text elsewhere.
func Deny(c *gin.Context, status int, code, msg string) {
	if IsAPI(c.Request.URL.Path) {
		WriteError(c, status, Error{Code: code, Message: msg, RequestID: RequestID(c)})
		return
	}
	c.Header("Cache-Control", "no-store")
	c.String(status, "%d %s: %s\n", status, strings.ToLower(http.StatusText(status)), msg)
	c.Abort()
}
