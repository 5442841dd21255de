package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/queries"
)

// apiPrefix is where the JSON/CSV API lives; the pages will be built on it.
const apiPrefix = "/api/v1"

// maxCachedBody is the largest answer the cache keeps: with the entry cap
// it bounds the cache's memory (1,024 × 4 MiB in the very worst case, a few
// MB in practice). Larger answers are still served, just not kept.
const maxCachedBody = 4 << 20

// api answers /api/v1. Every endpoint goes the same way — check the
// parameters, bind them into the analytics question with defaults filled
// in, look the normalised question up in the cache, else ask analytics
// and render — so handlers only say what to bind and what to ask.
type api struct {
	engine  queries.Engine
	opts    Options
	log     *slog.Logger
	now     func() time.Time
	timeout time.Duration

	responses *cache[*response] // rendered answers, by question and format
	results   *cache[result]    // answers, by question: shared by the API and the pages
	extents   *cache[any]       // data-derived defaults: latest usage day, panel periods

	endpoints []*endpoint
	openapi   *response
}

// endpoint declares one route: what the OpenAPI document says about it and
// which CSV tables it answers. handle is set by register.
type endpoint struct {
	Path        string // under apiPrefix
	Summary     string
	Description string
	// Uses lists the shared parameters the answer depends on; the others
	// are accepted (a page may send its whole filter) but ignored.
	Uses   []string
	Params []paramDoc // the endpoint's own parameters
	Tables []tableSpec
	// Data is a zero value of the JSON answer's "data", for the schema.
	Data any

	handle gin.HandlerFunc
	// prepare binds a request into the question run answers.
	prepare func(context.Context, *request, shared) (func(context.Context) (result, error), error)
}

// paramDoc documents a query parameter.
type paramDoc struct {
	Name, Type, Doc, Default string
	In                       string // "query" (the default) or "path"
	Enum                     []string
	Required                 bool
}

// allowed is every parameter name the endpoint accepts.
func (ep *endpoint) allowed() []string {
	out := slices.Clone(sharedParams)
	for _, p := range ep.Params {
		out = append(out, p.Name)
	}
	return out
}

// result is an answer computed by analytics, ready to render: its JSON
// form is the value itself; rows gives the cells of one of the endpoint's
// declared CSV tables, in the declared column order.
type result interface {
	rows(table string) [][]any
}

// envelope is every JSON answer: the question as normalised (defaults
// filled in, lists sorted — what the answer is of) and the data.
type envelope struct {
	Query map[string]string `json:"query"`
	Data  any               `json:"data"`
}

// register adds an endpoint: bind turns the request into the endpoint's
// parameters P (recording their canonical form), run asks analytics.
func register[P any](a *api, decl *endpoint, bind func(context.Context, *request, shared) (P, error), run func(context.Context, P) (result, error)) {
	ep := new(endpoint)
	*ep = *decl // the declaration is shared by every server; the handler is this one's
	ep.prepare = func(ctx context.Context, q *request, sh shared) (func(context.Context) (result, error), error) {
		p, err := bind(ctx, q, sh)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (result, error) { return run(ctx, p) }, nil
	}
	allowed := ep.allowed()
	ep.handle = func(c *gin.Context) {
		values, err := parseQuery(c.Request.URL.RawQuery)
		if err != nil {
			a.fail(c, err)
			return
		}
		q := newRequest(values, a.now())
		if err := q.check(allowed); err != nil {
			a.fail(c, err)
			return
		}
		format, table, err := q.output(ep)
		if err != nil {
			a.fail(c, err)
			return
		}
		sh, err := q.parseShared()
		if err != nil {
			a.fail(c, err)
			return
		}
		// The work outlives a client that hangs up: its answer is cached
		// for the next, and other requests may be waiting on it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), a.timeout)
		defer cancel()
		run, err := ep.prepare(ctx, q, sh)
		if err != nil {
			a.fail(c, err)
			return
		}
		// From here on an InvalidError comes from analytics: it is the
		// user's only if it names one of the endpoint's parameters.
		c.Set(ctxParams, allowed)
		resp, hit, err := a.responses.do(ctx, q.key(ep.Path), func() (*response, error) {
			res, err := a.result(ctx, ep, q, run)
			if err != nil {
				return nil, err
			}
			return a.render(ep, q, format, table, res)
		}, func(r *response) bool { return len(r.body) <= maxCachedBody })
		if err != nil {
			a.fail(c, err)
			return
		}
		state := "miss"
		if hit {
			state = "hit"
		}
		resp.write(c, state)
	}
	a.endpoints = append(a.endpoints, ep)
}

// result answers a bound question through the results cache, which the
// API's renderings (JSON, each CSV table) and the pages share: one
// question is asked of the engine once per TTL however it is shown.
func (a *api) result(ctx context.Context, ep *endpoint, q *request, run func(context.Context) (result, error)) (result, error) {
	res, _, err := a.results.do(ctx, q.question(ep.Path), func() (result, error) { return run(ctx) }, nil)
	return res, err
}

// endpointAt returns the endpoint mounted at path (under apiPrefix).
func (a *api) endpointAt(path string) *endpoint {
	for _, ep := range a.endpoints {
		if ep.Path == path {
			return ep
		}
	}
	panic("dashboard: no endpoint " + path) // a programming error: pages name endpoints by constant
}

// ask answers the endpoint at path for params as the API would (same
// validation, defaults and cache), returning the result and the question
// as normalised. Pages and reports call it, so what they show is exactly
// what the API serves for the same parameters.
func (a *api) ask(ctx context.Context, path string, params url.Values) (result, map[string]string, error) {
	ep := a.endpointAt(path)
	q := newRequest(params, a.now())
	if err := q.check(ep.allowed()); err != nil {
		return nil, nil, err
	}
	sh, err := q.parseShared()
	if err != nil {
		return nil, nil, err
	}
	run, err := ep.prepare(ctx, q, sh)
	if err != nil {
		return nil, nil, err
	}
	res, err := a.result(ctx, ep, q, run)
	if err != nil {
		return nil, nil, err
	}
	return res, q.echo(), nil
}

// Output formats.
const (
	formatJSON = "json"
	formatCSV  = "csv"
)

// output reads `format` (json, the default, or csv) and, for CSV, `table`.
func (q *request) output(ep *endpoint) (string, tableSpec, error) {
	format := q.raw(pFormat)
	if format == "" {
		format = formatJSON
	}
	t := q.raw(pTable)
	switch format {
	case formatJSON:
		if t != "" {
			return "", tableSpec{}, invalid(pTable, "chooses a CSV table; it applies with format=csv only")
		}
		q.set(pFormat, format)
		return format, tableSpec{}, nil
	case formatCSV:
	default:
		return "", tableSpec{}, invalid(pFormat, fmt.Sprintf("%s is not json or csv", quote(format)))
	}
	names := make([]string, len(ep.Tables))
	for i, ts := range ep.Tables {
		names[i] = ts.Name
	}
	i := 0
	if t != "" {
		if i = slices.Index(names, t); i < 0 {
			return "", tableSpec{}, invalid(pTable, fmt.Sprintf("%s is not a table of this endpoint; one of %s", quote(t), strings.Join(names, ", ")))
		}
	}
	q.set(pFormat, format)
	q.set(pTable, names[i])
	return format, ep.Tables[i], nil
}

// render turns a result into the bytes the cache keeps.
func (a *api) render(ep *endpoint, q *request, format string, table tableSpec, res result) (*response, error) {
	if format == formatCSV {
		body, err := renderCSV(table, res.rows(table.Name))
		if err != nil {
			return nil, err
		}
		name := "imscope-" + strings.ReplaceAll(strings.Trim(ep.Path, "/"), "/", "-") + "-" + table.Name + ".csv"
		return &response{body: body, contentType: "text/csv; charset=utf-8; header=present", filename: name}, nil
	}
	// encoding/json escapes <, > and & in strings, so an answer is safe to
	// embed in a page's <script> as it is.
	body, err := json.Marshal(envelope{Query: q.echo(), Data: res})
	if err != nil {
		return nil, fmt.Errorf("cannot encode %s: %w", ep.Path, err)
	}
	return &response{body: append(body, '\n'), contentType: "application/json; charset=utf-8"}, nil
}

// routes mounts the API on r.
func (a *api) routes(r *gin.Engine) {
	g := r.Group(apiPrefix)
	for _, ep := range a.endpoints {
		g.GET(ep.Path, ep.handle)
	}
	g.GET("/openapi.json", func(c *gin.Context) { a.openapi.write(c, "") })
}

// notFound answers unknown routes: JSON under /api/v1, plain text elsewhere
// (the pages will have their own).
func (a *api) notFound(c *gin.Context) {
	if isAPI(c.Request.URL.Path) {
		writeError(c, http.StatusNotFound, apiError{Code: codeNotFound, Message: "no such endpoint; see " + apiPrefix + "/openapi.json", RequestID: requestID(c)})
		return
	}
	c.String(http.StatusNotFound, "404 page not found\n")
}

// methodNotAllowed answers a known route asked with the wrong method.
func (a *api) methodNotAllowed(c *gin.Context) {
	if isAPI(c.Request.URL.Path) {
		writeError(c, http.StatusMethodNotAllowed, apiError{Code: codeMethodNotAllowed, Message: "this endpoint answers GET only", RequestID: requestID(c)})
		return
	}
	c.String(http.StatusMethodNotAllowed, "405 method not allowed\n")
}

func isAPI(path string) bool { return path == apiPrefix || strings.HasPrefix(path, apiPrefix+"/") }

// ptr returns a pointer to v, for optional JSON fields.
func ptr[T any](v T) *T { return &v }

// nonNil turns a nil slice into an empty one, so JSON says [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
