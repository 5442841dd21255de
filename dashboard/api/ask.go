package api

import (
	"context"
	"net/url"
)

// result answers a bound question through the results cache, which the
// API's renderings (JSON, each CSV table) and the pages share: one
// question is asked of the engine once per TTL however it is shown, and
// again as soon as data it reads lands (reads.go).
func (a *API) result(ctx context.Context, ep *Endpoint, q *request, run func(context.Context) (Result, error)) (Result, error) {
	res, _, err := a.results.Do(ctx, q.question(ep.Path), func(ctx context.Context) (Result, error) {
		reads(ctx, ep.Path)
		return run(ctx)
	}, nil)
	return res, err
}

// Endpoint returns the endpoint mounted at path (under respond.APIPrefix).
func (a *API) Endpoint(path string) *Endpoint {
	for _, ep := range a.endpoints {
		if ep.Path == path {
			return ep
		}
	}
	panic("api: no endpoint " + path) // a programming error: pages name endpoints by constant
}

// Ask answers the endpoint at path for params as the API would (same
// validation, defaults and cache), returning the result and the question
// as normalised. Pages and reports call it, so what they show is exactly
// what the API serves for the same parameters. Errors met answering the
// bound question carry the endpoint's parameters, so that Failure tells a
// bad parameter of the asker's from analytics refusing stored rows.
func (a *API) Ask(ctx context.Context, path string, params url.Values) (Result, map[string]string, error) {
	ep := a.Endpoint(path)
	q := newRequest(params, a.now())
	if err := q.check(ep.Allowed()); err != nil {
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
		return nil, nil, answering(err, ep.Allowed())
	}
	return res, q.echo(), nil
}
