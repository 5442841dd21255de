// Package cache is where the dashboard keeps what it has computed: the
// API's answers and data-derived defaults, and the pages anonymous
// viewers see, each for a TTL, with single-flight filling (see Cache).
package cache
