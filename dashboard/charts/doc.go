// Package charts builds the dashboard's and the reports' ECharts options
// with go-echarts. Builders take chart-shaped inputs (categories, series,
// nodes and links, already labelled in the reader's language) so that the
// dashboard's pages and the scheduled reports draw the same chart from the
// same numbers.
//
// A Chart is rendered as data, never as script: its option object is
// marshalled with encoding/json, which escapes <, > and &, into a
// <script type="application/json"> block that the self-hosted page script
// (dashboard/static/imscope.js) hands to echarts.init. Labels come from
// scraped data and are hostile until proven otherwise; as JSON they cannot
// leave their string, and ECharts draws them on a canvas or escapes them in
// its HTML tooltips. No builder emits a JavaScript function (go-echarts'
// FuncOpts): the few value formats the charts need are named in the option
// (Format, and "imFormat" on a series) and applied by the page script.
package charts
