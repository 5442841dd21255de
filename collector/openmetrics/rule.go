package openmetrics

import (
	"fmt"
	"strings"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector/openmetrics/exposition"
)

// rule is a Rule compiled against its Config: globs compiled, the top-level
// defaults folded in, so that applying it to a series does no parsing.
type rule struct {
	src     Rule
	where   string // "rules[2]" or "preset prosody: rules[0]", for Problems
	match   glob
	filters []filter
	usage   bool
	kind    string
	metric  imscope.Metric
	field   string

	networkLabel, bridgeLabel, fromLabel, toLabel, segmentLabel string
	network, bridge, from, to, segment                          string
}

// compileRules compiles the preset's rules (if any) followed by c.Rules; c
// must have passed Validate.
func compileRules(c Config) ([]rule, error) {
	var out []rule
	add := func(where string, r Rule) error {
		cr := rule{
			src: r, where: where, match: compileGlob(r.Match),
			usage: r.Type == TypeUsage, kind: r.Kind, field: r.Field,
			networkLabel: r.NetworkLabel, bridgeLabel: r.BridgeLabel,
			fromLabel: r.FromNetworkLabel, toLabel: r.ToNetworkLabel, segmentLabel: r.SegmentLabel,
			network: first(r.Network, c.Network), bridge: first(r.Bridge, c.Bridge),
			from: r.FromNetwork, to: r.ToNetwork, segment: first(r.Segment, c.Segment),
		}
		// An end of a route the rule leaves open entirely is the top-level
		// network: the scraped server itself.
		if r.FromNetworkLabel == "" && r.FromNetwork == "" {
			cr.from = c.Network
		}
		if r.ToNetworkLabel == "" && r.ToNetwork == "" {
			cr.to = c.Network
		}
		if cr.usage {
			m, err := imscope.LookupMetric(r.Metric)
			if err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
			cr.metric = m
		}
		for _, f := range r.Filter {
			pf, err := parseFilter(f)
			if err != nil {
				return fmt.Errorf("%s.filter: %w", where, err)
			}
			cr.filters = append(cr.filters, pf)
		}
		out = append(out, cr)
		return nil
	}
	if c.Preset != "" {
		p, err := Preset(c.Preset)
		if err != nil {
			return nil, err
		}
		for i, r := range p.Rules {
			if err := add(fmt.Sprintf("preset %s: rules[%d]", c.Preset, i), r); err != nil {
				return nil, err
			}
		}
	}
	for i, r := range c.Rules {
		if err := add(fmt.Sprintf("rules[%d]", i), r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// kindFor is how r reads a series of family type t: its own kind, else the
// family's TYPE; untyped families are read as the catalog metric's kind by
// usage rules and as counters by bridge rules, whose rows are increments.
func (r *rule) kindFor(t exposition.Type) string {
	if r.kind != "" {
		return r.kind
	}
	switch t {
	case exposition.Counter:
		return KindCounter
	case exposition.Gauge:
		return KindGauge
	case exposition.Histogram, exposition.GaugeHistogram, exposition.Summary:
		return KindHistogram
	}
	if r.usage {
		return string(r.metric.Kind)
	}
	return KindCounter
}

// fits reports whether the series' labels pass every filter of r.
func (r *rule) fits(labels []exposition.Label) bool {
	for i := range r.filters {
		if !r.filters[i].fits(labels) {
			return false
		}
	}
	return true
}

// filter is one compiled "label=value" or "label!=value" condition.
type filter struct {
	label string
	value glob
	not   bool
}

func parseFilter(s string) (filter, error) {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return filter{}, fmt.Errorf("%q is not label=value or label!=value", s)
	}
	not := strings.HasSuffix(name, "!")
	name = strings.TrimSuffix(name, "!")
	if name == "" {
		return filter{}, fmt.Errorf("%q names no label", s)
	}
	return filter{label: name, value: compileGlob(value), not: not}, nil
}

func (f *filter) fits(labels []exposition.Label) bool {
	return f.value.match(labelValue(labels, f.label)) != f.not
}

// labelValue is the value of label name, "" when the series has none.
func labelValue(labels []exposition.Label, name string) string {
	for _, l := range labels {
		if l.Name == name {
			return l.Value
		}
	}
	return ""
}
