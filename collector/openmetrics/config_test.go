package openmetrics

import (
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func TestValidate(t *testing.T) {
	ok := Config{URL: "https://im.example.org/metrics", Rules: []Rule{usageGauge}}
	tests := []struct {
		name string
		edit func(c *Config)
		want []string // each a substring of the error; none means valid
	}{
		{"valid", func(c *Config) {}, nil},
		{"preset with network", func(c *Config) { c.Rules, c.Preset, c.Network = nil, "synapse", "matrix" }, nil},
		{"no url", func(c *Config) { c.URL = "" }, []string{"url: is required"}},
		{"ftp url", func(c *Config) { c.URL = "ftp://x/metrics" }, []string{"url: \"ftp://x/metrics\" must start with http"}},
		{"both tokens", func(c *Config) { c.BearerToken, c.BearerTokenEnv = "a", "B" }, []string{"bearer_token_env: set bearer_token or bearer_token_env, not both"}},
		{"basic without password", func(c *Config) { c.BasicAuth.Username = "u" }, []string{"basic_auth.password_env: is required"}},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, []string{"timeout: -1s is negative"}},
		{"negative size", func(c *Config) { c.MaxBodyBytes = -1 }, []string{"max_body_bytes: -1 is negative"}},
		{"unknown preset", func(c *Config) { c.Preset = "ejabberd" }, []string{`preset: "ejabberd" is not a shipped preset (matrix-appservice-bridge, prosody, synapse)`}},
		{"preset missing network", func(c *Config) { c.Rules, c.Preset = nil, "synapse" }, []string{"preset synapse: rules[0].from_network"}},
		{"no rules", func(c *Config) { c.Rules = nil }, []string{"rules: no rules and no preset"}},
		{"metric not in catalog", func(c *Config) {
			c.Rules = []Rule{usageGauge, usageGauge, {Match: "x", Type: TypeUsage, Metric: "likes", Network: "qq"}}
		}, []string{`rules[2].metric: "likes" is not in the metric catalog`}},
		{"usage rule without network", func(c *Config) { c.Rules = []Rule{{Match: "x", Type: TypeUsage, Metric: "messages"}} }, []string{"rules[0].network: the rule gives no network"}},
		{"bad type and kind", func(c *Config) { c.Rules = []Rule{{Match: "x", Type: "usages", Kind: "summary"}} }, []string{`rules[0].type: "usages" is not usage or bridge`, `rules[0].kind: "summary" is not gauge`}},
		{"missing match", func(c *Config) { c.Rules = []Rule{{Type: TypeUsage, Metric: "messages", Network: "qq"}} }, []string{"rules[0].match: is required"}},
		{"counter into a gauge metric", func(c *Config) {
			c.Rules = []Rule{{Match: "x", Type: TypeUsage, Kind: KindCounter, Metric: "connections", Network: "qq"}}
		}, []string{`rules[0].kind: counter increments cannot feed "connections"`}},
		{"bridge rule keys in a usage rule", func(c *Config) {
			c.Rules = []Rule{{Match: "x", Type: TypeUsage, Metric: "messages", Network: "qq", Field: "messages", BridgeLabel: "b"}}
		}, []string{"rules[0].field: is only for bridge rules", "rules[0].bridge_label: is only for bridge rules"}},
		{"bridge rule without field, bridge or route", func(c *Config) { c.Rules = []Rule{{Match: "x", Type: TypeBridge, Metric: "messages"}} },
			[]string{"rules[0].metric: is only for usage rules", "rules[0].field: is required", "rules[0].bridge: the rule gives no bridge", "rules[0].from_network: a bridge rule must name"}},
		{"bridge rule with an open end and no top-level network", func(c *Config) {
			c.Rules = []Rule{{Match: "x", Type: TypeBridge, Field: "messages", Bridge: "b", FromNetwork: "matrix"}}
		}, []string{"rules[0].to_network: the route's end is open"}},
		{"latency from a counter", func(c *Config) {
			c.Rules = []Rule{{Match: "x", Type: TypeBridge, Field: "latency", Kind: KindCounter, Bridge: "b", FromNetwork: "a", ToNetwork: "c"}}
		}, []string{"rules[0].kind: latency comes from histograms"}},
		{"gauge into bridge rows", func(c *Config) {
			c.Rules = []Rule{{Match: "x", Type: TypeBridge, Field: "messages", Kind: KindGauge, Bridge: "b", FromNetwork: "a", ToNetwork: "c"}}
		}, []string{"rules[0].kind: bridge rows hold per-interval increments"}},
		{"bad filter", func(c *Config) {
			c.Rules = []Rule{{Match: "x", Type: TypeUsage, Metric: "messages", Network: "qq", Filter: []string{"outcome", "=x"}}}
		}, []string{`rules[0].filter: "outcome" is not label=value`, `rules[0].filter: "=x" names no label`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			c.Rules = append([]Rule(nil), ok.Rules...)
			tc.edit(&c)
			err := c.Validate()
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tc.want)
			}
			if !imscope.IsInvalid(err) {
				t.Errorf("error %v is not an imscope.InvalidError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if _, err := New("x", c, Options{}); err == nil || !imscope.IsInvalid(err) {
				t.Errorf("New accepted an invalid config, or lost the InvalidError: %v", err)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"a_b", "a_b", true},
		{"a_b", "a_bc", false},
		{"prosody_mod_s2s__connections_*bound", "prosody_mod_s2s__connections_inbound", true},
		{"prosody_mod_s2s__connections_*bound", "prosody_mod_s2s__connections_outbound", true},
		{"prosody_mod_s2s__connections_*bound", "prosody_mod_s2s__connections_total", false},
		{"*remote_request_seconds", "bridge_remote_request_seconds", true},
		{"*remote_request_seconds", "remote_request_seconds", true},
		{"*", "", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "a-c-b", false},
		{"ab*ba", "aba", false},
		{":*", ":local-choice", true},
		{":*", "not-well-formed", false},
	}
	for _, tc := range tests {
		if got := compileGlob(tc.pattern).match(tc.s); got != tc.want {
			t.Errorf("%q matching %q = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
