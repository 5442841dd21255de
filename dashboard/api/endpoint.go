package api

import (
	"context"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/imscope/imscope/dashboard/cache"
)

// Endpoint declares one route: what the OpenAPI document says about it and
// which CSV tables it answers. handle is set by register.
type Endpoint struct {
	Path        string // under respond.APIPrefix
	Summary     string
	Description string
	// Uses lists the shared parameters the answer depends on; the others
	// are accepted (a page may send its whole filter) but ignored.
	Uses   []string
	Params []paramDoc // the endpoint's own parameters
	Tables []Table
	// Data is a zero value of the JSON answer's "data", for the schema.
	Data any

	handle gin.HandlerFunc
	// prepare binds a request into the question run answers.
	prepare func(context.Context, *request, shared) (func(context.Context) (Result, error), error)
}

// paramDoc documents a query parameter.
type paramDoc struct {
	Name, Type, Doc, Default string
	In                       string // "query" (the default) or "path"
	Enum                     []string
	Required                 bool
}

// Allowed is every parameter name the endpoint accepts.
func (ep *Endpoint) Allowed() []string {
	out := slices.Clone(sharedParams)
	for _, p := range ep.Params {
		out = append(out, p.Name)
	}
	return out
}

// result is an answer computed by analytics, ready to render: its JSON
// form is the value itself; rows gives the cells of one of the endpoint's
// declared CSV tables, in the declared column order.
type Result interface {
	Rows(table string) [][]any
}

// envelope is every JSON answer: the question as normalised (defaults
// filled in, lists sorted — what the answer is of) and the data.
type envelope struct {
	Query map[string]string `json:"query"`
	Data  any               `json:"data"`
}

// register adds an endpoint: bind turns the request into the endpoint's
// parameters P (recording their canonical form), run asks analytics.
func register[P any](a *API, decl *Endpoint, bind func(context.Context, *request, shared) (P, error), run func(context.Context, P) (Result, error)) {
	ep := new(Endpoint)
	*ep = *decl // the declaration is shared by every server; the handler is this one's
	ep.prepare = func(ctx context.Context, q *request, sh shared) (func(context.Context) (Result, error), error) {
		p, err := bind(ctx, q, sh)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (Result, error) { return run(ctx, p) }, nil
	}
	allowed := ep.Allowed()
	ep.handle = func(c *gin.Context) {
		values, err := ParseQuery(c.Request.URL.RawQuery)
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
		// The fill may run after this request is answered (a background
		// refresh of a stale answer): it uses the bound question only.
		resp, state, err := a.responses.Do(ctx, q.key(ep.Path), func(ctx context.Context) (*response, error) {
			res, err := a.result(ctx, ep, q, run)
			if err != nil {
				return nil, err
			}
			return a.render(ep, q, format, table, res)
		}, func(r *response) bool { return len(r.body) <= maxCachedBody })
		if err != nil {
			a.fail(c, answering(err, allowed))
			return
		}
		xcache := "miss"
		if state != cache.Miss {
			xcache = "hit" // a stale answer served while refreshed is a hit too
		}
		resp.write(c, xcache)
	}
	a.endpoints = append(a.endpoints, ep)
}

// Table returns the endpoint's CSV table of that name (the first when it
// has none of that name).
func (ep *Endpoint) Table(name string) Table {
	for _, t := range ep.Tables {
		if t.Name == name {
			return t
		}
	}
	return ep.Tables[0]
}
