// Package queries is everything that speaks SQL to ClickHouse: the Engine
// interface (implemented by queries/embedded and queries/server), schema
// migrations, and the named queries — one embedded .sql file each under sql/,
// with a typed Go function beside it.
//
// Values reach ClickHouse only as query parameters ({name:Type}), bound by the
// engine, so no value can change a statement's meaning.
package queries
