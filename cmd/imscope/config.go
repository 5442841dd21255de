package main

// Configuration of the imscope binary, in three layers applied in order:
// the optional YAML file, IMSCOPE_* environment variables, then flags.
//
// Package yamlconf decodes the file and the single keys, remembering where
// each value came from, so every problem names its key path and its line
// (or variable or flag) and all are reported at once. Adding a section is
// adding a field with a yaml tag to Config and a validate method called
// from Config.validate; the decoder needs no change.

import (
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/cmd/internal/yamlconf"
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

	// Delivery of reports and alerts (config_destinations.go, config_reports.go).
	Destinations []DestinationConfig `yaml:"destinations"`
	Reports      ReportsConfig       `yaml:"reports"`
	PublicURL    string              `yaml:"public_url"` // the dashboard's address as readers reach it, for links
	// Dashboard: who may view and act, embedding, refresh (config_dashboard.go).
	Dashboard DashboardConfig `yaml:"dashboard"`

	// src remembers where each key got its value, for error messages.
	// Unexported, so the decoder never sees it as a key.
	src yamlconf.Sources
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
	// Cluster lays the database out over this cluster of the ClickHouse
	// servers (their remote_servers): local tables on every node and
	// Distributed tables in front (queries.Layout). Set it before the first
	// start: an existing single-node database is not converted.
	Cluster string `yaml:"cluster"`
	// Replicated makes the cluster's tables ReplicatedMergeTree and friends
	// (each server needs Keeper and its own {shard} and {replica} macros).
	Replicated bool `yaml:"replicated"`
	// DDLTimeout bounds the wait for every node to run a schema change.
	DDLTimeout time.Duration `yaml:"ddl_timeout"`
}

// NetworkConfig is one entry of the network catalog: the networks the
// dashboard knows by name and colour. Samples naming other networks still
// land and are flagged, so the catalog needs no entry for every label.
type NetworkConfig struct {
	ID     string            `yaml:"id"`
	Name   map[string]string `yaml:"name"` // display names by language tag; "en" is required
	Vendor string            `yaml:"vendor"`
	Color  string            `yaml:"color"` // #rrggbb, optional
	// Aliases are the label values sources use for this network, exact or
	// globs ("xmpp.qq.example", "*.qq.example", "QQ"); rows naming one are
	// stored under ID (collector/alias.go says which wins when several match).
	Aliases []string `yaml:"aliases"`
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
	{"engine.cluster", "IMSCOPE_CLUSTER"},
	{"engine.replicated", "IMSCOPE_REPLICATED"},
	{"engine.ddl_timeout", "IMSCOPE_DDL_TIMEOUT"},
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
			DDLTimeout:   3 * time.Minute,
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
	p := yamlconf.NewProblems(&c.src)
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read config: %w", err)
		}
		yamlconf.Decode(path, data, c, p)
	}
	// An empty variable counts as unset, as it does for most tools.
	for _, e := range configEnv {
		if v := getenv(e.env); v != "" {
			yamlconf.Set(c, e.key, v, e.env, p)
		}
	}
	for _, f := range flags {
		yamlconf.Set(c, f.Key, f.Value, f.Name, p)
	}
	c.validate(p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return c, nil
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
		out[i] = imscope.Network{ID: n.ID, Names: maps.Clone(n.Name), Vendor: n.Vendor, Color: n.Color, Aliases: slices.Clone(n.Aliases)}
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
		slog.String("engine.cluster", c.Engine.Cluster),
		slog.Bool("engine.replicated", c.Engine.Replicated),
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

// validate checks the values (the decoder has already checked keys and
// types), calling one check or validate method per section; a new section
// adds its call here.
func (c *Config) validate(p *yamlconf.Problems) {
	if !configValidListen(c.Listen) {
		p.Errorf("listen", "%q is not a valid listen address (want host:port, like \":8080\")", c.Listen)
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

func (l LogConfig) validate(p *yamlconf.Problems) {
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		p.Errorf("log.level", "%q is not one of debug, info, warn, error", l.Level)
	}
	switch l.Format {
	case "text", "json":
	default:
		p.Errorf("log.format", "%q is not one of text, json", l.Format)
	}
}

func (e EngineConfig) validate(p *yamlconf.Problems) {
	if e.ClickHouse == "" && e.Data == "" {
		p.Errorf("engine.data", "must not be empty")
	}
	if !configDatabaseRE.MatchString(e.Database) {
		p.Errorf("engine.database", "%q is not a valid database name (letters, digits and _, not starting with a digit, at most 64)", e.Database)
	}
	if e.ClickHouse != "" {
		// Messages show only the scheme or the redacted URL: the raw one may hold a password.
		const want = "want clickhouse://user:pass@host:9000/db"
		u, err := url.Parse(string(e.ClickHouse))
		switch {
		case err != nil:
			p.Errorf("engine.clickhouse", "is not a valid URL (%s)", want)
		case u.Scheme != "clickhouse":
			p.Errorf("engine.clickhouse", "scheme %q is not supported (%s)", u.Scheme, want)
		case u.Host == "":
			p.Errorf("engine.clickhouse", "%q names no host (%s)", e.ClickHouse.String(), want)
		}
	}
	if e.QueryTimeout <= 0 {
		p.Errorf("engine.query_timeout", "must be positive, not %s", e.QueryTimeout)
	}
	e.validateCluster(p)
}

// validateCluster: a cluster is a thing of ClickHouse servers, named like
// a database; replication needs a cluster.
func (e EngineConfig) validateCluster(p *yamlconf.Problems) {
	switch {
	case e.Cluster != "" && e.ClickHouse == "":
		p.Errorf("engine.cluster", "needs ClickHouse servers (engine.clickhouse); the embedded engine is one process")
	case e.Cluster != "" && !configDatabaseRE.MatchString(e.Cluster):
		p.Errorf("engine.cluster", "%q is not a valid cluster name (letters, digits and _, not starting with a digit, at most 64)", e.Cluster)
	case e.Replicated && e.Cluster == "":
		p.Errorf("engine.replicated", "needs a cluster (engine.cluster)")
	}
	if e.Cluster != "" && e.DDLTimeout <= 0 {
		p.Errorf("engine.ddl_timeout", "must be positive, not %s", e.DDLTimeout)
	}
}

func configValidateNetworks(ns []NetworkConfig, p *yamlconf.Problems) {
	if len(ns) == 0 {
		p.Errorf("networks", "must list at least one network (leave the key out for the default catalog)")
	}
	seen := map[string]int{}
	for i, n := range ns {
		at := fmt.Sprintf("networks[%d]", i)
		switch first, dup := seen[n.ID]; {
		case !configNetworkIDRE.MatchString(n.ID):
			p.Errorf(at+".id", "%q is not a valid id (lowercase letters, digits, _ . -, starting with a letter or digit, at most 64)", n.ID)
		case dup:
			p.Errorf(at+".id", "%q is already the id of networks[%d]%s", n.ID, first, p.LineNote(fmt.Sprintf("networks[%d].id", first)))
		default:
			seen[n.ID] = i
		}
		if n.Name["en"] == "" {
			p.Errorf(at+".name.en", "must not be empty")
		}
		if n.Color != "" && !configColorRE.MatchString(n.Color) {
			p.Errorf(at+".color", "%q is not a #rrggbb colour", n.Color)
		}
	}
	configValidateAliases(ns, p)
}
