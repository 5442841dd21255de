// Package dashboard assembles imscope's HTTP server: New mounts the health
// checks, /metrics, the push receivers, the JSON/CSV API, the report files,
// the static assets, the pages and the sign-in form on one router, behind
// one chain of middleware — the request log (an id), recovery, the
// security headers, the request limits and the guard's identification of
// the user, in that order. HEAD is served as GET without the body.
//
// The parts live in packages named for what they serve; this one only
// puts them together and owns nothing else (the layout test in the
// module's root keeps the table of what may import what):
//
//	dashboard/respond   what every answer has in common: the error body, request ids, gzip
//	dashboard/guard     who is asking and what they may do: sign-in, sessions, throttling,
//	                    client address, CSRF, request limits, security headers
//	dashboard/static    the embedded assets, under immutable URLs
//	dashboard/cache     the TTL cache answers and pages are kept in
//	dashboard/api       the JSON/CSV API under /api/v1 and the one errors-to-status mapping
//	dashboard/pages     the server-rendered pages, which answer through the API
//	dashboard/charts    the chart builders the pages draw with
//	dashboard/report    scheduled reports: the pages' sections rendered, run, delivered
//	dashboard/alerting  the alert lifecycle: evaluation runs, notifications, silences
//	dashboard/notify    delivery: webhooks, e-mail, a directory
//
// Nothing imports this package but cmd/imscope (and the shared test
// support, dashboard/internal/dashtest, which builds whole servers).
package dashboard
