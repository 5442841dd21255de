// Package exposition parses the Prometheus text format 0.0.4 and OpenMetrics
// 1.0 as a body streams in, one line at a time, in memory bounded by the
// longest line rather than the body.
//
// A scrape of a large exporter is mostly parsing: github.com/prometheus/
// common/expfmt builds a protobuf message per series and a map per scrape,
// and its OpenMetrics parser checks each line against the ABNF grammar with
// a general parser (milliseconds a line). This parser accepts what expfmt
// accepts — the same families, types, samples, label sets, values and
// timestamps — and refuses what it refuses with an error naming the line,
// but hands each sample to its caller without allocating: a Sample points at
// the line's bytes, and its labels are decoded only when asked for
// (Sample.Labels). Callers that keep state per series key it by
// Sample.Series, the series' bytes as written, and decode the labels only
// when they meet a series for the first time, as Prometheus' scrape cache
// does.
//
// The differential tests and the fuzz target hold it to expfmt, which stays
// in the module only as their oracle. Where expfmt's behaviour is an
// accident of its state machine (a label set inside braces read under the
// previous line's family, a histogram line grouped by labels left over from
// an earlier line, backslashes dropped from a TYPE), this parser reproduces
// it, so that the two never disagree about what a body means. One input
// makes expfmt panic (a label of a histogram or summary read, inside braces,
// before any line of one): the parser refuses that line instead.
package exposition
