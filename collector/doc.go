// Package collector is how data gets into imscope: sources (one package per
// kind under collector/), and the pipeline every source shares — batching,
// idempotent inserts, the on-disk spool for when ClickHouse is away, run
// bookkeeping in collector_runs, and putting collectors on the one
// scheduler (package collector/schedule, which alerts and reports share).
//
// A source only fetches and maps: it turns what it reads into domain rows and
// Problems (bad input, each saying what and where) and hands them to emit.
// Everything after that — how rows reach ClickHouse, what happens when it is
// down, what is recorded — is the pipeline's job, written once.
package collector
