package server

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/imscope/imscope/queries"
)

// Options configure the server engine.
type Options struct {
	// URL is the server, clickhouse://user:pass@host:9000/db?settings (the
	// native protocol port, 9000 or 9440 with secure=true). Query settings
	// and clickhouse-go's own DSN options may follow the '?'.
	URL string
	// Database is the database this engine reads and writes; it overrides
	// the URL's and is created if missing. When both are empty, "default".
	Database string
	Logger   *slog.Logger
	// DialTimeout bounds connecting to the server (DefaultDialTimeout when 0;
	// a dial_timeout in the URL is used when this is 0).
	DialTimeout time.Duration
	// QueryTimeout bounds each statement whose context has no deadline of
	// its own (DefaultQueryTimeout when 0, none when negative). For batches
	// it bounds Insert's preparation and Send, not the time spent appending.
	QueryTimeout time.Duration
	// Cluster lays the database out over this cluster of the servers'
	// remote_servers (queries.Layout): local tables on every node,
	// Distributed tables in front, DDL ON CLUSTER. The engine then runs
	// with queries.ClusterSettings, and keeps to the first address of the
	// URL, so that a batch's staging table (a Memory table on one node) is
	// seen by every statement of the batch.
	Cluster string
	// Replicated makes the cluster's local tables Replicated*MergeTree.
	Replicated bool
	// DDLTimeout bounds the wait for every node to run an ON CLUSTER
	// statement (DefaultDDLTimeout when 0).
	DDLTimeout time.Duration
}

// Defaults for Options.
const (
	DefaultDialTimeout  = 10 * time.Second
	DefaultQueryTimeout = 5 * time.Minute
	DefaultDDLTimeout   = 3 * time.Minute
	defaultDatabase     = "default"
	maxOpenConns        = 10
	maxIdleConns        = 5
)

// identRE is what a database name may look like (the embedded engine's rule).
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// config is Options resolved against the URL.
type config struct {
	ch           *clickhouse.Options // Auth.Database is the engine's database
	db           string
	addr         string // for messages: the server address(es), no credentials
	queryTimeout time.Duration
	layout       queries.Layout
	log          *slog.Logger
}

// resolve checks opts and turns them into clickhouse-go options: the URL's
// settings, then ours where the URL says nothing (pool size, LZ4, timeouts).
func resolve(opts Options) (*config, error) {
	if strings.TrimSpace(opts.URL) == "" {
		return nil, fmt.Errorf("server engine: a ClickHouse URL is required, e.g. clickhouse://user:pass@host:9000/db")
	}
	scheme, _, ok := strings.Cut(opts.URL, "://")
	if !ok {
		return nil, fmt.Errorf("server engine: the ClickHouse URL must look like clickhouse://user:pass@host:9000/db")
	}
	switch strings.ToLower(scheme) {
	case "clickhouse", "tcp":
	default:
		// The URL itself is not quoted: it may hold a password.
		return nil, fmt.Errorf("server engine: a %s:// URL is not supported; the server engine speaks ClickHouse's native protocol: clickhouse://user:pass@host:9000/db", scheme)
	}
	ch, err := clickhouse.ParseDSN(opts.URL)
	if err != nil {
		// clickhouse-go redacts passwords from its parse errors.
		return nil, fmt.Errorf("server engine: cannot parse the ClickHouse URL: %w", err)
	}
	if ch.Protocol != clickhouse.Native {
		return nil, fmt.Errorf("server engine: the ClickHouse URL must use the native protocol")
	}

	db := opts.Database
	if db == "" {
		db = ch.Auth.Database
	}
	if db == "" {
		db = defaultDatabase
	}
	if !identRE.MatchString(db) {
		return nil, fmt.Errorf("server engine: database name %q must be letters, digits and _ (and not start with a digit)", db)
	}
	ch.Auth.Database = db

	switch {
	case opts.DialTimeout > 0:
		ch.DialTimeout = opts.DialTimeout
	case ch.DialTimeout <= 0:
		ch.DialTimeout = DefaultDialTimeout
	}
	if ch.Compression == nil {
		ch.Compression = &clickhouse.Compression{Method: clickhouse.CompressionLZ4}
	}
	if ch.MaxOpenConns <= 0 {
		ch.MaxOpenConns = maxOpenConns
	}
	if ch.MaxIdleConns <= 0 {
		ch.MaxIdleConns = min(maxIdleConns, ch.MaxOpenConns)
	}
	ch.ClientInfo.Products = append(ch.ClientInfo.Products, struct{ Name, Version string }{Name: "imscope"})

	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The driver logs every failed query at error level; the engine returns
	// those errors, so the driver's records are kept for debug logs only.
	ch.Logger = slog.New(debugOnly{log.Handler()}).With("component", "clickhouse-go")

	qt := opts.QueryTimeout
	switch {
	case qt == 0:
		qt = DefaultQueryTimeout
	case qt < 0:
		qt = 0
	}
	layout, err := clusterLayout(opts, db, ch)
	if err != nil {
		return nil, err
	}
	return &config{ch: ch, db: db, addr: strings.Join(ch.Addr, ","), queryTimeout: qt, layout: layout, log: log}, nil
}

// clusterLayout checks the cluster options and sets the session for them.
// Settings the URL gives are kept: they are the operator's.
func clusterLayout(opts Options, db string, ch *clickhouse.Options) (queries.Layout, error) {
	if opts.Cluster == "" {
		if opts.Replicated {
			return queries.Layout{}, fmt.Errorf("server engine: replicated tables need a cluster (engine.cluster)")
		}
		return queries.Layout{}, nil
	}
	if !identRE.MatchString(opts.Cluster) {
		return queries.Layout{}, fmt.Errorf("server engine: cluster name %q must be letters, digits and _ (and not start with a digit)", opts.Cluster)
	}
	ddl := opts.DDLTimeout
	if ddl <= 0 {
		ddl = DefaultDDLTimeout
	}
	if ch.Settings == nil {
		ch.Settings = clickhouse.Settings{}
	}
	for k, v := range queries.ClusterSettings(ddl) {
		if _, set := ch.Settings[k]; !set {
			ch.Settings[k] = v
		}
	}
	ch.ConnOpenStrategy = clickhouse.ConnOpenInOrder
	return queries.Layout{Cluster: opts.Cluster, Replicated: opts.Replicated, Database: db}, nil
}
