// Package rowbinary encodes and decodes ClickHouse's RowBinary format, driven
// by the ClickHouse type names of the columns.
//
// The embedded engine reads every result as RowBinaryWithNamesAndTypes (exact
// floats, binary-safe strings, no text parsing) and writes batch inserts as
// RowBinary files that ClickHouse loads at its own speed. Decoded values use
// the canonical Go types documented on queries.ScanValue.
package rowbinary
