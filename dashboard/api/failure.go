package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries"
)

// Failure is what an error means to whoever asked: the status it is
// answered with, the API's error code, a message safe to show (never SQL
// or ClickHouse's words) and the parameter at fault, if any. Each surface
// words it its own way — the API's JSON body, a page's notice, a line of
// text — but the status is decided here alone (Failure).
type Failure struct {
	Status  int
	Code    string
	Message string
	Param   string
}

// Asker is who a failure is answered to.
type Asker struct {
	// Ctx is the context of the one client asking, whose going away makes
	// any failure a 499; context.Background() for what is drawn for every
	// reader alike (a page, which the page cache shares; a report).
	Ctx context.Context
	// ID is the request id, quoted in a 500's message and logged.
	ID string
	// Echoes are the values the asker sent, clipped where a message
	// quotes them.
	Echoes url.Values
	// What names the failing thing in the log ("request", "page", "admin
	// action"); Log adds attributes to its line.
	What string
	Log  []any
}

// Failure is the one place where an error becomes an HTTP status:
//
//   - an *imscope.InvalidError is the asker's input — 400, naming the
//     parameter — when it was met binding the question, or when it names a
//     parameter of the endpoint that answered. One naming something else
//     ("value", "bridge", "rows") is analytics refusing rows read from the
//     database: a data problem the asker cannot fix, so a 500 like any
//     other;
//   - an upload over its cap, stopped, broken off or compressed in a way
//     imports do not read: 413, 408, 400, 415 (uploadFailure);
//   - nothing of that name (a collector, a report, a silence): 404;
//   - busy (a report already running): 409;
//   - the client went away first: 499, logged only;
//   - an engine that is closed, timed out, unreachable over the network or
//     not answering a ping right now: 503, to retry;
//   - anything else: 500 with the request id and a generic message — the
//     error itself, which may quote SQL or ClickHouse internals, goes to
//     the log only.
func (a *API) Failure(err error, who Asker) Failure {
	attrs := append([]any{"request_id", who.ID}, who.Log...)
	var ie *imscope.InvalidError
	var ns *NoSuchError
	var busy *ConflictError
	if f, ok := uploadFailure(err, who.Ctx.Err() != nil); ok {
		return f
	}
	switch {
	case errors.As(err, &ie) && askersParam(err, ie.Param):
		return Failure{Status: http.StatusBadRequest, Code: respond.CodeInvalid, Message: respond.ClipEchoes(ie.Message, who.Echoes), Param: respond.Clip(ie.Param)}
	case errors.As(err, &ns):
		return Failure{Status: http.StatusNotFound, Code: respond.CodeNotFound, Message: ns.Error()}
	case errors.As(err, &busy):
		return Failure{Status: http.StatusConflict, Code: respond.CodeConflict, Message: busy.Error()}
	case who.Ctx.Err() != nil:
		a.log.Debug(who.What+" canceled by the client", append(attrs, "err", err)...)
		return Failure{Status: respond.StatusClientClosed, Code: respond.CodeCanceled, Message: "the request was canceled"}
	case a.unavailable(who.Ctx, err):
		a.log.Warn("engine unavailable", append(attrs, "engine", a.engine.Kind(), "err", err)...)
		return Failure{Status: http.StatusServiceUnavailable, Code: respond.CodeEngineUnavailable, Message: "the database engine is not answering; try again shortly"}
	}
	a.log.Error(who.What+" failed", append(attrs, "err", err)...)
	return Failure{Status: http.StatusInternalServerError, Code: respond.CodeInternal, Message: "internal error; quote request id " + who.ID + " when reporting it"}
}

// fail answers a failed API request with the API's error body.
func (a *API) fail(c *gin.Context, err error) {
	id := respond.RequestID(c)
	f := a.Failure(err, Asker{Ctx: c.Request.Context(), ID: id, Echoes: c.Request.URL.Query(), What: "request", Log: []any{"route", c.FullPath()}})
	if f.Status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	respond.WriteError(c, f.Status, respond.Error{Code: f.Code, Message: f.Message, Param: f.Param, RequestID: id})
}

// answerError is an error met answering a bound question: an
// InvalidError in it is the asker's only if it names one of params, the
// parameters of the endpoint that answered.
type answerError struct {
	err    error
	params []string
}

func (e *answerError) Error() string { return e.err.Error() }
func (e *answerError) Unwrap() error { return e.err }

// answering marks err as met answering a question of an endpoint taking
// params.
func answering(err error, params []string) error { return &answerError{err: err, params: params} }

// askersParam reports whether an InvalidError naming name, found in err,
// is about the asker's input: always while binding, and after binding
// only for the endpoint's own parameters (or for no one parameter).
func askersParam(err error, name string) bool {
	var ae *answerError
	if !errors.As(err, &ae) || name == "" {
		return true
	}
	return slices.Contains(ae.params, name)
}

// NoSuchError is an action on something that is not configured: a
// collector, a report, a silence.
type NoSuchError struct{ What, Name string }

func (e *NoSuchError) Error() string {
	switch {
	case e.What == "silence":
		return fmt.Sprintf("no active silence %s", respond.Quote(e.Name))
	case e.What == "import":
		return fmt.Sprintf("no import %s is kept (the last 100 imports of 30 days are)", respond.Quote(e.Name))
	case e.What == "rejected rows of import":
		return fmt.Sprintf("no rejected rows of import %s: it rejected none, or it has not finished", respond.Quote(e.Name))
	}
	return fmt.Sprintf("no %s named %s is configured", e.What, respond.Quote(e.Name))
}

// ConflictError is an action refused because what it acts on is busy (a
// report already running); it reads as its cause.
type ConflictError struct{ Err error }

func (e *ConflictError) Error() string { return e.Err.Error() }
func (e *ConflictError) Unwrap() error { return e.Err }

// invalid is how the API reports a bad parameter, the same error type
// analytics uses, so that both take the same path to a 400.
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

// unavailable reports whether err means the engine could not be reached
// rather than that it refused the question. Errors that do not say so
// themselves are settled by pinging the engine: if it does not answer
// now, the request failed because of that.
func (a *API) unavailable(ctx context.Context, err error) bool {
	var ne net.Error
	if errors.Is(err, queries.ErrClosed) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) {
		return true
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	return a.engine.Ping(pctx) != nil
}
