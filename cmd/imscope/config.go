package main

// Configuration of the imscope binary, in three layers applied in order:
// the optional YAML file, IMSCOPE_* environment variables, then flags.
//
// The file is decoded from a yaml.Node tree by a small reflective walker
// instead of yaml.Unmarshal, because every problem has to name the key path
// and the line it came from, unknown keys must be errors (with a suggestion),
// and all problems are reported at once so a user fixes the file in one pass.
// Adding a section is adding a field with a yaml tag to Config and a validate
// method called from Config.Validate; the walker needs no change.

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/imscope/imscope"
)

// Config is the whole configuration of the imscope binary.
type Config struct {
	// Listen is the HTTP listen address, host:port (":0" picks a free port).
	Listen   string          `yaml:"listen"`
	Log      LogConfig       `yaml:"log"`
	Engine   EngineConfig    `yaml:"engine"`
	Networks []NetworkConfig `yaml:"networks"`
	// Collectors are scheduled by serve and run once by collect.
	Collectors []CollectorConfig `yaml:"collectors"`
	Pipeline   PipelineConfig    `yaml:"pipeline"`
	Alerts     AlertsConfig      `yaml:"alerts"`

	// Delivery of reports and alerts (config_reports.go).
	Destinations []DestinationConfig `yaml:"destinations"`
	Reports      ReportsConfig       `yaml:"reports"`
	PublicURL    string              `yaml:"public_url"` // the dashboard's address as readers reach it, for links
	// Dashboard: who may view and act, embedding, refresh (config_dashboard.go).
	Dashboard DashboardConfig `yaml:"dashboard"`

	// src remembers where each key got its value, for error messages.
	// Unexported, so the decoder never sees it as a key.
	src configSources
}

// LogConfig selects the slog handler.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // text or json
}

// EngineConfig chooses and configures the ClickHouse engine: embedded chDB
// by default, a ClickHouse server when ClickHouse is set.
type EngineConfig struct {
	// Data is the embedded engine's data directory.
	Data string `yaml:"data"`
	// Libchdb is an explicit path to libchdb.so; empty means search the usual places.
	Libchdb string `yaml:"libchdb"`
	// Database is the database imscope creates and uses, in either engine.
	Database string `yaml:"database"`
	// ClickHouse is a clickhouse:// URL of a server; it may hold a password,
	// so its type prints redacted and the real value needs string(...).
	ClickHouse SecretURL `yaml:"clickhouse"`
	// QueryTimeout bounds every query.
	QueryTimeout time.Duration `yaml:"query_timeout"`
}

// NetworkConfig is one entry of the network catalog: the networks the
// dashboard knows by name and colour. Samples naming other networks still
// land and are flagged, so the catalog needs no entry for every label.
type NetworkConfig struct {
	ID     string            `yaml:"id"`
	Name   map[string]string `yaml:"name"` // display names by language tag; "en" is required
	Vendor string            `yaml:"vendor"`
	Color  string            `yaml:"color"` // #rrggbb, optional
}

// configFlag is one command-line flag that sets a config key. Flags are
// applied after the environment, and errors about the value name the flag.
type configFlag struct {
	Key   string // dotted key path, e.g. "engine.data"
	Name  string // what errors blame, e.g. "--data"
	Value string
}

// configEnv lists the keys that can be set from the environment; the
// environment beats the file so containers can be configured without one.
var configEnv = []struct{ key, env string }{
	{"listen", "IMSCOPE_LISTEN"},
	{"log.level", "IMSCOPE_LOG_LEVEL"},
	{"log.format", "IMSCOPE_LOG_FORMAT"},
	{"engine.data", "IMSCOPE_DATA"},
	{"engine.libchdb", "IMSCOPE_LIBCHDB"},
	{"engine.database", "IMSCOPE_DATABASE"},
	{"engine.clickhouse", "IMSCOPE_CLICKHOUSE"},
	{"engine.query_timeout", "IMSCOPE_QUERY_TIMEOUT"},
	{"public_url", "IMSCOPE_PUBLIC_URL"},
	{"reports.dir", "IMSCOPE_REPORTS_DIR"},
	{"dashboard.require_login", "IMSCOPE_REQUIRE_LOGIN"},
	{"dashboard.admin_user", "IMSCOPE_ADMIN_USER"},
	{"dashboard.admin_password_bcrypt", "IMSCOPE_ADMIN_PASSWORD_BCRYPT"},
	{"dashboard.admin_token_sha256", "IMSCOPE_ADMIN_TOKEN_SHA256"},
}

// defaultConfig is what imscope runs with when no file is given: embedded
// engine in ./data and the catalog of the early-2010s Chinese IM market
// (shared/data/networks.csv), so `imscope serve` works out of the box.
func defaultConfig() *Config {
	return &Config{
		Listen: ":8080",
		Log:    LogConfig{Level: "info", Format: "text"},
		Alerts: AlertsConfig{Interval: time.Minute, Delivery: defaultAlertDelivery()},
		Pipeline: PipelineConfig{
			SpoolMaxBytes: 1 << 30,
			FlushRows:     100_000,
		},
		Engine: EngineConfig{
			Data:         "./data",
			Database:     "imscope",
			QueryTimeout: 30 * time.Second,
		},
		Reports:   defaultReportsConfig(),
		Dashboard: defaultDashboardConfig(),
		Networks: []NetworkConfig{
			{ID: "qq", Name: map[string]string{"en": "Tencent QQ", "zh-CN": "腾讯QQ"}, Vendor: "Tencent", Color: "#12b7f5"},
			{ID: "wangwang", Name: map[string]string{"en": "Ali Wangwang", "zh-CN": "阿里旺旺"}, Vendor: "Alibaba", Color: "#ff6a00"},
			{ID: "fetion", Name: map[string]string{"en": "Fetion", "zh-CN": "飞信"}, Vendor: "China Mobile", Color: "#6cbf3b"},
			{ID: "msn", Name: map[string]string{"en": "MSN Messenger", "zh-CN": "MSN"}, Vendor: "Microsoft", Color: "#00a39e"},
			{ID: "skype", Name: map[string]string{"en": "Skype", "zh-CN": "Skype"}, Vendor: "Skype", Color: "#1d4fa3"},
			{ID: "sinauc", Name: map[string]string{"en": "Sina UC", "zh-CN": "新浪UC"}, Vendor: "Sina", Color: "#e6162d"},
			{ID: "popo", Name: map[string]string{"en": "NetEase POPO", "zh-CN": "网易泡泡"}, Vendor: "NetEase", Color: "#f2b100"},
			{ID: "yahoo", Name: map[string]string{"en": "Yahoo Messenger", "zh-CN": "雅虎通"}, Vendor: "Yahoo", Color: "#6001d2"},
		},
	}
}

// loadConfig builds the configuration from defaults, the YAML file at path
// ("" for none), the environment and flags, in that order, and validates the
// result. All problems come back together in one errors.Join error, one
// line each, naming the file and line (or the variable or flag) and the key:
// environment and flag problems first, then the file's in line order.
func loadConfig(path string, getenv func(string) string, flags ...configFlag) (*Config, error) {
	c := defaultConfig()
	p := &configProblems{src: &c.src}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read config: %w", err)
		}
		c.decodeYAML(path, data, p)
	}
	c.applyEnv(getenv, p)
	for _, f := range flags {
		c.set(f.Key, f.Value, f.Name, p)
	}
	c.validate(p)
	if err := p.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// applyOverrides sets every key whose IMSCOPE_* variable is non-empty.
// An empty variable counts as unset, as it does for most tools.
// Call Validate afterwards.
func (c *Config) applyOverrides(getenv func(string) string) error {
	p := &configProblems{src: &c.src}
	c.applyEnv(getenv, p)
	return p.err()
}

func (c *Config) applyEnv(getenv func(string) string, p *configProblems) {
	for _, e := range configEnv {
		if v := getenv(e.env); v != "" {
			c.set(e.key, v, e.env, p)
		}
	}
}

// Set sets one scalar key (a dotted path such as "engine.query_timeout")
// from a string, as the environment and flags do. source is what later
// errors about this key will name, e.g. "IMSCOPE_LISTEN" or "--listen".
// Call Validate afterwards.
func (c *Config) Set(key, value, source string) error {
	p := &configProblems{src: &c.src}
	c.set(key, value, source, p)
	return p.err()
}

func (c *Config) set(key, value, source string, p *configProblems) {
	v := reflect.ValueOf(c).Elem()
	for _, name := range strings.Split(key, ".") {
		f, ok := configField(v, name)
		if !ok {
			p.add(0, fmt.Sprintf("%s: %q is not a key that can be set", source, key))
			return
		}
		v = f
	}
	if k := v.Kind(); k == reflect.Struct || k == reflect.Slice || k == reflect.Map {
		p.add(0, fmt.Sprintf("%s: %q is a section, not a single value", source, key))
		return
	}
	c.src.setBy(key, source)
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: value}
	if v.Kind() == reflect.String {
		n.Tag = "!!str" // keep "null", "~" or "" literal: the caller meant a string
	}
	(&configDecoder{p}).decode(n, v, key)
}

// EngineKind says which engine to start: "server" when a ClickHouse URL is
// configured, "embedded" (chDB in-process) otherwise.
func (c *Config) EngineKind() string {
	if c.Engine.ClickHouse != "" {
		return "server"
	}
	return "embedded"
}

// NetworkCatalog is the configured catalog as the domain type the rest of
// imscope uses; config keeps its own type so yaml tags stay out of the root.
func (c *Config) NetworkCatalog() []imscope.Network {
	out := make([]imscope.Network, len(c.Networks))
	for i, n := range c.Networks {
		out[i] = imscope.Network{ID: n.ID, Names: maps.Clone(n.Name), Vendor: n.Vendor, Color: n.Color}
	}
	return out
}

// SlogLevel is the configured level as a slog.Level (info if unknown,
// which Validate prevents).
func (l LogConfig) SlogLevel() slog.Level {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(l.Level)); err != nil {
		return slog.LevelInfo
	}
	return lv
}

// LogValue lets `slog.Info("config", "config", cfg)` log the effective
// configuration with the ClickHouse password masked.
func (c Config) LogValue() slog.Value {
	ids := make([]string, len(c.Networks))
	for i, n := range c.Networks {
		ids[i] = n.ID
	}
	return slog.GroupValue(
		slog.String("listen", c.Listen),
		slog.String("log.level", c.Log.Level),
		slog.String("log.format", c.Log.Format),
		slog.String("engine", c.EngineKind()),
		slog.String("engine.data", c.Engine.Data),
		slog.String("engine.libchdb", c.Engine.Libchdb),
		slog.String("engine.database", c.Engine.Database),
		slog.String("engine.clickhouse", c.Engine.ClickHouse.String()),
		slog.Duration("engine.query_timeout", c.Engine.QueryTimeout),
		slog.String("networks", strings.Join(ids, ",")),
	)
}

// SecretURL is a URL that may carry credentials. It prints and logs with
// the password masked, so passing a Config to fmt or slog cannot leak it;
// string(u) gives the real value to the one place that dials.
type SecretURL string

// String returns the URL with its password (user info and any password or
// jwt query parameter) replaced by "xxxxx".
func (u SecretURL) String() string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(string(u))
	if err != nil {
		return "(unparsable URL hidden)"
	}
	q := p.Query()
	for k := range q {
		if lk := strings.ToLower(k); lk == "password" || lk == "jwt" {
			q.Set(k, "xxxxx")
			p.RawQuery = q.Encode()
		}
	}
	return p.Redacted()
}

// GoString keeps %#v from printing the password.
func (u SecretURL) GoString() string { return strconv.Quote(u.String()) }

// LogValue keeps slog from printing the password.
func (u SecretURL) LogValue() slog.Value { return slog.StringValue(u.String()) }

var (
	configDatabaseRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)
	configNetworkIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)
	configColorRE     = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// Validate checks the values (the decoder has already checked keys and
// types) and reports every problem at once.
func (c *Config) Validate() error {
	p := &configProblems{src: &c.src}
	c.validate(p)
	return p.err()
}

// validate calls one check or validate method per section; a new section
// adds its call here.
func (c *Config) validate(p *configProblems) {
	if !configValidListen(c.Listen) {
		p.errorf("listen", "%q is not a valid listen address (want host:port, like \":8080\")", c.Listen)
	}
	c.Log.validate(p)
	c.Engine.validate(p)
	configValidateNetworks(c.Networks, p)
	validateCollectors(c.Collectors, p)
	c.Pipeline.validate(p)
	c.Alerts.validate(c.Collectors, p)
	c.validateReports(p)
	c.Dashboard.validate(p)
}

func configValidListen(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

func (l LogConfig) validate(p *configProblems) {
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		p.errorf("log.level", "%q is not one of debug, info, warn, error", l.Level)
	}
	switch l.Format {
	case "text", "json":
	default:
		p.errorf("log.format", "%q is not one of text, json", l.Format)
	}
}

func (e EngineConfig) validate(p *configProblems) {
	if e.ClickHouse == "" && e.Data == "" {
		p.errorf("engine.data", "must not be empty")
	}
	if !configDatabaseRE.MatchString(e.Database) {
		p.errorf("engine.database", "%q is not a valid database name (letters, digits and _, not starting with a digit, at most 64)", e.Database)
	}
	if e.ClickHouse != "" {
		// Messages show only the scheme or the redacted URL: the raw one may hold a password.
		const want = "want clickhouse://user:pass@host:9000/db"
		u, err := url.Parse(string(e.ClickHouse))
		switch {
		case err != nil:
			p.errorf("engine.clickhouse", "is not a valid URL (%s)", want)
		case u.Scheme != "clickhouse":
			p.errorf("engine.clickhouse", "scheme %q is not supported (%s)", u.Scheme, want)
		case u.Host == "":
			p.errorf("engine.clickhouse", "%q names no host (%s)", e.ClickHouse.String(), want)
		}
	}
	if e.QueryTimeout <= 0 {
		p.errorf("engine.query_timeout", "must be positive, not %s", e.QueryTimeout)
	}
}

func configValidateNetworks(ns []NetworkConfig, p *configProblems) {
	if len(ns) == 0 {
		p.errorf("networks", "must list at least one network (leave the key out for the default catalog)")
	}
	seen := map[string]int{}
	for i, n := range ns {
		at := fmt.Sprintf("networks[%d]", i)
		switch first, dup := seen[n.ID]; {
		case !configNetworkIDRE.MatchString(n.ID):
			p.errorf(at+".id", "%q is not a valid id (lowercase letters, digits, _ . -, starting with a letter or digit, at most 64)", n.ID)
		case dup:
			p.errorf(at+".id", "%q is already the id of networks[%d]%s", n.ID, first, p.src.lineNote(fmt.Sprintf("networks[%d].id", first)))
		default:
			seen[n.ID] = i
		}
		if n.Name["en"] == "" {
			p.errorf(at+".name.en", "must not be empty")
		}
		if n.Color != "" && !configColorRE.MatchString(n.Color) {
			p.errorf(at+".color", "%q is not a #rrggbb colour", n.Color)
		}
	}
}

// configSources remembers where each key path ("engine.data",
// "networks[2].color") got its value: a line of the file, or the
// environment variable or flag that set it last.
type configSources struct {
	file  string
	lines map[string]int
	by    map[string]string
}

func (s *configSources) setLine(path string, line int) {
	if s.lines == nil {
		s.lines = map[string]int{}
	}
	s.lines[path] = line
}

func (s *configSources) setBy(path, source string) {
	if s.by == nil {
		s.by = map[string]string{}
	}
	s.by[path] = source
}

// lineOf is the line of path or of its nearest ancestor, so a missing
// key ("networks[1].name.en") points at the entry that lacks it.
func (s *configSources) lineOf(path string) int {
	for path != "" {
		if l, ok := s.lines[path]; ok {
			return l
		}
		path = path[:max(strings.LastIndexAny(path, ".["), 0)]
	}
	return 0
}

func (s *configSources) lineNote(path string) string {
	if l := s.lineOf(path); l > 0 {
		return fmt.Sprintf(" (line %d)", l)
	}
	return ""
}

// configProblems collects errors formatted as
//
//	file:line: key.path: message   (value from the file)
//	IMSCOPE_X: message             (value from the environment or a flag)
//	key.path: message              (a default)
//
// and sorts them by line (environment and flags first) so a user reading
// them walks the file top to bottom.
type configProblems struct {
	src      *configSources
	problems []configProblem
}

type configProblem struct {
	line int // 0 when the problem is not at a line of the file
	msg  string
}

func (p *configProblems) add(line int, msg string) {
	p.problems = append(p.problems, configProblem{line, msg})
}

// err joins the problems, or is nil when there are none.
func (p *configProblems) err() error {
	slices.SortStableFunc(p.problems, func(a, b configProblem) int { return a.line - b.line })
	errs := make([]error, len(p.problems))
	for i, pr := range p.problems {
		errs[i] = errors.New(pr.msg)
	}
	return errors.Join(errs...)
}

func (p *configProblems) errorf(path, format string, args ...any) {
	p.errorfAt(path, 0, format, args...)
}

// errorfAt is errorf with an explicit line, for problems about a key that
// has no path of its own (an unknown key is reported on its parent's path).
func (p *configProblems) errorfAt(path string, line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if by := p.src.by[path]; by != "" {
		p.add(0, by+": "+msg)
		return
	}
	if path != "" {
		msg = path + ": " + msg
	}
	if line == 0 {
		line = p.src.lineOf(path)
	}
	if line > 0 { // else a default: blaming the file would mislead
		msg = fmt.Sprintf("%s:%d: %s", p.src.file, line, msg)
	}
	p.add(line, msg)
}

// decodeYAML overlays the file's keys on c and adds every problem to p.
// Keys the file leaves out (or sets to null) keep their defaults; a list
// in the file replaces the default list entirely.
func (c *Config) decodeYAML(file string, data []byte, p *configProblems) {
	c.src.file = file
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		// yaml.v3 says "yaml: line 3: mapping values are not allowed in this context".
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if num, text, ok := strings.Cut(rest, ": "); ok {
				if line, err := strconv.Atoi(num); err == nil {
					p.add(line, fmt.Sprintf("%s:%d: %s", file, line, text))
					return
				}
			}
		}
		p.add(0, file+": "+msg)
		return
	}
	if len(root.Content) == 0 {
		return // empty or only comments: all defaults
	}
	(&configDecoder{p}).decode(root.Content[0], reflect.ValueOf(c).Elem(), "")
}

// configDecoder walks a yaml.Node tree alongside a Go value, by reflection
// on yaml tags, recording each key's line and collecting every problem.
type configDecoder struct {
	*configProblems
}

var configDurationType = reflect.TypeFor[time.Duration]()

func (d *configDecoder) decode(n *yaml.Node, out reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // "key:" with no value means unset: keep the default
	}
	switch {
	case out.Kind() == reflect.Pointer: // optional sections, e.g. a collector's settings
		if out.IsNil() {
			out.Set(reflect.New(out.Type().Elem()))
		}
		d.decode(n, out.Elem(), path)
	case out.Type() == configDurationType:
		if !d.expect(n, yaml.ScalarNode, path) {
			return
		}
		v, err := time.ParseDuration(n.Value)
		if err != nil {
			d.errorfAt(path, n.Line, "%q is not a duration (like 30s, 2m or 1h30m)", n.Value)
			return
		}
		out.SetInt(int64(v))
	case out.Kind() == reflect.Struct:
		if !d.expect(n, yaml.MappingNode, path) {
			return
		}
		d.pairs(n, path, func(key string, k, v *yaml.Node) {
			f, ok := configField(out, key)
			if !ok {
				d.errorfAt(path, k.Line, "unknown key %q%s", key, configSuggest(key, out.Type()))
				return
			}
			d.decode(v, f, configJoin(path, key))
		})
	case out.Kind() == reflect.Map:
		if !d.expect(n, yaml.MappingNode, path) {
			return
		}
		m := reflect.MakeMap(out.Type())
		d.pairs(n, path, func(key string, k, v *yaml.Node) {
			e := reflect.New(out.Type().Elem()).Elem()
			d.decode(v, e, configJoin(path, key))
			m.SetMapIndex(reflect.ValueOf(key).Convert(out.Type().Key()), e)
		})
		out.Set(m)
	case out.Kind() == reflect.Slice:
		if !d.expect(n, yaml.SequenceNode, path) {
			return
		}
		s := reflect.MakeSlice(out.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			at := fmt.Sprintf("%s[%d]", path, i)
			d.src.setLine(at, item.Line)
			d.decode(item, s.Index(i), at)
		}
		out.Set(s)
	case out.Kind() == reflect.String:
		if d.expect(n, yaml.ScalarNode, path) {
			out.SetString(n.Value)
		}
	default: // numbers and booleans, for sections to come
		if d.expect(n, yaml.ScalarNode, path) {
			if err := n.Decode(out.Addr().Interface()); err != nil {
				d.errorfAt(path, n.Line, "%q is not a valid %s", n.Value, out.Kind())
			}
		}
	}
}

// pairs calls f for each key of a mapping node, after recording the key's
// line and rejecting duplicate and non-scalar keys.
func (d *configDecoder) pairs(n *yaml.Node, path string, f func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorfAt(path, k.Line, "keys must be plain strings")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorfAt(path, k.Line, "key %q is repeated (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		d.src.setLine(configJoin(path, k.Value), k.Line)
		f(k.Value, k, v)
	}
}

// expect reports a node of the wrong shape (a list where a string belongs).
func (d *configDecoder) expect(n *yaml.Node, kind yaml.Kind, path string) bool {
	if n.Kind == kind {
		return true
	}
	names := map[yaml.Kind]string{yaml.ScalarNode: "a single value", yaml.MappingNode: "a mapping of keys", yaml.SequenceNode: "a list"}
	d.errorfAt(path, n.Line, "must be %s, not %s", names[kind], names[n.Kind])
	return false
}

func configJoin(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// configField finds the exported field of struct v whose yaml tag is name.
func configField(v reflect.Value, name string) (reflect.Value, bool) {
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.IsExported() && configTag(f) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func configTag(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}

// configSuggest names the known key nearest to an unknown one, when it is
// close enough (edit distance at most 2) to be a likely typo.
func configSuggest(key string, t reflect.Type) string {
	best, bestDist := "", 3
	for i := range t.NumField() {
		f := t.Field(i)
		name := configTag(f)
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		if d := configEditDistance(key, name); d < bestDist && d < len(key) {
			best, bestDist = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// configEditDistance is the Levenshtein distance between a and b.
func configEditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
