package checkpoints

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/imscope/imscope/collector"
)

// The two endpoints, told apart by the last segment of the path only, so the
// receiver works under any prefix (imscope serve mounts it at
// /api/v1/push/<collector name>/).
const (
	CheckpointsEndpoint = "checkpoints"
	BridgeStateEndpoint = "bridge_state"
)

// maxRejectedShown caps the rejections listed in one response; the count
// is always complete.
const maxRejectedShown = 100

// response is the JSON body of an answer that accepted something, or of a
// 400 that lists the checkpoints it rejected. Other errors are only the
// error object.
type response struct {
	Accepted      int         `json:"accepted"`
	Rejected      []rejection `json:"rejected,omitempty"`
	RejectedCount int         `json:"rejected_count,omitempty"`
	Error         *apiError   `json:"error,omitempty"`
}

// apiError is the error object of imscope's API, so a client of the
// receiver mounted under /api/v1 reads its errors like every other:
//
//	{"error": {"code": "unauthorized", "message": "...", "request_id": "..."}}
//
// code is one of unauthorized, not_found, method_not_allowed,
// request_too_large, invalid_request (the body could not be read),
// invalid_body (it could, but is not what the endpoint takes) and
// unavailable; param names the part of the body at fault when there is one. request_id is the X-Request-Id of
// the answer, when the server in front of the receiver set one.
type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Param     string `json:"param,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// Error codes; those the dashboard's API has too are spelt as it spells them.
const (
	codeUnauthorized     = "unauthorized"
	codeNotFound         = "not_found"
	codeMethodNotAllowed = "method_not_allowed"
	codeTooLarge         = "request_too_large"
	codeInvalidBody      = "invalid_body"
	codeUnavailable      = "unavailable"
	codeBadRequest       = "invalid_request"
)

// ServeHTTP answers POST …/checkpoints and POST …/bridge_state:
// 200 all accepted, 207 some checkpoints rejected (the rest landed), 400
// nothing usable, 401 missing or unknown token, 404 another path, 405 another
// method, 413 body over max_body_bytes, 503 buffer full (retry later).
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	kind := path.Base(strings.TrimSuffix(req.URL.Path, "/"))
	if kind != CheckpointsEndpoint && kind != BridgeStateEndpoint {
		writeError(w, http.StatusNotFound, codeNotFound, "no such push endpoint: POST …/checkpoints or …/bridge_state")
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, codeMethodNotAllowed, "use POST")
		return
	}
	b := r.tokens.match(req)
	if b == nil {
		// Never the header itself: it may be a real token sent to the wrong place.
		r.log.Warn("push refused: missing or unknown bearer token", "path", req.URL.Path, "remote", req.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Bearer realm="imscope"`)
		writeError(w, http.StatusUnauthorized, codeUnauthorized, "missing or unknown bearer token (send Authorization: Bearer <the bridge's token>)")
		return
	}
	body, code, err := r.readBody(w, req)
	if err != nil {
		r.log.Info("push refused", "bridge", b.ID, "path", req.URL.Path, "status", code, "err", err)
		ec := codeBadRequest
		if code == http.StatusRequestEntityTooLarge {
			ec = codeTooLarge
		}
		writeError(w, code, ec, err.Error())
		return
	}
	if kind == CheckpointsEndpoint {
		r.serveCheckpoints(w, b, body)
	} else {
		r.serveState(w, b, body)
	}
}

// readBody reads at most max_body_bytes; larger bodies get 413.
func (r *Receiver) readBody(w http.ResponseWriter, req *http.Request) ([]byte, int, error) {
	limit := r.cfg.MaxBodyBytes
	tooLarge := fmt.Errorf("body is larger than %d bytes (max_body_bytes)", limit)
	if req.ContentLength > limit {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, limit))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, http.StatusRequestEntityTooLarge, tooLarge
		}
		return nil, http.StatusBadRequest, fmt.Errorf("cannot read body: %w", err)
	}
	return body, 0, nil
}

func (r *Receiver) serveCheckpoints(w http.ResponseWriter, b *bridge, body []byte) {
	cps, bad, err := decodeCheckpoints(body, r.now())
	if err != nil {
		r.addProblems(collector.Problem{Where: where(b, "checkpoints"), Message: err.Error()})
		r.log.Info("push refused: bad checkpoints body", "bridge", b.ID, "err", err)
		writeError(w, http.StatusBadRequest, codeInvalidBody, err.Error())
		return
	}
	r.addCheckpoints(b, cps)
	resp := response{Accepted: len(cps)}
	code := http.StatusOK
	if len(bad) > 0 {
		r.reportRejected(b, bad)
		resp.Rejected, resp.RejectedCount = bad[:min(len(bad), maxRejectedShown)], len(bad)
		code = http.StatusMultiStatus
		if len(cps) == 0 {
			code, resp.Error = http.StatusBadRequest, newError(w, codeInvalidBody, "no checkpoint accepted", "checkpoints")
		}
	}
	r.log.Debug("checkpoints pushed", "bridge", b.ID, "accepted", len(cps), "rejected", len(bad))
	writeJSON(w, code, resp)
}

// reportRejected turns the rejections of one body into Problems, the first
// few one by one and the rest as a count.
func (r *Receiver) reportRejected(b *bridge, bad []rejection) {
	ps := make([]collector.Problem, 0, min(len(bad), maxProblemsPerBody)+1)
	for _, rj := range bad[:min(len(bad), maxProblemsPerBody)] {
		ps = append(ps, collector.Problem{Where: where(b, fmt.Sprintf("checkpoints[%d]", rj.Index)), Message: rj.Error})
	}
	if n := len(bad) - maxProblemsPerBody; n > 0 {
		ps = append(ps, collector.Problem{Where: where(b, "checkpoints"), Message: fmt.Sprintf("%d more checkpoints rejected in the same request", n)})
	}
	r.addProblems(ps...)
	r.log.Info("checkpoints rejected", "bridge", b.ID, "count", len(bad), "first", bad[0].Error)
}

func (r *Receiver) serveState(w http.ResponseWriter, b *bridge, body []byte) {
	row, known, err := decodeState(body, b, r.name, r.now())
	if err != nil {
		r.addProblems(collector.Problem{Where: where(b, "bridge_state"), Message: err.Error()})
		r.log.Info("push refused: bad bridge state", "bridge", b.ID, "err", err)
		writeError(w, http.StatusBadRequest, codeInvalidBody, err.Error())
		return
	}
	if !r.addState(row) {
		r.log.Warn("push refused: bridge state buffer full; is the pipeline collecting?", "bridge", b.ID, "buffered", maxBufferedStates)
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusServiceUnavailable, codeUnavailable, "too many bridge states waiting to be stored; retry later")
		return
	}
	if !known {
		r.addProblems(collector.Problem{Where: where(b, "bridge_state"), Message: fmt.Sprintf("state_event %q is not a known mautrix state; stored as down", row.State)})
	}
	r.log.Debug("bridge state pushed", "bridge", b.ID, "state", row.State, "up", row.Up)
	writeJSON(w, http.StatusOK, response{Accepted: 1})
}

// where names the place of a problem: the bridge and the part of its push.
func where(b *bridge, part string) string {
	return "bridge " + b.ID + ": " + part
}

// errorBody is an answer that is only an error.
type errorBody struct {
	Error *apiError `json:"error"`
}

// writeError answers with only an error object.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{newError(w, code, msg, "")})
}

// newError is an error object carrying the answer's request id, which the
// server in front (imscope's dashboard) has set by now, if any.
func newError(w http.ResponseWriter, code, msg, param string) *apiError {
	return &apiError{Code: code, Message: msg, Param: param, RequestID: w.Header().Get("X-Request-Id")}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	// The client went away if this fails; there is no one to tell.
	_ = json.NewEncoder(w).Encode(v)
}
