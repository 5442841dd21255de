// Package rowbinary is imscope's one model of ClickHouse types, and the
// RowBinary format built on it.
//
// Type is a parsed ClickHouse type name. Both engines use it: the embedded
// engine reads every result as RowBinaryWithNamesAndTypes (exact floats,
// binary-safe strings, no text parsing) and writes batch inserts as
// RowBinary files that ClickHouse loads at its own speed; the server engine
// walks it to decode its driver's values and converts batch values with
// Canonical. Encode and Canonical go by the same rules (convert.go), so a
// batch value fits its column on both engines or on neither, with the same
// error. Decoded values use the canonical Go types documented on
// queries.ScanValue.
package rowbinary
