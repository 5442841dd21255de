// Package csvimport loads CSV files — published market shares, panel
// activity and usage samples — into imscope, as a scheduled collector
// (Source) or as a one-off `imscope import KIND FILE`.
//
// CSV is how most of the data an analyst brings arrives: a share table typed
// from a news article, a panel vendor's monthly export, a spreadsheet of
// usage figures. Such files are edited by hand, so the importer is built to
// say exactly what is wrong and where, and to load what it can:
//
//   - Columns are found by their header names, in any order. Missing required
//     columns stop the import before any row is read; unknown columns are
//     ignored and noted once.
//   - A bad row becomes a collector.Problem — "panel.csv:12:5: active_days:
//     "x" is not a whole number", where 12 is the line and 5 the column (the
//     field's position; for a quoting error, the character position in the
//     line) — and the good rows still land. With Config.Strict nothing lands
//     unless every row is good.
//   - Files of any size stream through in chunks (Config.ChunkRows rows per
//     collector.Batch), so memory depends on the chunk, not the file.
//   - Text is UTF-8, with or without a byte-order mark, or GBK when declared
//     (encoding: gbk), as Chinese spreadsheets often are. Label text — network
//     ids, publishers, notes — is kept exactly as written, including quotes,
//     markup, NUL bytes and newlines inside quoted fields.
//
// Panel user ids are pseudonymised on the way in: each becomes a keyed hash
// (the first 8 bytes of HMAC-SHA256 under a secret read from the environment,
// see UserHasher), so the same person can be followed across periods and
// imports while the raw id is never stored, logged or put in a Problem. An
// unkeyed hash would not do: user ids are guessable (phone numbers, QQ
// numbers), and anyone could hash the candidates and match them.
package csvimport
