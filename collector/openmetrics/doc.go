// Package openmetrics is the collector source for Prometheus text and
// OpenMetrics endpoints: Prosody's mod_http_openmetrics, Synapse's metrics
// listener, and the bridges built on matrix-appservice-bridge all speak it,
// so one scraper with declarative mapping rules covers the XMPP and Matrix
// side of the market without code per server.
//
// A Source scrapes one URL per Collect, parses the body as it arrives with
// package exposition (which reads what github.com/prometheus/common/expfmt
// reads, without a message or an allocation per sample) and turns series
// into domain rows with Rules: a rule matches a metric family by name and
// says which labels carry
// the network, bridge or segment, and where the value goes (a usage metric
// from the imscope.Metrics catalog, or a field of a bridge route). Shipped
// presets (presets/*.yaml) hold the rules for Prosody, Synapse and
// matrix-appservice-bridge; they are plain configs a user can copy and edit.
//
// Exposition counters only ever grow, but imscope stores per-interval
// increments, so the Source keeps the last value of every counter (and every
// histogram bucket) between scrapes, treats a decrease or a changed created
// timestamp as a restart, and emits nothing for a series the first time it
// sees it — unless its created timestamp says it was born since the previous
// scrape, in which case all of it is new. This state lives in memory only: a
// restarted imscope loses one interval per series, never double counts.
//
// What the mapper works out about a series from its labels — which rules
// map it, its network or route, its counter state — is kept by the series'
// text as written, so a scrape after the first decodes no labels but those
// of series it has not met before.
//
// The package only fetches and maps; batching, spooling and bookkeeping are
// the collector pipeline's job (package collector).
package openmetrics
