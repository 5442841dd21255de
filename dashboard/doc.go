// Package dashboard is imscope's HTTP face: Gin routes, handlers, templates
// and embedded static assets. Handlers stay thin — bind the request, ask
// analytics or queries, render — and one place maps errors to HTTP status.
package dashboard
