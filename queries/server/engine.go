package server

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/imscope/imscope/queries"
)

// Engine is a queries.Engine over a ClickHouse server's native protocol,
// bound to one database. It is safe for concurrent use: statements run on a
// pool of connections.
type Engine struct {
	conn    driver.Conn
	cfg     *config
	version string
	closed  atomic.Bool
}

var _ queries.Engine = (*Engine)(nil)

// Open connects to the server at opts.URL, refuses it if it is older than
// MinVersion, creates the database if it is missing and returns an engine
// whose connections all use that database by default.
func Open(ctx context.Context, opts Options) (*Engine, error) {
	return open(ctx, opts, true)
}

// open is Open with the version gate optional, so that tests can look at
// what an old server does.
func open(ctx context.Context, opts Options, gate bool) (*Engine, error) {
	cfg, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg}
	ctx, cancel := e.withTimeout(ctx)
	defer cancel()

	// The engine's database may not exist yet, and a connection whose
	// default database is missing is refused at the handshake: check the
	// server and create the database over a connection to the server's
	// default database first.
	boot := *cfg.ch
	boot.Auth.Database = ""
	boot.MaxOpenConns, boot.MaxIdleConns = 1, 1
	bc, err := clickhouse.Open(&boot)
	if err != nil {
		return nil, fmt.Errorf("server engine: cannot connect to ClickHouse at %s: %w", cfg.addr, err)
	}
	defer bc.Close()
	if err := bc.Ping(ctx); err != nil {
		return nil, fmt.Errorf("server engine: cannot connect to ClickHouse at %s: %w", cfg.addr, serverError(ctx, err))
	}
	sv, err := bc.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("server engine: cannot read the version of ClickHouse at %s: %w", cfg.addr, serverError(ctx, err))
	}
	e.version = sv.Version.String()
	if gate {
		if err := checkVersion(e.version, cfg.addr); err != nil {
			return nil, err
		}
	}
	if err := ensureDatabase(ctx, bc, cfg); err != nil {
		return nil, err
	}

	conn, err := clickhouse.Open(cfg.ch)
	if err != nil {
		return nil, fmt.Errorf("server engine: cannot connect to ClickHouse at %s: %w", cfg.addr, err)
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("server engine: cannot connect to ClickHouse at %s, database %s: %w", cfg.addr, cfg.db, serverError(ctx, err))
	}
	e.conn = conn
	cfg.log.Info("connected to ClickHouse", "addr", cfg.addr, "version", e.version, "database", cfg.db)
	return e, nil
}

// ensureDatabase creates cfg.db unless it exists. The list of databases is
// read and compared here rather than filtered with a parameter, and CREATE is
// only sent when needed, so that a user without CREATE DATABASE rights can
// use a database made for them.
func ensureDatabase(ctx context.Context, c driver.Conn, cfg *config) error {
	rows, err := c.Query(ctx, "SELECT name FROM system.databases")
	if err != nil {
		return fmt.Errorf("server engine: cannot list databases: %w", serverError(ctx, err))
	}
	found := false
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			_ = rows.Close()
			return fmt.Errorf("server engine: cannot list databases: %w", err)
		}
		found = found || name == cfg.db
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("server engine: cannot list databases: %w", serverError(ctx, err))
	}
	if found {
		return nil
	}
	// cfg.db matched identRE; it is quoted all the same. On a cluster it
	// is created on every node, waiting like any ON CLUSTER statement.
	if err := c.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+queries.QuoteIdentifier(cfg.db)+cfg.layout.OnCluster()); err != nil {
		return fmt.Errorf("server engine: cannot create database %s: %w", cfg.db, serverError(ctx, err))
	}
	cfg.log.Info("created database", "database", cfg.db)
	return nil
}

// Kind implements queries.Engine.
func (e *Engine) Kind() string { return "server" }

// Layout implements queries' layout of a database over a cluster.
func (e *Engine) Layout() queries.Layout { return e.cfg.layout }

// Database is the database the engine is bound to.
func (e *Engine) Database() string { return e.cfg.db }

// ServerVersion is the server's version as it announced it, e.g. "24.8.4".
func (e *Engine) ServerVersion() string { return e.version }

// Exec implements queries.Engine.
func (e *Engine) Exec(ctx context.Context, query string, params ...queries.Param) error {
	if e.closed.Load() {
		return queries.ErrClosed
	}
	ctx, cancel := e.withTimeout(ctx)
	defer cancel()
	qctx, err := withParams(ctx, params)
	if err != nil {
		return err
	}
	return serverError(ctx, e.conn.Exec(qctx, query))
}

// Query implements queries.Engine. Rows stream from the server block by
// block; the caller must Close them to give the connection back.
func (e *Engine) Query(ctx context.Context, query string, params ...queries.Param) (queries.Rows, error) {
	if e.closed.Load() {
		return nil, queries.ErrClosed
	}
	ctx, cancel := e.withTimeout(ctx)
	qctx, err := withParams(ctx, params)
	if err != nil {
		cancel()
		return nil, err
	}
	r, err := e.conn.Query(qctx, query)
	if err == io.EOF {
		// A statement without a result set (DDL): the server ended the
		// stream before any block, and clickhouse-go says so with a bare
		// io.EOF (a connection lost while reading comes wrapped). Like the
		// embedded engine, that is an empty result, not an error.
		return newRows(ctx, nil, cancel), nil
	}
	if err != nil {
		err = serverError(ctx, err)
		cancel()
		return nil, err
	}
	return newRows(ctx, r, cancel), nil
}

// Ping implements queries.Engine.
func (e *Engine) Ping(ctx context.Context) error {
	return e.Exec(ctx, "SELECT 1")
}

// Close implements queries.Engine: it closes the connection pool.
func (e *Engine) Close() error {
	if e.closed.Swap(true) {
		return nil
	}
	if err := e.conn.Close(); err != nil {
		return fmt.Errorf("server engine: cannot close connections: %w", err)
	}
	return nil
}
