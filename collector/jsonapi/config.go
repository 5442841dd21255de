package jsonapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/imscope/imscope"
)

// What a source's records become.
const (
	KindUsage   = "usage"   // usage samples (usage_samples)
	KindBridges = "bridges" // interop traffic per route (bridge_traffic)
)

// Defaults applied when the Config leaves a field at its zero value; the
// same as the openmetrics collector's.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultMaxBodyBytes = 10 << 20 // 10 MiB
)

// Config is one JSON API source, as written under a collector in the YAML
// config:
//
//	url: https://stats.example.org/v2/daily
//	bearer_token_env: VENDOR_TOKEN
//	records: data.networks[*]
//	ts: $.generated_at
//	network: id
//	metric: =active_users_1d
//	value: stats.dau
//
// Field mappings are paths into each record (stats.dau), paths from the
// document root ($.generated_at), fixed values (=active_users_1d) or @key
// (the member name when records iterate an object). See path for the
// syntax. In YAML, quote a value that starts with @, [ or *, which YAML
// reserves: network: "@key", records: "[*]".
type Config struct {
	// URL is where the records are fetched. With Each, {var} placeholders
	// are filled with each item, percent-encoded (in the path before the ?,
	// in a query value after it).
	URL string `yaml:"url"`
	// Method is GET (the default) or POST, for APIs that take their
	// arguments only in a body.
	Method string `yaml:"method"`
	// Body is sent with POST. Its {var} placeholders are filled with each
	// item, encoded for the body's Content-Type: application/json unless
	// Headers set another, and then a placeholder goes between quotes
	// ({"host": "{host}"}) and its value is escaped as a JSON string.
	Body string `yaml:"body"`
	// BearerTokenEnv names the environment variable whose value is sent as
	// "Authorization: Bearer …". It is read at every fetch, so a rotated
	// token is picked up, and never logged.
	BearerTokenEnv string `yaml:"bearer_token_env"`
	// BasicAuth sends HTTP Basic credentials instead: the user name from
	// the config, the password from an environment variable.
	BasicAuth BasicAuth `yaml:"basic_auth"`
	// Each makes one request per item of a list (per virtual host, tenant,
	// region), the list given, fetched at each run, or both; see Each.
	Each *Each `yaml:"each"`
	// Headers are sent with every request (Accept, a tenant id...). Put
	// secrets in HeadersEnv instead.
	Headers map[string]string `yaml:"headers"`
	// HeadersEnv maps a header name to the environment variable holding its
	// value, for API keys (X-Api-Key: VENDOR_KEY).
	HeadersEnv map[string]string `yaml:"headers_env"`
	// Timeout bounds one fetch, body included (default 10s).
	Timeout time.Duration `yaml:"timeout"`
	// MaxBodyBytes caps the response; a larger one fails the fetch rather
	// than exhausting memory (default 10 MiB).
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// Source is the label rows carry in their source column; the
	// collector's name when empty.
	Source string `yaml:"source"`
	// Kind is usage (default) or bridges.
	Kind string `yaml:"kind"`
	// Records is the path to the records: an array (its elements), or
	// several values picked with [*]. Empty means the document itself.
	Records string `yaml:"records"`
	// Cumulative says the API reports running totals (messages since the
	// service started) rather than per-interval counts: the source then
	// emits each total's increase since the previous fetch — nothing for a
	// series' first sighting, and the whole value after a reset. Gauge
	// metrics are never differenced.
	Cumulative bool `yaml:"cumulative"`

	// TS is the sample time; empty means the time of the fetch.
	TS string `yaml:"ts"`
	// TSFormat is how TS is written: empty (strings as RFC 3339 or dates,
	// numbers as Unix seconds), rfc3339, unix or unix_ms.
	TSFormat string `yaml:"ts_format"`

	// Usage samples (kind usage): Network, Metric and Value are required.
	Network string `yaml:"network"`
	Segment string `yaml:"segment"`
	Metric  string `yaml:"metric"` // a metric of the catalog, fixed (=messages) or from the record
	Value   string `yaml:"value"`

	// Bridge samples (kind bridges): Bridge, FromNetwork, ToNetwork and
	// Messages are required. Messages counts every message the route tried
	// to carry, failed ones included; Failures those not delivered.
	Bridge      string `yaml:"bridge"`
	FromNetwork string `yaml:"from_network"`
	ToNetwork   string `yaml:"to_network"`
	Messages    string `yaml:"messages"`
	Failures    string `yaml:"failures"`
	Bytes       string `yaml:"bytes"`
}

// plan is the parsed form of a Config: what to ask, of what, and how to
// map the answers.
type plan struct {
	req  *request
	each *eachPlan // nil without Each
	m    *mappings
}

// mappings is the parsed form of the field keys.
type mappings struct {
	records path
	ts      *field
	// usage
	network, segment, metric, value *field
	// bridges
	bridge, from, to, messages, failures, bytes *field
}

var (
	envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	headerRE  = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
)

// Validate checks the configuration without fetching anything or reading
// the environment, and names the first bad key in an *imscope.InvalidError.
func (c Config) Validate() error {
	_, err := c.parse()
	return err
}

// parse checks the configuration and parses its paths and templates.
// Checks run in the order of the keys in a config (the request, the list
// of items, then the mappings, then what the kind needs), and the first
// problem is returned.
func (c Config) parse() (*plan, error) {
	if err := c.checkRequest(); err != nil {
		return nil, err
	}
	each, err := c.parseEach()
	if err != nil {
		return nil, err
	}
	vars := each.vars()
	req, err := parseRequest("", c.URL, c.Method, c.Body, c.Headers, vars)
	if err != nil {
		return nil, err
	}
	if each != nil && !req.url.uses(each.name) && !req.body.uses(each.name) {
		return nil, invalid("each.var", fmt.Sprintf("{%s} is in neither url nor body, so every item would be asked the same", each.name))
	}
	m, fields, err := c.parseMappings(vars)
	if err != nil {
		return nil, err
	}
	if err := c.checkKind(fields); err != nil {
		return nil, err
	}
	if m.metric != nil && m.metric.isLit && m.metric.tmpl == nil {
		if _, err := imscope.LookupMetric(m.metric.literal); err != nil {
			return nil, invalid("metric", fmt.Sprintf("%q is not a metric of the catalog (%s)", m.metric.literal, metricNames()))
		}
	}
	return &plan{req: req, each: each, m: m}, nil
}

// checkRequest checks what every fetch shares: the headers, the
// credentials and the limits. The URLs and bodies are checked as they are
// parsed (parseRequest).
func (c Config) checkRequest() error {
	if c.URL == "" {
		return invalid("url", "required: the http or https address of the API")
	}
	if err := c.checkHeaders(); err != nil {
		return err
	}
	if err := c.checkBasicAuth(); err != nil {
		return err
	}
	if c.Timeout < 0 {
		return invalid("timeout", fmt.Sprintf("%v is negative", c.Timeout))
	}
	if c.MaxBodyBytes < 0 {
		return invalid("max_body_bytes", fmt.Sprintf("%d is negative", c.MaxBodyBytes))
	}
	switch c.TSFormat {
	case TSAuto, TSRFC3339, TSUnix, TSUnixMS:
	default:
		return invalid("ts_format", fmt.Sprintf("%q is not one of rfc3339, unix, unix_ms", c.TSFormat))
	}
	return nil
}

// CheckURL requires an http or https URL with a host, as every request of
// this collector (and of collectors built on it) does; key names the
// config key in the *imscope.InvalidError. Messages never show the URL's
// user information or query, which may hold a password.
func CheckURL(key, raw string) error {
	if raw == "" {
		return invalid(key, "required: the http or https address of the API")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a password
		}
		return invalid(key, fmt.Sprintf("not a valid URL: %v", err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return invalid(key, fmt.Sprintf("%q: only http and https URLs can be fetched", displayURL(raw)))
	}
	if u.Host == "" {
		return invalid(key, fmt.Sprintf("%q has no host", displayURL(raw)))
	}
	return nil
}

// checkHeaders checks the header names, their values or variables, and
// that authorization is set one way only.
func (c Config) checkHeaders() error {
	if c.BearerTokenEnv != "" && !envNameRE.MatchString(c.BearerTokenEnv) {
		return invalid("bearer_token_env", fmt.Sprintf("%q is not an environment variable name (letters, digits, _)", c.BearerTokenEnv))
	}
	for name, v := range c.Headers {
		if !headerRE.MatchString(name) {
			return invalid("headers", fmt.Sprintf("%q is not a header name", name))
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return invalid("headers", fmt.Sprintf("the value of %s holds a line break or NUL", name))
		}
	}
	for name, env := range c.HeadersEnv {
		if !headerRE.MatchString(name) {
			return invalid("headers_env", fmt.Sprintf("%q is not a header name", name))
		}
		if !envNameRE.MatchString(env) {
			return invalid("headers_env", fmt.Sprintf("%s: %q is not an environment variable name", name, env))
		}
	}
	if c.BearerTokenEnv != "" && (hasHeader(c.Headers, "Authorization") || hasHeader(c.HeadersEnv, "Authorization")) {
		return invalid("bearer_token_env", "set bearer_token_env or an Authorization header, not both")
	}
	return nil
}

// checkBasicAuth checks that Basic credentials are whole and the only
// ones sent.
func (c Config) checkBasicAuth() error {
	ba := c.BasicAuth
	if ba == (BasicAuth{}) {
		return nil
	}
	switch {
	case ba.Username == "":
		return invalid("basic_auth.username", "required with basic_auth.password_env")
	case strings.ContainsAny(ba.Username, ":\r\n\x00"):
		return invalid("basic_auth.username", "cannot hold a colon, a line break or NUL (Basic authentication separates the password with a colon)")
	case ba.PasswordEnv == "":
		return invalid("basic_auth.password_env", "required with basic_auth.username: the environment variable holding the password")
	case !envNameRE.MatchString(ba.PasswordEnv):
		return invalid("basic_auth.password_env", fmt.Sprintf("%q is not an environment variable name (letters, digits, _)", ba.PasswordEnv))
	case c.BearerTokenEnv != "":
		return invalid("basic_auth", "set basic_auth or bearer_token_env, not both")
	case hasHeader(c.Headers, "Authorization") || hasHeader(c.HeadersEnv, "Authorization"):
		return invalid("basic_auth", "set basic_auth or an Authorization header, not both")
	}
	return nil
}

// mappingField is one field key of the config and where its parsed form goes.
type mappingField struct {
	key, val string
	dst      **field
}

// parseMappings parses the records path and every field mapping (fixed
// values may hold the variables vars); it returns the field keys with their
// values for checkKind.
func (c Config) parseMappings(vars []string) (*mappings, []mappingField, error) {
	m := &mappings{}
	var err error
	if m.records, err = parsePath(c.Records, '$'); err != nil {
		return nil, nil, invalid("records", err.Error())
	}
	if m.records.root != '$' {
		return nil, nil, invalid("records", fmt.Sprintf("%q: the records path starts at the document ($), not at a record (@)", c.Records))
	}
	fields := []mappingField{
		{"ts", c.TS, &m.ts},
		{"network", c.Network, &m.network}, {"segment", c.Segment, &m.segment},
		{"metric", c.Metric, &m.metric}, {"value", c.Value, &m.value},
		{"bridge", c.Bridge, &m.bridge}, {"from_network", c.FromNetwork, &m.from}, {"to_network", c.ToNetwork, &m.to},
		{"messages", c.Messages, &m.messages}, {"failures", c.Failures, &m.failures}, {"bytes", c.Bytes, &m.bytes},
	}
	for _, f := range fields {
		if *f.dst, err = parseField(f.key, f.val, vars); err != nil {
			return nil, nil, err
		}
	}
	for _, f := range fields {
		if *f.dst != nil && (*f.dst).isLit && (*f.dst).literal == "" && f.key != "segment" {
			return nil, nil, invalid(f.key, `"=" needs the value after it, as in =qq`)
		}
	}
	if c.TSFormat != "" && m.ts == nil {
		return nil, nil, invalid("ts_format", "set only with ts")
	}
	return m, fields, nil
}

// What each kind of record needs, and the fields that belong to the other
// kind.
var (
	kindRequired = map[string][]string{
		KindUsage:   {"network", "metric", "value"},
		KindBridges: {"bridge", "from_network", "to_network", "messages"},
	}
	kindUnused = map[string][]string{
		KindUsage:   {"bridge", "from_network", "to_network", "messages", "failures", "bytes"},
		KindBridges: {"network", "segment", "metric", "value"},
	}
	kindBecomes = map[string]string{KindUsage: "usage samples", KindBridges: "bridge samples"}
)

// checkKind checks the kind and that the fields set are the kind's.
func (c Config) checkKind(fields []mappingField) error {
	kind := c.kind()
	if _, ok := kindRequired[kind]; !ok {
		return invalid("kind", fmt.Sprintf("%q is not one of usage, bridges", c.Kind))
	}
	set := map[string]bool{}
	for _, f := range fields {
		set[f.key] = f.val != ""
	}
	for _, k := range kindRequired[kind] {
		if !set[k] {
			return invalid(k, fmt.Sprintf("required for kind %s: a path into each record, or =value", kind))
		}
	}
	for _, k := range kindUnused[kind] {
		if set[k] {
			return invalid(k, fmt.Sprintf("not used by kind %s (records become %s)", kind, kindBecomes[kind]))
		}
	}
	return nil
}

func (c Config) kind() string {
	if c.Kind == "" {
		return KindUsage
	}
	return c.Kind
}

func (c Config) timeout() time.Duration {
	if c.Timeout == 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

func (c Config) maxBodyBytes() int64 {
	if c.MaxBodyBytes == 0 {
		return DefaultMaxBodyBytes
	}
	return c.MaxBodyBytes
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if http.CanonicalHeaderKey(k) == http.CanonicalHeaderKey(name) {
			return true
		}
	}
	return false
}

func metricNames() string {
	names := make([]string, len(imscope.Metrics))
	for i, m := range imscope.Metrics {
		names[i] = m.Name
	}
	return "known: " + strings.Join(names, ", ")
}

func invalid(param, msg string) error {
	return &imscope.InvalidError{Param: param, Message: msg}
}

// displayURL is the URL as messages and logs show it: without user
// information, query or fragment, which may carry credentials.
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparsable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// displayTemplate is a URL template as messages and logs show it:
// displayURL, with its placeholders as written rather than
// percent-encoded.
func displayTemplate(raw string) string {
	return strings.NewReplacer("%7B", "{", "%7D", "}").Replace(displayURL(raw))
}
