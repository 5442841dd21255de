package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// BenchmarkShareAPI measures /api/v1/share through a real HTTP server on
// loopback, with the answer cache on and off. Each iteration asks both
// servers the same question, one after the other, so the uncached baseline
// shares the run's noise; the ratio is the figure that matters.
//
//	go test ./dashboard/api -run '^$' -bench ShareAPI -benchtime 200x
func BenchmarkShareAPI(b *testing.B) {
	const target = "/api/v1/share?networks=qq,msn,fetion&from=2011-07&to=2012-07"
	cached := httptest.NewServer(dashtest.Server(b, func(o *dashboard.Options) { o.CacheTTL = time.Hour }))
	defer cached.Close()
	uncached := httptest.NewServer(dashtest.Server(b, func(o *dashboard.Options) { o.CacheTTL = -1 }))
	defer uncached.Close()
	client := &http.Client{}
	ask := func(base string) time.Duration {
		start := time.Now()
		resp, err := client.Get(base + target)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d", base, resp.StatusCode)
		}
		return time.Since(start)
	}
	ask(cached.URL) // fill the cache and warm both servers
	ask(uncached.URL)
	var hit, miss time.Duration
	for b.Loop() {
		miss += ask(uncached.URL)
		hit += ask(cached.URL)
	}
	n := float64(b.N)
	b.ReportMetric(float64(miss.Microseconds())/n, "uncached-µs/req")
	b.ReportMetric(float64(hit.Microseconds())/n, "cached-µs/req")
	b.ReportMetric(float64(miss)/float64(hit), "speedup")
}
