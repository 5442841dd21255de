package queries

import (
	"context"
	"errors"
)

// Engine is the one way imscope talks to ClickHouse. Two implementations
// exist — the embedded chDB engine (queries/embedded) and a ClickHouse server
// over the native protocol (queries/server) — and every migration and named
// query is written once against this interface.
//
// Values never reach SQL text: queries carry {name:Type} placeholders and the
// engine binds Params to them.
type Engine interface {
	// Exec runs a statement that returns no rows: DDL, INSERT ... SELECT, ALTER.
	Exec(ctx context.Context, query string, params ...Param) error
	// Query runs a read query and returns its rows. The caller must Close them.
	Query(ctx context.Context, query string, params ...Param) (Rows, error)
	// Insert starts a batch insert into the named columns of table. Rows are
	// buffered (or spooled) by the batch and written by Send in one statement.
	Insert(ctx context.Context, table string, columns ...string) (Batch, error)
	// Ping checks that the engine answers a trivial query.
	Ping(ctx context.Context) error
	// Kind names the engine for logs and /readyz: "embedded" or "server".
	Kind() string
	// Close releases the engine. Engines are not usable afterwards.
	Close() error
}

// Rows iterates over a query result, in the style of database/sql.
type Rows interface {
	// Columns returns the result's column names in order.
	Columns() []string
	// ColumnTypes returns the ClickHouse type of each column, e.g. "LowCardinality(String)".
	ColumnTypes() []string
	// Next advances to the next row; it returns false at the end or on error.
	Next() bool
	// Scan copies the current row into dest, one pointer per column. See ScanValue
	// for the conversions that are allowed.
	Scan(dest ...any) error
	// Err reports an error met while iterating.
	Err() error
	// Close releases the result.
	Close() error
}

// Batch is one insert statement in the making. Append converts and buffers a
// row, reading its values before it returns — so a value may be a pointer to
// a field, and the caller may reuse it for the next row (rowbinary's Encode
// says which pointers); Send writes every appended row or none (ClickHouse
// inserts of one block are atomic per partition); Close releases what Send
// did not.
type Batch interface {
	Append(values ...any) error
	// Len is the number of rows appended so far.
	Len() int
	Send() error
	Close() error
}

// ErrClosed is returned by an engine used after Close.
var ErrClosed = errors.New("engine is closed")

// ErrBadValue wraps a Batch.Append refusal: a value that does not fit its
// column. Retrying cannot help, unlike an engine that cannot be reached.
var ErrBadValue = errors.New("value does not fit its column")
