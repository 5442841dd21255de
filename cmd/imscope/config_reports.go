package main

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/cmd/internal/yamlconf"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/dashboard/report"
)

// ReportsConfig is the `reports:` section.
type ReportsConfig struct {
	// Dir holds every run's files, Dir/NAME/SLOT-RUN/; default <engine.data>/reports.
	Dir string `yaml:"dir"`
	// Timeout bounds rendering one run.
	Timeout time.Duration `yaml:"timeout"`
	// Chromium prints the PDFs: a path, "" to look one up on PATH, or
	// "none" for HTML and CSV only.
	Chromium string         `yaml:"chromium"`
	List     []ReportConfig `yaml:"list"`
}

// ReportConfig is one scheduled report.
type ReportConfig struct {
	Name  string `yaml:"name"`
	Title string `yaml:"title"`
	// Schedule is a cron spec; CRON_TZ= sets the zone periods are computed
	// in. Empty: run only by `imscope report run` or the dashboard.
	Schedule string `yaml:"schedule"`
	// Period is what a run covers: the last full day, week, month,
	// quarter or year before it (default week), beside the one before.
	Period   string   `yaml:"period"`
	Sections []string `yaml:"sections"` // default: all, in their usual order
	Language string   `yaml:"language"` // en (default) or zh-CN

	// Source is where the share and concentration sections' shares come
	// from: auto (default: measured where the period has measured usage,
	// else published), measured or published; Publisher and Basis choose
	// among several published series.
	Source       string   `yaml:"source"`
	Publisher    string   `yaml:"publisher"`
	Basis        string   `yaml:"basis"`
	Destinations []string `yaml:"destinations"`
	// CatchUp runs a slot missed while imscope was down at the next start
	// (default true); false records it as missed.
	CatchUp  *bool `yaml:"catch_up"`
	KeepRuns int   `yaml:"keep_runs"` // 0: no limit
	KeepDays int   `yaml:"keep_days"` // 0: no limit
}

// AlertDeliveryConfig is `alerts.delivery:`: where and how alert
// transitions are notified.
type AlertDeliveryConfig struct {
	Destinations   []string      `yaml:"destinations"` // webhook or email destinations
	GroupBy        []string      `yaml:"group_by"`     // label names; rule and kind are labels too
	GroupWait      time.Duration `yaml:"group_wait"`
	RepeatInterval time.Duration `yaml:"repeat_interval"`
	SendResolved   bool          `yaml:"send_resolved"`
}

func defaultReportsConfig() ReportsConfig { return ReportsConfig{Timeout: 10 * time.Minute} }

func defaultAlertDelivery() AlertDeliveryConfig {
	return AlertDeliveryConfig{Destinations: []string{}, GroupBy: []string{"rule"}, GroupWait: 30 * time.Second, RepeatInterval: 4 * time.Hour, SendResolved: true}
}

var labelNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// validateReports checks public_url, destinations, reports and
// alerts.delivery; Config.validate calls it.
func (c *Config) validateReports(p *yamlconf.Problems) {
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.Errorf("public_url", "%q is not an http:// or https:// URL", c.PublicURL)
		}
	}
	kinds := validateDestinations(c.Destinations, p)
	if c.Reports.Timeout <= 0 {
		p.Errorf("reports.timeout", "must be positive, not %s", c.Reports.Timeout)
	}
	seen := map[string]bool{}
	for i, r := range c.Reports.List {
		at := fmt.Sprintf("reports.list[%d]", i)
		checkName(p, at, r.Name, seen[r.Name], "report")
		seen[r.Name] = true
		r.validate(at, kinds, p)
	}
	c.Alerts.Delivery.validate(kinds, p)
}

// checkName checks the name of the list entry at: the form names take in
// the file, and that it is not taken by an earlier entry, naming what the
// list holds ("report"). False for a name that is bad or taken.
func checkName(p *yamlconf.Problems, at, name string, taken bool, what string) bool {
	switch {
	case !collectorNameRE.MatchString(name):
		p.Errorf(at+".name", "%q is not a valid name (lowercase letters, digits, _ . -, at most 64)", name)
	case taken:
		p.Errorf(at+".name", "%q is already the name of another %s", name, what)
	default:
		return true
	}
	return false
}

// validate checks alerts.delivery against the destinations' kinds by name.
func (d AlertDeliveryConfig) validate(kinds map[string]string, p *yamlconf.Problems) {
	for i, name := range d.Destinations {
		at := fmt.Sprintf("alerts.delivery.destinations[%d]", i)
		switch kind, ok := kinds[name]; {
		case !ok:
			p.Errorf(at, "%q is not a configured destination", name)
		case kind != "webhook" && kind != "email":
			p.Errorf(at, "%q is a %s destination; alerts go to webhook and email destinations", name, kind)
		}
	}
	for i, l := range d.GroupBy {
		if !labelNameRE.MatchString(l) {
			p.Errorf(fmt.Sprintf("alerts.delivery.group_by[%d]", i), "%q is not a label name", l)
		}
	}
	if d.GroupWait < 0 {
		p.Errorf("alerts.delivery.group_wait", "must not be negative, not %s", d.GroupWait)
	}
	if d.RepeatInterval < time.Minute {
		p.Errorf("alerts.delivery.repeat_interval", "must be at least 1m, not %s", d.RepeatInterval)
	}
}

func (r ReportConfig) validate(at string, destinations map[string]string, p *yamlconf.Problems) {
	if r.Schedule != "" {
		if _, err := schedule.Parse(r.Schedule); err != nil {
			p.Errorf(at+".schedule", "%v", err)
		}
	}
	if r.Period != "" {
		if _, err := imscope.ParseGranularity(r.Period); err != nil {
			p.Errorf(at+".period", "%q is not one of day, week, month, quarter, year", r.Period)
		}
	}
	for j, s := range r.Sections {
		switch {
		case !report.IsSection(s):
			p.Errorf(fmt.Sprintf("%s.sections[%d]", at, j), "%q is not one of %s", s, joinSections())
		case slices.Index(r.Sections, s) < j:
			p.Errorf(fmt.Sprintf("%s.sections[%d]", at, j), "%q is listed twice", s)
		}
	}
	if r.Source != "" && !slices.Contains([]string{"auto", "measured", "published"}, r.Source) {
		p.Errorf(at+".source", "%q is not one of auto, measured, published", r.Source)
	}
	if r.Source == "measured" && (r.Publisher != "" || r.Basis != "") {
		p.Errorf(at+".source", "measured shares have no publisher or basis; use source: published (or auto)")
	}
	if r.Language != "" && !slices.Contains(report.Languages, r.Language) {
		p.Errorf(at+".language", "%q is not one of %s", r.Language, strings.Join(report.Languages, ", "))
	}
	for j, name := range r.Destinations {
		if _, ok := destinations[name]; !ok {
			p.Errorf(fmt.Sprintf("%s.destinations[%d]", at, j), "%q is not a configured destination", name)
		}
	}
	if r.KeepRuns < 0 {
		p.Errorf(at+".keep_runs", "must not be negative, not %d", r.KeepRuns)
	}
	if r.KeepDays < 0 {
		p.Errorf(at+".keep_days", "must not be negative, not %d", r.KeepDays)
	}
}

func joinSections() string {
	s := make([]string, len(report.Sections))
	for i, v := range report.Sections {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// reportsDir is where report runs are written for this configuration.
func (c *Config) reportsDir() string {
	if c.Reports.Dir != "" {
		return c.Reports.Dir
	}
	return filepath.Join(c.Engine.Data, "reports")
}

// reportDefinitions resolves the configured reports (already validated).
func (c *Config) reportDefinitions() ([]report.Definition, error) {
	var out []report.Definition
	for _, r := range c.Reports.List {
		d := report.Definition{
			Name: r.Name, Title: r.Title, Location: time.Local, Granularity: imscope.Week, Sections: report.Sections,
			Language: "en", Destinations: r.Destinations, CatchUp: r.CatchUp == nil || *r.CatchUp,
			Keep:   report.Retention{Runs: r.KeepRuns, Days: r.KeepDays},
			Source: r.Source, Publisher: r.Publisher, Basis: r.Basis,
		}
		if r.Schedule != "" {
			s, err := schedule.Parse(r.Schedule)
			if err != nil {
				return nil, fmt.Errorf("report %s: %w", r.Name, err)
			}
			d.Schedule, d.Location = s, s.Location()
		}
		if r.Period != "" {
			d.Granularity = imscope.Granularity(r.Period)
		}
		if len(r.Sections) > 0 {
			d.Sections = make([]report.Section, len(r.Sections))
			for i, s := range r.Sections {
				d.Sections[i] = report.Section(s)
			}
		}
		if r.Language != "" {
			d.Language = r.Language
		}
		out = append(out, d)
	}
	return out, nil
}
