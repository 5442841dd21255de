package openmetrics

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/imscope/imscope/collector"
)

// benchSeries is the size of the benchmark exposition.
const benchSeries = 100_000

// benchExposition is a Prosody-shaped text exposition of benchSeries series:
// per-host client connections (gauges), per-host federation closes
// (counters) and a per-route request histogram, over 1,000 hosts.
func benchExposition() []byte {
	var b bytes.Buffer
	hosts := 1000
	b.WriteString("# TYPE xmpp_c2s_connections gauge\n")
	n := 0
	for h := 0; n < benchSeries/2; h++ {
		for _, ip := range []string{"ipv4", "ipv6"} {
			fmt.Fprintf(&b, "xmpp_c2s_connections{host=\"h%d.example.org\",type=\"c2s\",ip_family=\"%s\",shard=\"%d\"} %d\n", h%hosts, ip, h/hosts, h%17)
			n++
		}
	}
	b.WriteString("# TYPE xmpp_s2s_closed_total counter\n")
	for h := 0; n < benchSeries*9/10; h++ {
		fmt.Fprintf(&b, "xmpp_s2s_closed_total{host=\"h%d.example.org\",direction=\"incoming\",error=\"e%d\"} %d\n", h%hosts, h/hosts, 1000+h)
		n++
	}
	b.WriteString("# TYPE bridge_remote_request_seconds histogram\n")
	bounds := []string{"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "+Inf"}
	for r := 0; n < benchSeries; r++ {
		for i, le := range bounds {
			fmt.Fprintf(&b, "bridge_remote_request_seconds_bucket{route=\"r%d\",le=\"%s\"} %d\n", r, le, 10*(i+1))
			n++
		}
		fmt.Fprintf(&b, "bridge_remote_request_seconds_sum{route=\"r%d\"} 12.5\nbridge_remote_request_seconds_count{route=\"r%d\"} 90\n", r, r)
		n += 2
	}
	return b.Bytes()
}

var benchRules = []Rule{
	{Match: "xmpp_c2s_connections", Type: TypeUsage, Metric: "connections", NetworkLabel: "host", Filter: []string{"type=c2s"}},
	{Match: "xmpp_s2s_closed_total", Type: TypeBridge, Field: FieldFailures, Bridge: "xmpp-s2s", FromNetwork: "xmpp-federation", ToNetworkLabel: "host"},
	{Match: "bridge_remote_request_seconds", Type: TypeBridge, Field: FieldLatency, Bridge: "irc", FromNetwork: "irc", ToNetwork: "matrix"},
	{Match: "bridge_remote_request_seconds", Type: TypeBridge, Field: FieldMessages, Bridge: "irc", FromNetwork: "irc", ToNetwork: "matrix"},
}

// BenchmarkParseOnly is expfmt's text parser alone on the benchmark body:
// the floor for BenchmarkScrapeMap.
func BenchmarkParseOnly(b *testing.B) {
	body := benchExposition()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
		if err != nil || len(fams) != 3 {
			b.Fatalf("parse: %d families, %v", len(fams), err)
		}
	}
	b.ReportMetric(float64(benchSeries)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkScrapeMap is one whole Collect — HTTP from an httptest server on
// loopback, parse, map with counter state — over the same body. Compare its
// samples/s with BenchmarkParseOnly's.
func BenchmarkScrapeMap(b *testing.B) {
	body := benchExposition()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", textCT)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	now := t0
	s, err := New("bench", Config{URL: srv.URL, Rules: benchRules, MaxBodyBytes: 64 << 20}, Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	emit := func(_ context.Context, bt collector.Batch) error {
		rows = bt.Rows()
		if len(bt.Problems) > 0 {
			b.Fatalf("problems: %v", bt.Problems[0])
		}
		return nil
	}
	if err := s.Collect(context.Background(), emit); err != nil { // first scrape: counter baselines
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		now = now.Add(time.Minute)
		if err := s.Collect(context.Background(), emit); err != nil {
			b.Fatal(err)
		}
	}
	if rows == 0 {
		b.Fatal("no rows")
	}
	b.ReportMetric(float64(benchSeries)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(float64(rows), "rows/scrape")
}
