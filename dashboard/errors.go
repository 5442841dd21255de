package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// Error codes of the API's error bodies. Clients branch on these, not on
// messages, so they never change meaning.
const (
	codeInvalid           = "invalid_parameter"      // 400: a parameter is wrong; param names it
	codeUnauthorized      = "unauthorized"           // 401: sign in, or the credentials are wrong
	codeForbidden         = "forbidden"              // 403: signed in, but not allowed (or no CSRF token)
	codeNotFound          = "not_found"              // 404: no such route under /api/v1
	codeMethodNotAllowed  = "method_not_allowed"     // 405
	codeConflict          = "conflict"               // 409: busy (a report already running)
	codeEngineUnavailable = "engine_unavailable"     // 503: the database is not answering
	codeCanceled          = "canceled"               // 499: the client went away first
	codeInternal          = "internal"               // 500: a bug or a data problem; quote request_id
	codeTooLarge          = "request_too_large"      // 413: the body is over the route's cap
	codeURITooLong        = "uri_too_long"           // 414: the URL is over maxURLBytes
	codeUnsupportedMedia  = "unsupported_media_type" // 415: a body that is not a urlencoded form
	codeTooManyRequests   = "too_many_requests"      // 429: too many failed sign-ins; see Retry-After
	codeRequestTimeout    = "request_timeout"        // 408: the body came slower than the server's read timeout
)

// statusClientClosed is nginx's non-standard status for a request the
// client abandoned; it only ever shows up in logs.
const statusClientClosed = 499

// errorBody is the body of every error answer under /api/v1:
//
//	{"error": {"code": "invalid_parameter", "message": "...", "param": "from", "request_id": "..."}}
type errorBody struct {
	Error apiError `json:"error"`
}

type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Param     string `json:"param,omitempty"`
	RequestID string `json:"request_id"`
}

// invalid is how the dashboard reports a bad parameter, the same error
// type analytics uses, so that both take the same path to a 400.
func invalid(param, message string) error {
	return &imscope.InvalidError{Param: param, Message: message}
}

// renameParam gives an analytics InvalidError the name the API uses for the
// parameter (analytics.Merge calls its members "networks"; the API's
// parameter is "merge").
func renameParam(err error, from, to string) error {
	var ie *imscope.InvalidError
	if errors.As(err, &ie) && ie.Param == from {
		return &imscope.InvalidError{Param: to, Message: ie.Message}
	}
	return err
}

// fail is the one place where an error becomes an HTTP status:
//
//   - an *imscope.InvalidError (from binding or from analytics) naming a
//     parameter of the endpoint is the user's input: 400, naming it. One
//     naming something else ("value", "bridge", "rows") is analytics
//     refusing rows read from the database — a data problem the client
//     cannot fix, so it is a 500 like any other;
//   - a request the client abandoned: 499, logged only;
//   - an engine that is closed, timed out, unreachable over the network or
//     not answering a ping right now: 503 with Retry-After;
//   - anything else: 500 with the request id and a generic message — the
//     error itself, which may quote SQL or ClickHouse internals, goes to
//     the log only.
func (a *api) fail(c *gin.Context, err error) {
	id := requestID(c)
	e := apiError{RequestID: id}
	status := http.StatusInternalServerError
	var ie *imscope.InvalidError
	switch {
	case errors.As(err, &ie) && isParam(c, ie.Param):
		status, e.Code, e.Message, e.Param = http.StatusBadRequest, codeInvalid, clipEchoes(ie.Message, c.Request.URL.Query()), clip(ie.Param)
	case c.Request.Context().Err() != nil:
		status, e.Code, e.Message = statusClientClosed, codeCanceled, "the request was canceled"
		a.log.Debug("request canceled by the client", "request_id", id, "err", err)
	case a.unavailable(c.Request.Context(), err):
		status, e.Code, e.Message = http.StatusServiceUnavailable, codeEngineUnavailable, "the database engine is not answering; try again shortly"
		c.Header("Retry-After", "5")
		a.log.Warn("engine unavailable", "request_id", id, "engine", a.engine.Kind(), "err", err)
	default:
		e.Code, e.Message = codeInternal, "internal error; quote request id "+id+" when reporting it"
		a.log.Error("request failed", "request_id", id, "route", c.FullPath(), "err", err)
	}
	writeError(c, status, e)
}

// ctxParams holds the parameters the current endpoint accepts, once its
// parameters are bound (binding errors are always the user's).
const ctxParams = "imscope.params"

// isParam reports whether name is a parameter of the endpoint serving c
// (any name while binding; "" for errors about no one parameter).
func isParam(c *gin.Context, name string) bool {
	v, ok := c.Get(ctxParams)
	if !ok || name == "" {
		return true
	}
	params, _ := v.([]string)
	return slices.Contains(params, name)
}

// writeError writes an error body; it is never cached or compressed.
func writeError(c *gin.Context, status int, e apiError) {
	body, _ := json.Marshal(errorBody{Error: e}) // strings only: cannot fail
	c.Header("Cache-Control", "no-store")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(status, "application/json; charset=utf-8", body)
	c.Abort()
}

// unavailable reports whether err means the engine could not be reached
// rather than that it refused the question. Errors that do not say so
// themselves are settled by pinging the engine: if it does not answer
// now, the request failed because of that.
func (a *api) unavailable(ctx context.Context, err error) bool {
	var ne net.Error
	if errors.Is(err, queries.ErrClosed) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) {
		return true
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	return a.engine.Ping(pctx) != nil
}
