package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/cmd/internal/yamlconf"
	"github.com/imscope/imscope/collector/schedule"
)

// AlertsConfig is the `alerts:` section: rules evaluated every Interval,
// their transitions recorded in alert_events (see docs/metrics.md).
type AlertsConfig struct {
	Interval time.Duration    `yaml:"interval"`
	Rules    []analytics.Rule `yaml:"rules"`
	// Delivery notifies destinations of transitions (config_reports.go).
	Delivery AlertDeliveryConfig `yaml:"delivery"`
}

func (a *AlertsConfig) validate(collectors []CollectorConfig, p *yamlconf.Problems) {
	if a.Interval < time.Second {
		p.Errorf("alerts.interval", "must be at least 1s, not %s", a.Interval)
	}
	scheduled := map[string]bool{}
	for _, c := range collectors {
		scheduled[c.Name] = c.Schedule != ""
	}
	seen := map[string]int{}
	for i, r := range a.Rules {
		at := fmt.Sprintf("alerts.rules[%d]", i)
		if first, dup := seen[r.Name]; dup && r.Name != "" {
			p.Errorf(at+".name", "%q is already the name of alerts.rules[%d]", r.Name, first)
		}
		seen[r.Name] = i
		err := r.Validate()
		if err == nil {
			err = analytics.CheckSeries(r)
		}
		if err == nil && r.Kind == analytics.RuleStale && !scheduled[r.Collector] {
			p.Errorf(at+".collector", "%q is not a scheduled collector", r.Collector)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				key, msg, _ := strings.Cut(line, ": ")
				p.Errorf(at+"."+key, "%s", msg)
			}
		}
	}
}

// collectorIntervals is each scheduled collector's interval between runs,
// for stale-collector rules.
func collectorIntervals(cs []CollectorConfig, now time.Time) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, c := range cs {
		if c.Schedule == "" {
			continue
		}
		s, err := schedule.Parse(c.Schedule) // as the scheduler evaluates it
		if err != nil {
			continue
		}
		next := s.Next(now)
		out[c.Name] = s.Next(next).Sub(next)
	}
	return out
}
