package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/imscope/imscope/cmd/internal/yamlconf"
	"github.com/imscope/imscope/collector/checkpoints"
	"github.com/imscope/imscope/collector/csvimport"
	"github.com/imscope/imscope/collector/ejabberd"
	"github.com/imscope/imscope/collector/jsonapi"
	"github.com/imscope/imscope/collector/openmetrics"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/collector/simulate"
)

// CollectorConfig is one entry of `collectors:`. Its kind's settings sit in
// a block named after the kind, so each kind's keys are checked against its
// own settings type:
//
//   - name: prosody
//     kind: openmetrics
//     schedule: "@every 1m"
//     openmetrics: {url: "http://127.0.0.1:5280/metrics", preset: prosody}
type CollectorConfig struct {
	Name     string        `yaml:"name"`
	Kind     string        `yaml:"kind"`     // openmetrics, csv, json, ejabberd, checkpoints, simulate
	Schedule string        `yaml:"schedule"` // cron, seconds optional, CRON_TZ= honoured; empty: on demand only
	Timeout  time.Duration `yaml:"timeout"`  // per run; default collector.DefaultTimeout (1m)

	OpenMetrics *openmetrics.Config `yaml:"openmetrics"`
	CSV         *csvimport.Config   `yaml:"csv"`
	JSON        *jsonapi.Config     `yaml:"json"`
	Ejabberd    *ejabberd.Config    `yaml:"ejabberd"`
	Checkpoints *checkpoints.Config `yaml:"checkpoints"`
	Simulate    *simulate.Config    `yaml:"simulate"`
}

// PipelineConfig tunes how collected rows reach ClickHouse.
type PipelineConfig struct {
	// SpoolDir holds batches while ClickHouse is away; default <engine.data>/spool.
	SpoolDir string `yaml:"spool_dir"`
	// SpoolMaxBytes caps the spool; beyond it batches are dropped, counted and logged.
	SpoolMaxBytes int64 `yaml:"spool_max_bytes"`
	// FlushRows is the batch size at which rows are written without waiting for the run's end.
	FlushRows int `yaml:"flush_rows"`
}

var collectorNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// kindSettings returns the settings block of the collector's kind.
func (c CollectorConfig) kindSettings() (set map[string]bool, v interface{ Validate() error }) {
	set = map[string]bool{
		"openmetrics": c.OpenMetrics != nil, "csv": c.CSV != nil, "json": c.JSON != nil, "ejabberd": c.Ejabberd != nil,
		"checkpoints": c.Checkpoints != nil, "simulate": c.Simulate != nil,
	}
	switch c.Kind {
	case "openmetrics":
		if c.OpenMetrics != nil {
			v = *c.OpenMetrics
		}
	case "csv":
		if c.CSV != nil {
			v = *c.CSV
		}
	case "json":
		if c.JSON != nil {
			v = *c.JSON
		}
	case "ejabberd":
		if c.Ejabberd != nil {
			v = *c.Ejabberd
		}
	case "checkpoints":
		if c.Checkpoints != nil {
			v = *c.Checkpoints
		}
	case "simulate":
		if c.Simulate != nil {
			v = *c.Simulate
		}
	}
	return set, v
}

func validateCollectors(cs []CollectorConfig, p *yamlconf.Problems) {
	seen := map[string]int{}
	for i, c := range cs {
		at := fmt.Sprintf("collectors[%d]", i)
		if !collectorNameRE.MatchString(c.Name) {
			p.Errorf(at+".name", "%q is not a valid collector name (lowercase letters, digits, _ . -)", c.Name)
		} else if first, dup := seen[c.Name]; dup {
			p.Errorf(at+".name", "%q is already the name of collectors[%d]", c.Name, first)
		} else {
			seen[c.Name] = i
		}
		if c.Schedule != "" {
			if _, err := schedule.Parse(c.Schedule); err != nil {
				p.Errorf(at+".schedule", "%v", err)
			}
		}
		if c.Timeout < 0 {
			p.Errorf(at+".timeout", "must be positive, not %s", c.Timeout)
		}
		set, settings := c.kindSettings()
		if _, known := set[c.Kind]; !known {
			p.Errorf(at+".kind", "%q is not one of openmetrics, csv, json, ejabberd, checkpoints, simulate", c.Kind)
			continue
		}
		for kind, present := range set {
			if present && kind != c.Kind {
				p.Errorf(at+"."+kind, "settings for %s, but the collector's kind is %s", kind, c.Kind)
			}
		}
		if settings == nil {
			p.Errorf(at+".kind", "a %s collector needs its settings under %q", c.Kind, c.Kind)
			continue
		}
		if err := settings.Validate(); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				key, msg, ok := strings.Cut(line, ": ")
				if !ok || strings.ContainsAny(key, " \"") {
					p.Errorf(at+"."+c.Kind, "%s", line)
					continue
				}
				p.Errorf(at+"."+c.Kind+"."+key, "%s", msg)
			}
		}
	}
}

func (pc *PipelineConfig) validate(p *yamlconf.Problems) {
	if pc.SpoolMaxBytes < 0 {
		p.Errorf("pipeline.spool_max_bytes", "must not be negative")
	}
	if pc.FlushRows < 0 {
		p.Errorf("pipeline.flush_rows", "must not be negative")
	}
}

// spoolDir is where the spool lives for this configuration.
func (c *Config) spoolDir() string {
	if c.Pipeline.SpoolDir != "" {
		return c.Pipeline.SpoolDir
	}
	return filepath.Join(c.Engine.Data, "spool")
}
