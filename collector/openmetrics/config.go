package openmetrics

import "time"

// Defaults applied by New when the Config leaves a field at its zero value.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBodyBytes = 10 << 20 // 10 MiB
)

// Config is one openmetrics collector: where to scrape, how to authenticate,
// and how series map onto rows. The YAML config decoder fills it; it is
// equally usable from Go. Prefer bearer_token_env and
// basic_auth.password_env to bearer_token: they name environment variables,
// read at each scrape, so secrets stay out of config files; none is logged.
type Config struct {
	URL            string    `yaml:"url"`
	BearerToken    string    `yaml:"bearer_token"`
	BearerTokenEnv string    `yaml:"bearer_token_env"`
	BasicAuth      BasicAuth `yaml:"basic_auth"`
	// Timeout bounds one whole scrape (connect, headers, body); 0 means
	// DefaultTimeout.
	Timeout time.Duration `yaml:"timeout"`
	// MaxBodyBytes caps the body read from the target; a larger body fails
	// the scrape rather than exhausting memory. 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// Preset names a shipped preset (see Presets) whose rules come before
	// Rules.
	Preset string `yaml:"preset"`
	Rules  []Rule `yaml:"rules"`
	// Network is the network of every row whose rule names none: the usage
	// network, or the side of a bridge route a rule leaves open.
	Network string `yaml:"network"`
	// Bridge is the bridge id of bridge rows whose rule names none.
	Bridge string `yaml:"bridge"`
	// Segment is the segment of usage rows whose rule names none.
	Segment string `yaml:"segment"`
}

// BasicAuth is HTTP basic authentication; the password comes from the
// environment variable PasswordEnv.
type BasicAuth struct {
	Username    string `yaml:"username"`
	PasswordEnv string `yaml:"password_env"`
}

// Rule types.
const (
	TypeUsage  = "usage"  // rows of usage_samples
	TypeBridge = "bridge" // rows of bridge_traffic
)

// Kinds of series a rule reads; empty means the family's TYPE decides.
const (
	KindGauge     = "gauge"
	KindCounter   = "counter"
	KindHistogram = "histogram"
)

// Bridge row fields a bridge rule feeds.
const (
	FieldMessages = "messages"
	FieldFailures = "failures"
	FieldBytes    = "bytes"
	FieldLatency  = "latency"
)

// Rule maps the series of matching metric families onto rows.
//
// Match is a metric family name as it appears in the exposition (counters
// with their _total suffix when the exposition has one, histograms by their
// base name without _bucket/_sum/_count), exact, or a glob in which each *
// stands for any run of characters: "prosody_mod_s2s__connections_*",
// "*remote_request_seconds". There are no other special characters.
//
// Every rule whose Match and Filter fit a series applies to it, so one
// histogram can feed latency, messages and failures through three rules.
// Rows that end up with the same key (network, metric and segment; or bridge,
// from and to network) within one scrape are summed.
type Rule struct {
	Match string `yaml:"match"`
	Type  string `yaml:"type"` // usage or bridge
	Kind  string `yaml:"kind"` // gauge, counter or histogram; default from the exposition's TYPE
	// Metric is the usage metric (a name in imscope.Metrics) of usage rows.
	Metric string `yaml:"metric"`
	// Field is what a bridge rule's value feeds: messages, failures, bytes
	// (counter increments, or a histogram's _count — _sum for bytes) or
	// latency (a histogram's buckets and _sum).
	Field string `yaml:"field"`

	// Labels whose values name the row's network, bridge, route ends and
	// segment. A label wins over the static value beside it; a series
	// without the label falls back to the static value.
	NetworkLabel     string `yaml:"network_label"`
	BridgeLabel      string `yaml:"bridge_label"`
	FromNetworkLabel string `yaml:"from_network_label"`
	ToNetworkLabel   string `yaml:"to_network_label"`
	SegmentLabel     string `yaml:"segment_label"`

	// Static values, used when the label above is unset or missing.
	Network     string `yaml:"network"`
	Bridge      string `yaml:"bridge"`
	FromNetwork string `yaml:"from_network"`
	ToNetwork   string `yaml:"to_network"`
	Segment     string `yaml:"segment"`

	// Filter keeps only series whose labels fit every condition:
	// "label=value" or "label!=value", where value may be a glob as in
	// Match; "label=" matches a missing or empty label.
	Filter []string `yaml:"filter"`
}
