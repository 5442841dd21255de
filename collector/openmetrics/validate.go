package openmetrics

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/imscope/imscope"
)

// Validate reports every problem in c, each an *imscope.InvalidError naming
// the key at fault ("rules[2].metric"), joined with errors.Join. A preset's
// rules are checked against c's top-level network, bridge and segment too.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &imscope.InvalidError{Param: key, Message: fmt.Sprintf(format, args...)})
	}

	switch u, err := url.Parse(c.URL); {
	case c.URL == "":
		bad("url", "is required (the address of the /metrics page)")
	case err != nil:
		bad("url", "%q is not a URL", c.URL)
	case u.Scheme != "http" && u.Scheme != "https":
		bad("url", "%q must start with http:// or https://", u.Redacted())
	case u.Host == "":
		bad("url", "%q names no host", u.Redacted())
	}
	if c.BearerToken != "" && c.BearerTokenEnv != "" {
		bad("bearer_token_env", "set bearer_token or bearer_token_env, not both")
	}
	if (c.BearerToken != "" || c.BearerTokenEnv != "") && (c.BasicAuth != BasicAuth{}) {
		bad("basic_auth", "cannot be combined with a bearer token")
	}
	if c.BasicAuth.PasswordEnv != "" && c.BasicAuth.Username == "" {
		bad("basic_auth.username", "is required with basic_auth.password_env")
	}
	if c.BasicAuth.Username != "" && c.BasicAuth.PasswordEnv == "" {
		bad("basic_auth.password_env", "is required with basic_auth.username (the environment variable holding the password)")
	}
	if c.Timeout < 0 {
		bad("timeout", "%s is negative", c.Timeout)
	}
	if c.MaxBodyBytes < 0 {
		bad("max_body_bytes", "%d is negative", c.MaxBodyBytes)
	}

	if c.Preset != "" {
		p, err := Preset(c.Preset)
		if err != nil {
			bad("preset", "%v", err)
		} else {
			for i, r := range p.Rules {
				key := fmt.Sprintf("preset %s: rules[%d]", c.Preset, i)
				for _, e := range r.check(c) {
					bad(key+e.key, "%s", e.msg)
				}
			}
		}
	}
	if c.Preset == "" && len(c.Rules) == 0 {
		bad("rules", "no rules and no preset: nothing would be collected (presets: %s)", strings.Join(Presets(), ", "))
	}
	for i, r := range c.Rules {
		for _, e := range r.check(c) {
			bad(fmt.Sprintf("rules[%d]%s", i, e.key), "%s", e.msg)
		}
	}
	return errors.Join(errs...)
}

// ruleError is a problem with one key of a rule; key is "" or ".name".
type ruleError struct{ key, msg string }

// check returns the problems of r within c.
func (r Rule) check(c Config) []ruleError {
	var errs []ruleError
	bad := func(key, format string, args ...any) {
		errs = append(errs, ruleError{key, fmt.Sprintf(format, args...)})
	}
	if r.Match == "" {
		bad(".match", "is required (a metric family name or a glob like prosody_mod_s2s__*)")
	}
	switch r.Kind {
	case "", KindGauge, KindCounter, KindHistogram:
	default:
		bad(".kind", "%q is not gauge, counter or histogram", r.Kind)
	}
	for _, f := range r.Filter {
		if _, err := parseFilter(f); err != nil {
			bad(".filter", "%v", err)
		}
	}
	switch r.Type {
	case TypeUsage:
		r.checkUsage(c, bad)
	case TypeBridge:
		r.checkBridge(c, bad)
	case "":
		bad(".type", "is required: usage or bridge")
	default:
		bad(".type", "%q is not usage or bridge", r.Type)
	}
	return errs
}

func (r Rule) checkUsage(c Config, bad func(key, format string, args ...any)) {
	for _, kv := range [][2]string{
		{".field", r.Field}, {".bridge_label", r.BridgeLabel}, {".bridge", r.Bridge},
		{".from_network_label", r.FromNetworkLabel}, {".from_network", r.FromNetwork},
		{".to_network_label", r.ToNetworkLabel}, {".to_network", r.ToNetwork},
	} {
		if kv[1] != "" {
			bad(kv[0], "is only for bridge rules (this rule has type usage)")
		}
	}
	if r.Metric == "" {
		bad(".metric", "is required for usage rules (one of %s)", metricNames())
	} else if m, err := imscope.LookupMetric(r.Metric); err != nil {
		bad(".metric", "%q is not in the metric catalog (%s)", r.Metric, metricNames())
	} else {
		switch {
		case r.Kind == KindHistogram:
			bad(".kind", "histogram series feed bridge latency, not usage rows")
		case r.Kind == KindCounter && m.Kind == imscope.Gauge:
			bad(".kind", "counter increments cannot feed %q, a gauge metric", r.Metric)
		case r.Kind == KindGauge && m.Kind == imscope.Counter:
			bad(".kind", "gauge levels cannot feed %q, a counter metric (its values are summed)", r.Metric)
		}
	}
	if r.NetworkLabel == "" && r.Network == "" && c.Network == "" {
		bad(".network", "the rule gives no network: set network_label or network here, or network at the top")
	}
}

func (r Rule) checkBridge(c Config, bad func(key, format string, args ...any)) {
	for _, kv := range [][2]string{{".metric", r.Metric}, {".network_label", r.NetworkLabel}, {".network", r.Network}} {
		if kv[1] != "" {
			bad(kv[0], "is only for usage rules (this rule has type bridge)")
		}
	}
	switch r.Field {
	case FieldMessages, FieldFailures, FieldBytes:
	case FieldLatency:
		if r.Kind != "" && r.Kind != KindHistogram {
			bad(".kind", "latency comes from histograms, not %s series", r.Kind)
		}
	case "":
		bad(".field", "is required for bridge rules: messages, failures, bytes or latency")
	default:
		bad(".field", "%q is not messages, failures, bytes or latency", r.Field)
	}
	if r.Kind == KindGauge {
		bad(".kind", "bridge rows hold per-interval increments: a gauge cannot feed them")
	}
	if r.BridgeLabel == "" && r.Bridge == "" && c.Bridge == "" {
		bad(".bridge", "the rule gives no bridge: set bridge_label or bridge here, or bridge at the top")
	}
	from := r.FromNetworkLabel != "" || r.FromNetwork != ""
	to := r.ToNetworkLabel != "" || r.ToNetwork != ""
	switch {
	case !from && !to:
		bad(".from_network", "a bridge rule must name at least one end of its route (from_network or to_network, or their labels)")
	case !from && c.Network == "":
		bad(".from_network", "the route's start is open and there is no top-level network to fill it")
	case !to && c.Network == "":
		bad(".to_network", "the route's end is open and there is no top-level network to fill it")
	}
}

func metricNames() string {
	names := make([]string, len(imscope.Metrics))
	for i, m := range imscope.Metrics {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}
