package api

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/imscope/imscope/queries"
)

// CollectorSchedule is what the collectors endpoint needs from the
// scheduler and the pipeline: which collectors are configured, when each
// runs next, and what waits in the spool. cmd/imscope adapts its scheduler
// to it; the dashboard never drives collectors itself.
type CollectorSchedule interface {
	Scheduled() []ScheduledCollector
	// SpoolDepth is the batches and bytes waiting for ClickHouse.
	SpoolDepth() (segments int, bytes int64)
}

// CollectorRun is the outcome of a collector run started from the
// dashboard (Options.RunCollector).
type CollectorRun struct {
	Status   string // ok, partial, error
	Rows     uint64
	Duration time.Duration
	Error    string
	// Detail is the whole run as the runner returned it (a collector.Run),
	// answered as "run" so that the command line prints it as it would
	// have printed a run of its own.
	Detail any
}

// ScheduledCollector is one configured collector.
type ScheduledCollector struct {
	Name, Kind, Target string
	Schedule           string    // cron spec; "" runs on demand only
	Next               time.Time // zero when not scheduled
}

// Collector is one collector: its schedule and its latest run.
type Collector struct {
	Name       string     `json:"name"`
	Kind       string     `json:"kind"`
	Target     string     `json:"target"`
	Configured bool       `json:"configured"` // false: runs on record from a collector no longer configured
	Schedule   string     `json:"schedule"`
	NextRun    *time.Time `json:"next_run"`
	// The latest run; null/empty when it never ran.
	StartedAt       *time.Time `json:"started_at"`
	DurationSeconds *float64   `json:"duration_seconds"`
	Rows            *uint64    `json:"rows"`      // rows read
	Stored          *uint64    `json:"stored"`    // rows stored: new keys, or published shares replaced
	Existing        *uint64    `json:"existing"`  // rows whose key was stored with the same figures
	Conflicts       *uint64    `json:"conflicts"` // rows whose key was stored with other figures: not stored
	Status          string     `json:"status"`    // ok, partial, error; "" never ran
	Error           string     `json:"error"`
	Warnings        []string   `json:"warnings"`
	LastOK          *time.Time `json:"last_ok"` // start of the last run that did not fail
}

// Spool is what waits in the spool for ClickHouse.
type Spool struct {
	Segments int   `json:"segments"`
	Bytes    int64 `json:"bytes"`
}

// UnknownNetwork is a network id the stored data names that the
// catalog does not: such rows land under their raw id and are flagged.
type UnknownNetwork struct {
	Network string `json:"network"`
	Rows    uint64 `json:"rows"` // rows naming it, over usage, panel, published shares and bridge traffic
	// FirstSeen and LastSeen are when rows naming it were first and last
	// stored: a last_seen long past means the source has stopped sending it.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Collectors are the sources that sent its rows (the rows' source:
	// collector names, an import's label; "publisher:NAME" for published
	// shares), sorted, at most queries.MaxUnknownNetworkSources.
	Collectors []string `json:"collectors"`
}

// CollectorsData answers /collectors.
type CollectorsData struct {
	Collectors []Collector `json:"collectors"`
	Spool      *Spool      `json:"spool"` // null when the server runs no pipeline
	// UnknownNetworks are read from ClickHouse (queries.UnknownNetworks),
	// not from this process's runs, so they survive restarts.
	UnknownNetworks []UnknownNetwork `json:"unknown_networks"`
}

// Rows gives the cells of the CSV table named, in its declared columns.
func (d CollectorsData) Rows(table string) [][]any {
	var out [][]any
	if table == "spool" {
		if d.Spool != nil {
			out = append(out, []any{d.Spool.Segments, d.Spool.Bytes})
		}
		return out
	}
	if table == "unknown_networks" {
		for _, u := range d.UnknownNetworks {
			out = append(out, []any{u.Network, u.Rows, u.FirstSeen, u.LastSeen, u.Collectors})
		}
		return out
	}
	for _, c := range d.Collectors {
		out = append(out, []any{c.Name, c.Kind, c.Target, c.Configured, c.Schedule, c.NextRun, c.StartedAt, c.DurationSeconds, c.Rows, c.Stored, c.Existing, c.Conflicts, c.Status, c.Error, c.Warnings, c.LastOK})
	}
	return out
}

var collectorsEndpoint = &Endpoint{
	Path:        "/collectors",
	Summary:     "Collectors: schedule, next run, latest run, last success; spool depth; networks outside the catalog",
	Description: "Every configured collector with its latest recorded run (collector_runs), plus collectors with runs on record that are no longer configured; and every network id the stored data names that the catalog (/networks) does not, nor any of its aliases, with the rows naming it, when they were first and last stored and which collectors sent them. Such rows are stored under their raw id and flagged: the run that loads them warns, and /metrics counts them in imscope_rows_unknown_network_total.",
	Tables: []Table{
		{Name: "collectors", Doc: "one row per collector", Columns: []Column{
			{"name", "string", "collector name"},
			{"kind", "string", "openmetrics, csv, json, ejabberd, checkpoints, simulate"},
			{"target", "string", "what it reads"},
			{"configured", "boolean", "in the current configuration"},
			{"schedule", "string", "cron spec; empty: on demand"},
			{"next_run", "date-time", "next scheduled run"},
			{"started_at", "date-time", "latest run's start"},
			{"duration_seconds", "number", "latest run's duration"},
			{"rows", "integer", "rows the latest run read"},
			{"stored", "integer", "rows it stored (new keys, or published shares replaced)"},
			{"existing", "integer", "rows whose key was stored already with the same figures: not stored again"},
			{"conflicts", "integer", "rows whose key was stored with other figures: not stored"},
			{"status", "string", "ok, partial or error"},
			{"error", "string", "the latest run's error"},
			{"warnings", "string", "its first problems, ;-separated"},
			{"last_ok", "date-time", "start of the last run that did not fail"},
		}},
		{Name: "spool", Doc: "one row (none without a pipeline)", Columns: []Column{
			{"segments", "integer", "batches waiting in the spool"},
			{"bytes", "integer", "bytes waiting"},
		}},
		{Name: "unknown_networks", Doc: "one row per network id in the data but not in the catalog, most rows first", Columns: []Column{
			{"network", "string", "the id as the data names it"},
			{"rows", "integer", "stored rows naming it: usage samples, panel rows, published shares, bridge traffic at either end"},
			{"first_seen", "date-time", "when rows naming it were first stored (rows stored before imscope kept this: their own earliest timestamp)"},
			{"last_seen", "date-time", "when rows naming it were last stored"},
			{"collectors", "string", "the sources that sent them, ;-separated: collector names, import labels, publisher:NAME for published shares"},
		}},
	},
	Data: CollectorsData{},
}

func (a *API) registerCollectors() {
	register(a, collectorsEndpoint,
		func(context.Context, *request, shared) (struct{}, error) { return struct{}{}, nil },
		func(ctx context.Context, _ struct{}) (Result, error) {
			runs, err := queries.LatestCollectorRuns(ctx, a.engine)
			if err != nil {
				return nil, err
			}
			unknown, err := queries.UnknownNetworks(ctx, a.engine, a.catalogIDs())
			if err != nil {
				return nil, err
			}
			byName := map[string]*Collector{}
			d := CollectorsData{Collectors: []Collector{}, UnknownNetworks: []UnknownNetwork{}}
			for _, u := range unknown {
				sources := u.Sources
				if sources == nil {
					sources = []string{}
				}
				d.UnknownNetworks = append(d.UnknownNetworks, UnknownNetwork{Network: u.Network, Rows: u.Rows, FirstSeen: u.FirstSeen, LastSeen: u.LastSeen, Collectors: sources})
			}
			if s := a.opts.Collectors; s != nil {
				segs, bytes := s.SpoolDepth()
				d.Spool = &Spool{Segments: segs, Bytes: bytes}
				for _, c := range s.Scheduled() {
					byName[c.Name] = &Collector{Name: c.Name, Kind: c.Kind, Target: c.Target, Configured: true, Schedule: c.Schedule, NextRun: optTime(c.Next), Warnings: []string{}}
				}
			}
			for _, r := range runs {
				c := byName[r.Collector]
				if c == nil {
					c = &Collector{Name: r.Collector, Kind: r.Kind, Target: r.Target}
					byName[r.Collector] = c
				}
				c.StartedAt, c.DurationSeconds, c.Rows = optTime(r.StartedAt), new(r.Duration.Seconds()), new(r.Rows)
				c.Stored, c.Existing, c.Conflicts = new(r.Stored), new(r.Existing), new(r.Conflicts)
				c.Status, c.Error, c.Warnings, c.LastOK = r.Status, r.Error, nonNil(r.Warnings), optTime(r.LastOK)
			}
			for _, c := range byName {
				d.Collectors = append(d.Collectors, *c)
			}
			slices.SortFunc(d.Collectors, func(x, y Collector) int { return cmp.Compare(x.Name, y.Name) })
			return d, nil
		})
}

// catalogIDs are the ids of the configured networks.
func (a *API) catalogIDs() []string {
	ids := make([]string, len(a.opts.Networks))
	for i, n := range a.opts.Networks {
		ids[i] = n.ID
	}
	return ids
}
