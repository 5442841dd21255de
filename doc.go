// Package imscope holds the domain types every part of imscope shares:
// networks, metrics and their kinds, usage and bridge samples, panel records,
// published market reports, periods and filters. It does no I/O; adapters in
// the subpackages (queries, collector, analytics, dashboard) read and write
// these types, and cmd/imscope wires them together.
package imscope
