// Package server is the queries.Engine for a ClickHouse server or cluster,
// spoken to over ClickHouse's native TCP protocol with
// github.com/ClickHouse/clickhouse-go/v2 (--clickhouse clickhouse://user:pass@host:9000/db).
//
// Why the native protocol: it carries typed, columnar blocks both ways, so
// batch inserts go out as one compressed (LZ4) native block per Send and
// results come back without text parsing; and it carries server-side query
// parameters, so values are bound by ClickHouse to {name:Type} placeholders
// and never become SQL text — the same binding, with the same text for each
// value (queries.FormatParam), as the embedded engine.
//
// Why the version gate: clickhouse-go v2 connects to servers far older than
// it can serve. Debian's clickhouse-server 18.16 (2018) accepts the
// handshake, but knows no query parameters and fails or silently drops rows
// on batch inserts. Open reads the version the server announces and refuses
// anything older than MinVersion with an error naming both versions, before
// a single statement runs.
//
// Results are decoded to the canonical Go types documented on
// queries.ScanValue, and batch values are converted by the rules the
// embedded engine encodes by (queries/rowbinary, Type.Canonical), so code
// written against one engine behaves the same on the other. Statements run
// on a small connection pool; a context without a deadline gets
// Options.QueryTimeout.
package server
