package openmetrics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/openmetrics/exposition"
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

// BenchmarkParseOnly is the exposition parser alone on the benchmark body,
// every sample read, as a scrape after the first reads it: the floor for
// BenchmarkScrapeMap. BenchmarkParse sets it beside expfmt's.
func BenchmarkParseOnly(b *testing.B) {
	body := benchExposition()
	p := exposition.NewParser()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if n := parseSamples(b, p, body, exposition.Text, false); n < benchSeries {
			b.Fatalf("parsed %d samples, want %d", n, benchSeries)
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

// parseReps is how many times BenchmarkParse times each parser on a body
// per iteration; medians are reported.
const parseReps = 7

// BenchmarkParse is parsing alone, this package's parser against expfmt's
// (the baseline, in the same run), on the 100,000-series benchmark body
// (text format) and on the captured Prosody body (OpenMetrics, as Prosody
// serves it): each is timed parseReps times, alternating, and the medians
// and their ratio (speedup) reported. "warm" is a scrape's parse after the
// first: every sample read, its value and timestamp, with the labels left
// to the mapper's cache; "cold" is a first scrape's, a new parser decoding
// every sample's labels.
//
//	scripts/bench-median.sh 3 go test ./collector/openmetrics -run '^$' -bench 'Parse$' -benchtime 1x
func BenchmarkParse(b *testing.B) {
	prosody, err := os.ReadFile(filepath.Join("testdata", "prosody-0.12.exposition"))
	if err != nil {
		b.Fatal(err)
	}
	for _, body := range []struct {
		name   string
		data   []byte
		format exposition.Format
	}{
		{"100k-text", benchExposition(), exposition.Text},
		{"prosody-openmetrics", prosody, exposition.OpenMetrics},
	} {
		b.Run("body="+body.name, func(b *testing.B) {
			want, err := expfmtSamples(body.data, body.format)
			if err != nil {
				b.Fatal(err)
			}
			p := exposition.NewParser()
			var base, warm, cold []time.Duration
			for b.Loop() {
				for range parseReps {
					start := time.Now()
					if _, err := expfmtSamples(body.data, body.format); err != nil {
						b.Fatal(err)
					}
					base = append(base, time.Since(start))

					start = time.Now()
					n := parseSamples(b, p, body.data, body.format, false)
					warm = append(warm, time.Since(start))

					start = time.Now()
					parseSamples(b, exposition.NewParser(), body.data, body.format, true)
					cold = append(cold, time.Since(start))
					if n != want {
						b.Fatalf("the parser read %d samples, expfmt %d", n, want)
					}
				}
			}
			mb, mw, mc := median(base), median(warm), median(cold)
			b.ReportMetric(float64(mb.Nanoseconds())/1e3, "expfmt_us")
			b.ReportMetric(float64(mw.Nanoseconds())/1e3, "parser_us")
			b.ReportMetric(float64(mc.Nanoseconds())/1e3, "parser_cold_us")
			b.ReportMetric(mb.Seconds()/mw.Seconds(), "speedup")
			b.ReportMetric(mb.Seconds()/mc.Seconds(), "speedup_cold")
			b.ReportMetric(float64(want)/mw.Seconds(), "samples/s")
			b.ReportMetric(float64(want)/mb.Seconds(), "expfmt_samples/s")
		})
	}
}

// expfmtSamples parses body as imscope did before package exposition, and
// counts the sample lines it read.
func expfmtSamples(body []byte, f exposition.Format) (int, error) {
	var fams map[string]*dto.MetricFamily
	if f == exposition.Text {
		var err error
		p := expfmt.NewTextParser(model.UTF8Validation)
		if fams, err = p.TextToMetricFamilies(bytes.NewReader(body)); err != nil {
			return 0, err
		}
	} else {
		fams = map[string]*dto.MetricFamily{}
		d := expfmt.NewDecoder(bytes.NewReader(body), expfmt.FmtOpenMetrics_1_0_0.WithEscapingScheme(model.NoEscaping))
		for {
			mf := &dto.MetricFamily{}
			err := d.Decode(mf)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return 0, err
			}
			fams[mf.GetName()] = mf
		}
	}
	n := 0
	for _, mf := range fams {
		for _, m := range mf.GetMetric() {
			switch {
			case m.Histogram != nil:
				n += len(m.Histogram.GetBucket()) + 2
				if m.Histogram.CreatedTimestamp != nil {
					n++
				}
			case m.Summary != nil:
				n += len(m.Summary.GetQuantile()) + 2
				if m.Summary.CreatedTimestamp != nil {
					n++
				}
			case m.Counter != nil && m.Counter.CreatedTimestamp != nil:
				n += 2
			default:
				n++
			}
		}
	}
	return n, nil
}

// parseSamples reads body with p and counts its samples; labels decodes
// every sample's labels, as a first scrape does.
func parseSamples(b *testing.B, p *exposition.Parser, body []byte, f exposition.Format, labels bool) int {
	p.Reset(bytes.NewReader(body), f)
	var buf []exposition.Label
	n := 0
	for {
		s, err := p.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		if labels {
			buf = s.Labels(buf[:0])
		}
		n++
	}
}
