// Package api is imscope's JSON/CSV API under /api/v1. Handlers stay thin
// — bind the request (its filter is validated there, once: defaults.go),
// ask one analytics function for the answer (or queries, for bookkeeping
// such as collector runs and alert events), render — and one place
// (Failure, failure.go) maps errors to HTTP status, for the API, the
// pages, the admin's actions and the report files alike.
//
//	GET /api/v1/networks          the network catalog
//	GET /api/v1/share             shares per period, Δ, published figures     top, source, publisher, basis
//	GET /api/v1/concentration     HHI, CR1/2/4, coalition gaps per period     source, publisher, basis
//	                              (with the intervals published bounds allow)
//	GET /api/v1/scenario/merge    HHI before/after a merger                   merge (required), source, publisher, basis
//	GET /api/v1/switching         matrix, P, retention, net flow, diversion,  from_period, to_period, min_count, k
//	                              steady state, forecast
//	GET /api/v1/panel/periods     the panel's periods
//	GET /api/v1/multihoming       networks per user, overlaps                 period
//	GET /api/v1/reachability      reachable pairs: none, active, hypothetical period, bridges
//	GET /api/v1/bridges           health per route and bridge, uptime
//	GET /api/v1/bridges/series    per-route traffic per step                  step
//	GET /api/v1/collectors        schedules, latest runs, spool depth
//	GET /api/v1/alerts            rule states, recent transitions             limit
//	GET /api/v1/alerts/silences   silences in force, their audit log          limit
//	GET /api/v1/reports           reports and their recent runs               report, limit
//
// Every endpoint and parameter is described by the OpenAPI 3.0 document at
// /api/v1/openapi.json, built from the same declarations Mount mounts.
// Admin actions are POSTs beside them (actions.go): run a collector or a
// report now, create or expire a silence; the pages' forms call the same
// operations. The files a report run wrote are served at
// /reports/runs/RUN/FILE (runfiles.go).
//
// Every endpoint accepts the shared filter — from, to, granularity, metric,
// segment, networks — so a page can send its whole filter bar to each; an
// endpoint ignores the ones its answer does not depend on, but a bad value
// is a 400 everywhere. Unknown parameters and repeated ones are 400s too: a
// typo must not silently answer another question.
//
// Answers are {"query": {...}, "data": {...}}, query being the question as
// normalised: parameters parsed, defaults filled in (the window ending at
// the latest data, the latest panel period...), lists sorted. That
// normalised form is also the cache key (X-Cache: hit|miss), so two
// spellings of one question share an entry. An entry is dropped as soon as
// rows land in a table it read (reads.go, API.Invalidate), and served
// while refreshed once it has merely expired. `format=csv` answers one flat
// table instead (`table` picks it; see csv.go for the conventions, among
// them the neutralising of spreadsheet formulas). Errors are
// {"error": {"code", "message", "param", "request_id"}}.
//
// The pages and the reports ask the same questions through Ask — the same
// validation, defaults and results cache — so a page, its "data" links and
// the API never disagree.
package api
