// Package analytics holds imscope's pure computations over query rows:
// shares, HHI/CR-k, coalition gaps, switching matrices, Markov steady states
// and forecasts, overlap, reachability, bridge health and alert rules. No
// SQL and no HTTP: every function is checkable by hand against docs/metrics.md.
package analytics
