// Package embedded is the default queries.Engine: the ClickHouse engine
// in-process through chDB's libchdb.so, with data in a local directory.
//
// libchdb is loaded lazily with purego (no cgo link dependency), so the
// imscope binary starts, prints --help and runs the server engine on machines
// without the 559 MB library; only opening the embedded engine needs it.
//
// libchdb allows one connection per process and one statement at a time on
// it: Open hands out engines that share that connection, each bound to its own
// database, and a gate lets one statement in at a time — a reader's
// (queries.Interactive) before any background work waiting, so a load holds
// a reader for one statement at most, not for all of them. Background
// statements are kept short to make that wait short: a batch is inserted
// in chunks sized by time (queries.Pace, DefaultStatementTarget), as are
// queries.Store's copies and the panel rebuilds' slices.
package embedded
