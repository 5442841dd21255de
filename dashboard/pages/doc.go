// Package pages is the dashboard's server-rendered pages: Overview, Market
// share, Migration, Multi-homing & reach, Bridges, Collectors, Alerts and
// Reports, the admin's Data page (data.go), the sign-in form and the 404.
// A page asks the API's own questions through api.API.Ask — the same
// validation, defaults and results cache, so a page, its "data" links and
// the API never disagree — builds its charts with package charts and
// executes its template inside the layout (templates/). Its status is the
// API's to decide (api.API.Failure); its words are its own (failure.go).
//
// Charts travel as JSON data blocks that the page script hands to ECharts;
// the CSP lets no other script run but the Data page's, which uploads
// files (static/data.js, loaded by its template's "head" block). Filters
// live in the URL; a submitted form is redirected to its canonical URL,
// and a wrong parameter is named once and carried into no link (scrub.go).
// Anonymous viewers' pages are cached like answers, each response getting
// its own nonce. Texts come from i18n/en.json and i18n/zh-CN.json; numbers
// are formatted as the page script formats them (format.go).
//
// The admin's forms (run a collector or a report now, silence an alert)
// post to the pages, which call the API's operations and flash the outcome
// on the page they redirect back to. Reports draw the pages' sections
// through DrawSection (section.go).
package pages
