package server

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
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
}

// Defaults for Options.
const (
	DefaultDialTimeout  = 10 * time.Second
	DefaultQueryTimeout = 5 * time.Minute
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
	return &config{ch: ch, db: db, addr: strings.Join(ch.Addr, ","), queryTimeout: qt, log: log}, nil
}
