// Package enginetest is the conformance suite every queries.Engine passes:
// the embedded engine always, a ClickHouse server when IMSCOPE_TEST_CLICKHOUSE
// names one. Each engine's own tests call Run with a function that opens the
// engine on a fresh database, so subtests never see each other's tables.
package enginetest
