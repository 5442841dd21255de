// Package embedded is the default queries.Engine: the ClickHouse engine
// in-process through chDB's libchdb.so, with data in a local directory.
//
// libchdb is loaded lazily with purego (no cgo link dependency), so the
// imscope binary starts, prints --help and runs the server engine on machines
// without the 559 MB library; only opening the embedded engine needs it.
//
// libchdb allows one connection per process and one statement at a time on
// it: Open hands out engines that share that connection, each bound to its own
// database, and a mutex serialises every call into the library.
package embedded
