package api

import (
	"context"
	"slices"

	"github.com/imscope/imscope/dashboard/cache"
)

// The data an answer can be computed from, as the cache tells it apart:
// each name is the tables that change together (a table and the views
// materialised from it). A batch landing in one makes stale at once the
// answers that read it, and only those: bridge traffic arriving every
// minute leaves the market-share answers cached.
const (
	dataUsage         = "usage"         // usage_samples and its daily and monthly rollups
	dataPublished     = "published"     // market_reports: published shares
	dataPanel         = "panel"         // panel_activity and the panel_users built from it
	dataTraffic       = "traffic"       // bridge_traffic and its per-minute rollup
	dataBridgeStates  = "bridge_states" // bridge_states
	dataRuns          = "runs"          // collector_runs
	dataAlerts        = "alerts"        // alert_events, and the live rule states
	dataNotifications = "notifications" // alert_notifications
	dataSilences      = "silences"      // alert_silences
	dataReportRuns    = "report_runs"   // report_runs
	dataEvents        = "events"        // events: what charts mark
)

// allData is every name: what an answer not listed in endpointReads is
// taken to read.
var allData = []string{dataUsage, dataPublished, dataPanel, dataTraffic, dataBridgeStates, dataRuns, dataAlerts, dataNotifications, dataSilences, dataReportRuns, dataEvents}

// tableData names the data each table written to belongs to. Tables the
// API reads through others (network_seen follows usage, panel and traffic)
// and the writers' staging tables are not listed.
var tableData = map[string]string{
	"usage_samples": dataUsage, "usage_daily": dataUsage, "usage_monthly": dataUsage,
	"market_reports": dataPublished,
	"panel_activity": dataPanel, "panel_users": dataPanel, "panel_users_builds": dataPanel,
	"bridge_traffic": dataTraffic, "bridge_traffic_1m": dataTraffic,
	"bridge_states":       dataBridgeStates,
	"collector_runs":      dataRuns,
	"alert_events":        dataAlerts,
	"alert_notifications": dataNotifications,
	"alert_silences":      dataSilences,
	"report_runs":         dataReportRuns,
	"events":              dataEvents,
}

// endpointReads is the data each endpoint's answer reads (its queries'
// tables, and what the defaults it binds read). An endpoint missing here
// is taken to read everything; one listed with nothing reads no data
// (the catalog is configuration).
var endpointReads = map[string][]string{
	"/networks":             {},
	"/share":                {dataUsage, dataPublished},
	"/concentration":        {dataUsage, dataPublished},
	"/scenario/merge":       {dataUsage, dataPublished},
	"/switching":            {dataPanel},
	"/panel/periods":        {dataPanel},
	"/multihoming":          {dataPanel, dataTraffic},
	"/reachability":         {dataPanel, dataTraffic},
	"/bridges":              {dataTraffic, dataBridgeStates},
	"/bridges/series":       {dataTraffic},
	"/collectors":           {dataRuns, dataUsage, dataPanel, dataTraffic, dataPublished}, // runs, and networks outside the catalog
	"/alerts":               {dataAlerts},
	"/alerts/notifications": {dataNotifications},
	"/alerts/silences":      {dataSilences},
	"/reports":              {dataReportRuns},
	"/events":               {dataEvents},
}

// reads declares, for the fill running under ctx, what the endpoint at
// path reads.
func reads(ctx context.Context, path string) {
	names, ok := endpointReads[path]
	if !ok {
		names = allData
	}
	cache.Reads(ctx, names...)
}

// Invalidate says that rows landed in tables: every cached answer (and
// page) that read them is stale from now on and is never served again.
// The writers call it once the rows are stored. Tables no answer reads
// are ignored.
func (a *API) Invalidate(tables ...string) {
	var names []string
	for _, t := range tables {
		if n, ok := tableData[t]; ok && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	a.group.Changed(names...)
}

// Close stops the caches' background refreshes and waits for those
// running: the server calls it at shutdown, before the engine is closed.
func (a *API) Close() { a.group.Stop() }

// Group is the cache group of the API's answers, which the pages' cache
// joins: a page is stale when an answer it drew is.
func (a *API) Group() *cache.Group { return a.group }
