// Package cache is where the dashboard keeps what it has computed: the
// API's answers and data-derived defaults, and the pages anonymous
// viewers see, each for a TTL, with single-flight filling (see Cache). An
// expired answer is served while one background refresh replaces it, and
// an answer whose data changed (a batch landed: Group.Changed) is never
// served again.
package cache
