package openmetrics

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/imscope/imscope/collector/openmetrics/exposition"
)

// FuzzMapExposition feeds arbitrary bytes, as each content type, through
// parse and map with broad rules of every kind: whatever a target sends, the
// collector must not panic.
func FuzzMapExposition(f *testing.F) {
	for _, name := range []string{"prosody-0.12.exposition", "synapse-1.exposition", "matrix-appservice-irc-1.exposition"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b, uint8(0))
		}
	}
	f.Add([]byte("# TYPE x counter\nx_total{a=\"1\"} NaN\nx_total{a=\"1\"} 2 123\n"), uint8(0))
	f.Add([]byte("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 2\n# EOF\n"), uint8(1))
	f.Add([]byte("# TYPE c counter\nc_total{h=\"a\"} 1\nc_created{h=\"a\"} 1795478430.5\n# TYPE g gauge\ng{host=\"\\\"q\\\"\"} 2\n# EOF\n"), uint8(1))
	f.Add([]byte("{\"ü\",\"ä\"=\"\\n\"} +Inf\n"), uint8(2))
	rules := []rule{}
	for _, r := range []Rule{
		{Match: "*", Type: TypeUsage, Metric: "connections", NetworkLabel: "host", Network: "n"},
		{Match: "*total", Type: TypeUsage, Metric: "messages", NetworkLabel: "a"},
		{Match: "*", Type: TypeBridge, Field: FieldLatency, Bridge: "b", FromNetwork: "x", ToNetworkLabel: "le"},
		{Match: "*", Type: TypeBridge, Field: FieldMessages, Kind: KindCounter, BridgeLabel: "a", FromNetwork: "x", ToNetwork: "y", Filter: []string{"a!=*z*"}},
	} {
		cr, err := compileRules(Config{Network: "n", Rules: []Rule{r}})
		if err != nil {
			f.Fatal(err)
		}
		rules = append(rules, cr...)
	}
	formats := []exposition.Format{exposition.Text, exposition.OpenMetrics}
	f.Fuzz(func(t *testing.T, body []byte, format uint8) {
		// The body, its lines reversed, then the body again: the second
		// mapper forgets the last scrape's order before each (no
		// mapper.known fast path), and must map each the same.
		lines := bytes.SplitAfter(body, []byte("\n"))
		slices.Reverse(lines)
		bodies := [][]byte{body, bytes.Join(lines, nil), body}
		m, plain := newMapper("fuzz", "http://fuzz/metrics", rules), newMapper("fuzz", "http://fuzz/metrics", rules)
		p, pp := exposition.NewParser(), exposition.NewParser()
		for i, body := range bodies {
			now := t0.Add(time.Duration(i) * time.Minute)
			as := formats[int(format)%len(formats)]
			b, err := m.mapBody(p, bytes.NewReader(body), as, now)
			plain.last = nil
			want, wantErr := plain.mapBody(pp, bytes.NewReader(body), as, now)
			if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(b, want) {
				t.Fatalf("scrape %d: %+v, %v; without the last scrape's order %+v, %v", i, b, err, want, wantErr)
			}
			for _, s := range b.Samples {
				if !finite(s.Value) {
					t.Fatalf("row with value %v", s.Value)
				}
			}
		}
	})
}
