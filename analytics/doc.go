// Package analytics is the only place imscope computes an answer. It holds
// two layers:
//
//   - Pure computations over rows: market shares, HHI and CR-k, coalition
//     gaps and merger arithmetic, switching matrices, Markov steady states
//     and forecasts, multi-homing overlap, reachability and the
//     interconnection dividend, bridge health (rates, failure ratios,
//     latency quantiles from merged histograms, uptime, traffic per link
//     and per step), the privacy policy of what a switching table may show
//     (suppression, and rounding what derives from hidden cells), and alert
//     rule evaluation. No I/O.
//   - Loaders (load*.go, and the *In functions): each reads what one
//     question needs through the named queries of package queries and
//     hands the rows to the pure functions. They run SQL only through
//     queries, write nothing and keep no state; the alert runner, which
//     does both, is dashboard/alerting's. No HTTP.
//
// A question's filter is validated once, where it enters imscope: loaders
// take a Question (Ask) or a Span (AskSpan) and trust it (question.go).
//
// Inputs of the pure functions are plain rows shaped like the results of
// GROUP BY queries (one row per period and network, per transition, per
// network-set signature), so the heavy lifting over millions of users stays
// in ClickHouse and the Go side works on counts. Every formula is written in
// the doc comment of the function that computes it and, for users, in
// docs/metrics.md with a worked example that can be checked by hand; the
// golden tests use the same examples.
//
// Conventions shared by every function:
//
//   - Shares, reachability and traffic shares are in percent (0–100); their
//     changes are in percentage points. Markov distributions are fractions
//     (0–1). HHI is on the 0–10,000 scale. Latencies are in microseconds,
//     like the histogram bucket bounds they come from.
//   - Missing is not zero. A period or network without rows is absent from
//     the output, and a comparison that cannot be made (no previous period,
//     a division by zero) is a nil pointer, never NaN or 0.
//   - Bad input — an unaligned period, a negative value, a duplicated row, a
//     nonsensical parameter — is reported as *imscope.InvalidError naming the
//     parameter or column at fault, so the HTTP layer can answer 400.
//   - When a filter selects networks, the networks not selected are folded
//     into one "other" entry (OtherNetwork) rather than dropped, so shares
//     still sum to 100 and switching matrices still balance.
//   - Outputs are deterministic: ties are broken by network id.
package analytics
