package report

import (
	"slices"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/dashboard/pages"
)

// Definition is one report, resolved from configuration.
type Definition struct {
	// Name identifies the report in report_runs, file names and the CLI.
	Name string
	// Title heads the report and its messages; "" lets the renderer choose.
	Title string
	// Schedule says when the report runs; nil runs it only on demand.
	Schedule *schedule.Schedule
	// Location is the zone the report's periods are computed in: the
	// schedule's CRON_TZ, else the server's local zone.
	Location *time.Location
	// Granularity is the period a run covers: the last full day, week,
	// month, quarter or year before the run, compared with the one before it.
	Granularity imscope.Granularity
	// Sections are what the report shows, in order.
	Sections []Section
	// Language is "en" or "zh-CN".
	Language string
	// Destinations name the configured destinations the run is delivered
	// to, besides the report directory it is always written to.
	Destinations []string
	// CatchUp runs a slot missed while imscope was down once at start;
	// without it the slot is recorded as missed.
	CatchUp bool
	Keep    Retention
	// Source is where the share and concentration sections' shares come
	// from, as the API's source parameter: "" or auto (measured where the
	// period has measured usage, else published), measured or published;
	// Publisher and Basis choose among several published series (the
	// sections, like the Market share page, otherwise show the first).
	Source, Publisher, Basis string
}

// Section is one part of a report.
type Section string

// The sections a report can have.
const (
	SectionShare         Section = "share"
	SectionConcentration Section = "concentration"
	SectionMigration     Section = "migration"
	SectionMultihoming   Section = "multihoming" // multi-homing and reachability
	SectionBridges       Section = "bridges"
	SectionAlerts        Section = "alerts"
	SectionCollectors    Section = "collectors"
)

// Sections lists every section in the order a full report has them.
var Sections = []Section{SectionShare, SectionConcentration, SectionMigration, SectionMultihoming, SectionBridges, SectionAlerts, SectionCollectors}

// IsSection reports whether s names a section.
func IsSection(s string) bool { return slices.Contains(Sections, Section(s)) }

// Languages a report can be written in.
var Languages = pages.Languages

// Retention bounds the runs kept per report: a run is deleted (its files,
// then its row) once it is not among the newest Runs or is older than Days,
// whichever limit is set; 0 is no limit. The newest run is always kept, so
// that a slot missed while imscope was down can still be told.
type Retention struct {
	Runs int
	Days int
}
