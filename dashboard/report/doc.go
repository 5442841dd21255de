// Package report runs scheduled reports: it computes each run's period in
// the report's own time zone, asks a Renderer for the artefacts (HTML, PDF
// when possible, a ZIP of CSVs), writes them to the report directory,
// delivers them to the report's destinations (package notify), records the
// run in report_runs and applies retention.
//
// Schedules are cron specs with a CRON_TZ= zone, evaluated on the zone's
// wall clock: a daily 02:30 report runs once on every day, DST or not (see
// package collector/schedule, whose scheduler runs collectors too). A run
// missed while imscope was down is noticed at start from report_runs — its
// latest schedule slot on record against the schedule — and run once,
// recorded as late, or recorded as missed when catch-up is off. Before
// that, runs a shutdown interrupted (status interrupted) are resumed
// (resume.go): rendered again only if their files were not written, and
// delivered only where they have not been, under the same delivery id.
//
// PageRenderer (render.go) is the Renderer the binary wires in: it draws
// the dashboard's own pages' sections (package pages) for the report's
// period and language into one self-contained HTML file, prints it to PDF
// with Chromium and zips the API's CSV of every chart and table. Runs need
// only the Renderer interface, so tests put in their own. ForAPI is the
// service as the dashboard's API sees it (api.Reports).
package report
