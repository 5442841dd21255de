package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/checkpoints"
	"github.com/imscope/imscope/collector/csvimport"
	"github.com/imscope/imscope/collector/ejabberd"
	"github.com/imscope/imscope/collector/jsonapi"
	"github.com/imscope/imscope/collector/openmetrics"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/queries"
)

// builtCollectors are the configured collectors, ready to run, and the push
// receivers among them that the HTTP server mounts.
type builtCollectors struct {
	list      []collector.Collector
	receivers map[string]http.Handler // collector name → push endpoint
	// flushers hold rows in memory between runs; serve drains them at shutdown.
	flushers []*checkpoints.Receiver
	// engine answers the push receivers' question of which intervals are
	// stored (checkpoints.Options.Stored); set by useEngine once it is open.
	engine queries.Engine
}

// useEngine gives the push receivers the engine their stored traffic is in.
func (b *builtCollectors) useEngine(e queries.Engine) { b.engine = e }

// storedIntervals answers a push receiver's question of which intervals of
// its traffic are stored.
func (b *builtCollectors) storedIntervals(ctx context.Context, source string, since time.Time) ([]checkpoints.StoredInterval, error) {
	if b.engine == nil {
		return nil, errors.New("the engine is not open yet")
	}
	stamps, err := queries.TrafficStamps(ctx, b.engine, source, since)
	if err != nil {
		return nil, err
	}
	out := make([]checkpoints.StoredInterval, len(stamps))
	for i, s := range stamps {
		out[i] = checkpoints.StoredInterval{Bridge: s.Bridge, TS: s.TS}
	}
	return out, nil
}

// buildCollectors turns the collectors config into sources.
func buildCollectors(cfg *Config, getenv func(string) string, log *slog.Logger) (*builtCollectors, error) {
	out := &builtCollectors{receivers: map[string]http.Handler{}}
	client := &http.Client{}
	for _, cc := range cfg.Collectors {
		c := collector.Collector{Name: cc.Name, Kind: cc.Kind, Schedule: cc.Schedule, Timeout: cc.Timeout}
		if c.Timeout == 0 {
			c.Timeout = collector.DefaultTimeout
		}
		clog := log.With("collector", cc.Name)
		var err error
		switch cc.Kind {
		case "openmetrics":
			c.Target = cc.OpenMetrics.URL
			c.Source, err = openmetrics.New(cc.Name, *cc.OpenMetrics, openmetrics.Options{Logger: clog, HTTPClient: client, Getenv: getenv})
		case "csv":
			c.Target = cc.CSV.Path + cc.CSV.URL
			c.Source, err = csvimport.New(cc.Name, *cc.CSV, csvimport.Options{Logger: clog, HTTPClient: client, Getenv: getenv})
		case "json":
			c.Target = cc.JSON.URL
			c.Source, err = jsonapi.New(cc.Name, *cc.JSON, jsonapi.Options{Logger: clog, HTTPClient: client, Getenv: getenv})
		case "ejabberd":
			c.Target = cc.Ejabberd.URL
			c.Source, err = ejabberd.New(cc.Name, *cc.Ejabberd, ejabberd.Options{Logger: clog, HTTPClient: client, Getenv: getenv})
		case "checkpoints":
			var r *checkpoints.Receiver
			r, err = checkpoints.New(cc.Name, *cc.Checkpoints, checkpoints.Options{Logger: clog, Getenv: getenv, Stored: out.storedIntervals})
			if err == nil {
				c.Source, c.Target = r, "push: /api/v1/push/"+cc.Name+"/"
				out.receivers[cc.Name] = r
				out.flushers = append(out.flushers, r)
			}
		case "simulate":
			c.Target = "demo market"
			c.Source, err = simulate.New(cc.Name, *cc.Simulate, simulate.Options{Logger: clog})
		}
		if err != nil {
			return nil, fmt.Errorf("collector %s: %w", cc.Name, err)
		}
		out.list = append(out.list, c)
	}
	return out, nil
}

// find returns the named collector.
func (b *builtCollectors) find(name string) (collector.Collector, bool) {
	for _, c := range b.list {
		if c.Name == name {
			return c, true
		}
	}
	return collector.Collector{}, false
}

// collectorBoard is what the dashboard shows of the collectors: each with
// its schedule and next run, and the spool's depth. serve reads them from
// its scheduler; a report rendered by `imscope report run`, where no
// scheduler runs, from the configuration.
type collectorBoard struct {
	collectors func() []collector.Collector
	next       func(name string) time.Time
	spool      func() (segments int, bytes int64)
}

func (b collectorBoard) Scheduled() []api.ScheduledCollector {
	var out []api.ScheduledCollector
	for _, c := range b.collectors() {
		out = append(out, api.ScheduledCollector{Name: c.Name, Kind: c.Kind, Target: c.Target, Schedule: c.Schedule, Next: b.next(c.Name)})
	}
	return out
}

func (b collectorBoard) SpoolDepth() (segments int, bytes int64) { return b.spool() }

// spoolDepth is the depth of the spool on disk, for a process that has not
// opened it (0 when it cannot be read).
func spoolDepth(cfg *Config) (segments int, bytes int64) {
	sp, err := collector.OpenSpool(cfg.spoolDir(), cfg.Pipeline.SpoolMaxBytes)
	if err != nil {
		return 0, 0
	}
	return sp.Depth()
}
