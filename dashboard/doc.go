// Package dashboard is imscope's HTTP face: Gin routes, handlers, pages,
// templates and embedded static assets, sign-in, and the report renderer.
// Handlers stay thin — bind the request (its filter is validated there,
// once: defaults.go), ask one analytics function for the answer (or
// queries, for bookkeeping such as collector runs and alert events),
// render — and one place (errors.go) maps errors to HTTP status. Every
// aggregation and privacy rule is analytics'; a page derives its figures
// from the answer analytics gave.
//
// # The API
//
// Everything the pages show is served as JSON and CSV under /api/v1, and
// described by the OpenAPI 3.0 document at /api/v1/openapi.json, which is
// built from the same declarations the router mounts:
//
//	GET /api/v1/networks          the network catalog
//	GET /api/v1/share             shares per period, Δ, published figures     top
//	GET /api/v1/concentration     HHI, CR1/2/4, coalition gaps per period
//	GET /api/v1/scenario/merge    HHI before/after a merger                   merge (required)
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
// Admin actions are POSTs beside them (api_admin.go): run a collector or a
// report now, create or expire a silence.
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
// spellings of one question share an entry. `format=csv` answers one flat
// table instead (`table` picks it; see csv.go for the conventions, among
// them the neutralising of spreadsheet formulas). Errors are
// {"error": {"code", "message", "param", "request_id"}}.
//
// # The pages
//
// Pages (pages.go, page_*.go, templates/) are drawn on the server: a page
// asks the API's own questions through api.ask — the same validation,
// defaults and results cache, so a page, its "data" links and the API
// never disagree — builds its charts with dashboard/charts and executes
// its template inside the layout. Charts travel as JSON data blocks that
// static/imscope.js hands to ECharts; the CSP lets no other script run.
// Filters live in the URL; a submitted form is redirected to its canonical
// URL. Anonymous viewers' pages are cached like answers, each response
// getting its own nonce. Texts come from i18n/en.json and i18n/zh-CN.json.
//
// # Who is asking, and how much they may ask
//
// Every request passes, in order: requestLog (an id), recovery,
// securityHeaders, limitRequest (limits.go: the URL and the body are capped
// by route before anything reads them, and only urlencoded forms are
// parsed) and authMiddleware (auth.go: the client's address — the TCP peer
// unless it is a trusted proxy, clientaddr.go — then the session cookie,
// Basic or Bearer credentials). Push receivers are mounted under
// /api/v1/push/NAME/ and judge their own bridge tokens; the dashboard
// never looks at their Authorization header. Every check of a password or
// token is throttled per address and per account (throttle.go). Sessions
// live in memory and end at sign-out, expiry, a credential change or a
// restart (sessions.go). HEAD is served as GET without the body.
//
// # Reports
//
// ReportRenderer (report_*.go) draws the same pages' sections for a
// report's period and language into one self-contained HTML file, prints
// it to PDF with Chromium and zips the CSV of every chart and table;
// dashboard/report schedules, records and delivers the runs.
package dashboard
