package openmetrics

import (
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/openmetrics/exposition"
)

const textCT = "text/plain; version=0.0.4; charset=utf-8"
const omCT = "application/openmetrics-text; version=1.0.0; charset=utf-8"

var usageCounter = Rule{Match: "im_messages_total", Type: TypeUsage, Metric: "messages", NetworkLabel: "net"}
var usageGauge = Rule{Match: "im_online", Type: TypeUsage, Metric: "connections", NetworkLabel: "net"}

// scrapes serves each body in turn, a minute apart from t0, and returns the batches.
func scrapes(t *testing.T, rules []Rule, contentType string, bodies ...string) []collector.Batch {
	t.Helper()
	tg := newTarget(t)
	c := &clock{t: t0}
	s := newSource(t, Config{URL: tg.url(), Rules: rules}, c)
	var out []collector.Batch
	for i, body := range bodies {
		tg.serve(contentType, body)
		c.t = t0.Add(time.Duration(i) * time.Minute)
		out = append(out, collect(t, s))
	}
	return out
}

// values renders a batch's usage rows as "network=value" in row order.
func values(b collector.Batch) string {
	var parts []string
	for _, s := range b.Samples {
		parts = append(parts, s.Network+"="+formatFloat(s.Value))
	}
	return strings.Join(parts, " ")
}

func problems(b collector.Batch) string {
	var parts []string
	for _, p := range b.Problems {
		parts = append(parts, p.Error())
	}
	return strings.Join(parts, "\n")
}

func TestCounters(t *testing.T) {
	counter := func(lines ...string) string {
		return "# TYPE im_messages_total counter\n" + strings.Join(lines, "\n") + "\n"
	}
	tests := []struct {
		name   string
		ct     string
		bodies []string
		want   []string // values() of each batch
	}{
		{
			name:   "first scrape gives no increment, later ones the difference",
			ct:     textCT,
			bodies: []string{counter(`im_messages_total{net="qq"} 100`), counter(`im_messages_total{net="qq"} 130`), counter(`im_messages_total{net="qq"} 130`)},
			want:   []string{"", "qq=30", "qq=0"},
		},
		{
			name:   "a decrease is a restart from zero",
			ct:     textCT,
			bodies: []string{counter(`im_messages_total{net="qq"} 100`), counter(`im_messages_total{net="qq"} 7`)},
			want:   []string{"", "qq=7"},
		},
		{
			name: "a changed created timestamp is a restart even when the value grew",
			ct:   textCT,
			bodies: []string{
				counter(`im_messages_total{net="qq"} 100`, "# TYPE im_messages_created gauge", `im_messages_created{net="qq"} 1795478000`),
				counter(`im_messages_total{net="qq"} 150`, "# TYPE im_messages_created gauge", `im_messages_created{net="qq"} 1795478430`),
			},
			want: []string{"", "qq=150"},
		},
		{
			name: "a series born since the last scrape counts whole; an old one first seen does not",
			ct:   textCT,
			bodies: []string{
				counter(`im_messages_total{net="qq"} 1`),
				counter(`im_messages_total{net="qq"} 1`, `im_messages_total{net="fetion"} 40`, `im_messages_total{net="msn"} 9`,
					"# TYPE im_messages_created gauge",
					`im_messages_created{net="fetion"} 1795478430`, // t0+30s, after the first scrape
					`im_messages_created{net="msn"} 1795470000`),   // long before
			},
			want: []string{"", "fetion=40 qq=0"},
		},
		{
			name: "OpenMetrics created timestamps are honoured too",
			ct:   omCT,
			bodies: []string{
				"# TYPE im_messages counter\nim_messages_total{net=\"qq\"} 5\nim_messages_created{net=\"qq\"} 1795470000\n# EOF\n",
				"# TYPE im_messages counter\nim_messages_total{net=\"qq\"} 3\nim_messages_created{net=\"qq\"} 1795478410.5\nim_messages_total{net=\"icq\"} 2\nim_messages_created{net=\"icq\"} 1795478420\n# EOF\n",
				"# TYPE im_messages counter\nim_messages_total{net=\"qq\"} 10\nim_messages_created{net=\"qq\"} 1795478410.5\nim_messages_total{net=\"icq\"} 2\nim_messages_created{net=\"icq\"} 1795478420\n# EOF\n",
			},
			want: []string{"", "icq=2 qq=3", "icq=0 qq=7"},
		},
		{
			name: "a missing series gives nothing, and is diffed against its last value when it returns",
			ct:   textCT,
			bodies: []string{
				counter(`im_messages_total{net="qq"} 10`, `im_messages_total{net="msn"} 10`),
				counter(`im_messages_total{net="qq"} 12`),
				counter(`im_messages_total{net="qq"} 15`, `im_messages_total{net="msn"} 16`),
			},
			want: []string{"", "qq=2", "msn=6 qq=3"},
		},
		{
			name: "series of the same network are summed",
			ct:   textCT,
			bodies: []string{
				counter(`im_messages_total{net="qq",client="pc"} 10`, `im_messages_total{net="qq",client="mobile"} 10`),
				counter(`im_messages_total{net="qq",client="pc"} 11`, `im_messages_total{net="qq",client="mobile"} 15`),
			},
			want: []string{"", "qq=6"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scrapes(t, []Rule{usageCounter}, tc.ct, tc.bodies...)
			for i, b := range got {
				if v := values(b); v != tc.want[i] {
					t.Errorf("scrape %d: rows %q, want %q (problems: %s)", i, v, tc.want[i], problems(b))
				}
				if len(b.Problems) > 0 {
					t.Errorf("scrape %d: unexpected problems:\n%s", i, problems(b))
				}
			}
		})
	}
}

// TestSeriesOrderChanges: the mapper first tries the series the last
// scrape had next (mapper.known); series reordered, missing, new or back
// must still each find their own counter.
func TestSeriesOrderChanges(t *testing.T) {
	counter := func(lines ...string) string {
		return "# TYPE im_messages_total counter\n" + strings.Join(lines, "\n") + "\n"
	}
	line := func(net string, v int) string {
		return `im_messages_total{net="` + net + `"} ` + formatFloat(float64(v))
	}
	bodies := []string{
		counter(line("qq", 10), line("msn", 20), line("icq", 30), line("fetion", 40)),
		counter(line("fetion", 41), line("qq", 12), line("popo", 5), line("icq", 33)),                   // reordered, msn gone, popo new
		counter(line("qq", 14), line("msn", 27), line("icq", 33), line("fetion", 50), line("popo", 9)),  // msn back
		counter(line("qq", 15), line("msn", 29), line("icq", 34), line("fetion", 50), line("popo", 9)),  // as before
		counter(line("popo", 19), line("fetion", 51), line("icq", 36), line("msn", 30), line("qq", 18)), // reversed
	}
	want := []string{"", "fetion=1 icq=3 qq=2", "fetion=9 icq=0 msn=7 popo=4 qq=2", "fetion=0 icq=1 msn=2 popo=0 qq=1", "fetion=1 icq=2 msn=1 popo=10 qq=3"}
	for i, b := range scrapes(t, []Rule{usageCounter}, textCT, bodies...) {
		if v := values(b); v != want[i] {
			t.Errorf("scrape %d: rows %q, want %q (problems: %s)", i, v, want[i], problems(b))
		}
	}
}

func TestStaleSeriesForgotten(t *testing.T) {
	bodies := []string{"# TYPE im_messages_total counter\nim_messages_total{net=\"qq\"} 10\n"}
	for range staleScrapes + 1 {
		bodies = append(bodies, "# TYPE im_messages_total counter\nim_messages_total{net=\"msn\"} 1\n")
	}
	bodies = append(bodies, "# TYPE im_messages_total counter\nim_messages_total{net=\"qq\"} 50\n")
	got := scrapes(t, []Rule{usageCounter}, textCT, bodies...)
	if v := values(got[len(got)-1]); v != "" {
		t.Errorf("a series back after %d missing scrapes gave %q; its state should have been dropped (no increment)", staleScrapes+1, v)
	}
}

func TestBadSeries(t *testing.T) {
	tests := []struct {
		name         string
		body         string
		wantRows     string
		wantProblems []string
	}{
		{
			name:         "NaN and Inf are problems naming the series; the rest lands",
			body:         "# TYPE im_online gauge\nim_online{net=\"qq\"} NaN\nim_online{net=\"msn\",dc=\"eu\"} +Inf\nim_online{net=\"skype\"} -Inf\nim_online{net=\"fetion\"} 4\n",
			wantRows:     "fetion=4",
			wantProblems: []string{`im_online{net="msn",dc="eu"}: value +Inf is not a finite number`, `im_online{net="qq"}: value NaN`, `im_online{net="skype"}: value -Inf`},
		},
		{
			name:         "a duplicate series is a problem and the first sample wins",
			body:         "# TYPE im_online gauge\nim_online{net=\"qq\",a=\"1\"} 5\nim_online{a=\"1\",net=\"qq\"} 6\n",
			wantRows:     "qq=5",
			wantProblems: []string{`im_online{a="1",net="qq"}: duplicate series`},
		},
		{
			name:         "a series without the network label and no static network is a problem",
			body:         "# TYPE im_online gauge\nim_online{host=\"x\"} 5\nim_online{net=\"\"} 6\nim_online{net=\"line\"} 7\n",
			wantRows:     "line=7",
			wantProblems: []string{`im_online{host="x"}: rules[0]: no net label`, `im_online{net=""}: rules[0]: no net label`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := scrapes(t, []Rule{usageGauge}, textCT, tc.body)[0]
			if v := values(b); v != tc.wantRows {
				t.Errorf("rows %q, want %q", v, tc.wantRows)
			}
			got := problems(b)
			if len(b.Problems) != len(tc.wantProblems) {
				t.Fatalf("got %d problems, want %d:\n%s", len(b.Problems), len(tc.wantProblems), got)
			}
			for _, w := range tc.wantProblems {
				if !strings.Contains(got, w) {
					t.Errorf("problems lack %q:\n%s", w, got)
				}
			}
			for _, p := range b.Problems {
				if !strings.HasPrefix(p.Where, "http://127.0.0.1:") {
					t.Errorf("problem %q does not say which target", p.Where)
				}
			}
		})
	}
}

// TestLabelEscapes: quotes, backslashes, newlines and non-ASCII in label
// values, and UTF-8 metric and label names, reach rows unescaped and
// Problems escaped on one line.
func TestLabelEscapes(t *testing.T) {
	body := "# TYPE im_online gauge\n" +
		"im_online{net=\"\\\"quoted\\\" \\\\ back\\nslash\"} 1\n" +
		"im_online{net=\"飞信\"} 2\n" +
		"{\"im.online.ü\", net=\"微信\"} 3\n" +
		"{\"im.online.ü\", \"net.名\"=\"x\", net=\"qq\"} NaN\n"
	rules := []Rule{usageGauge, {Match: "im.online.ü", Type: TypeUsage, Metric: "active_users_1d", NetworkLabel: "net"}}
	b := scrapes(t, rules, textCT, body)[0]
	want := map[string]float64{"\"quoted\" \\ back\nslash": 1, "飞信": 2, "微信": 3}
	if len(b.Samples) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v (problems %s)", len(b.Samples), len(want), b.Samples, problems(b))
	}
	for _, s := range b.Samples {
		if v, ok := want[s.Network]; !ok || v != s.Value {
			t.Errorf("row %q=%v not expected", s.Network, s.Value)
		}
	}
	if len(b.Problems) != 1 || !strings.Contains(b.Problems[0].Where, `im.online.ü{net.名="x",net="qq"}`) || strings.Contains(b.Problems[0].Error(), "\n") {
		t.Errorf("problem should name the UTF-8 series on one line: %q", problems(b))
	}
	esc := seriesString("m", []exposition.Label{{Name: "a", Value: "x\"y\\z\nw"}})
	if esc != `m{a="x\"y\\z\nw"}` {
		t.Errorf("seriesString escapes as %s", esc)
	}
}

func TestGaugesAndTimestamps(t *testing.T) {
	body := "# TYPE im_online gauge\n" +
		"im_online{net=\"qq\",ip=\"v4\"} 10\nim_online{net=\"qq\",ip=\"v6\"} 5\n" +
		"im_online{net=\"not-in-catalog\"} 1\n" +
		"im_online{net=\"aim\"} 3 1795478100000\n"
	b := scrapes(t, []Rule{usageGauge}, textCT, body)[0]
	if v := values(b); v != "aim=3 not-in-catalog=1 qq=15" {
		t.Fatalf("rows %q", v)
	}
	for _, s := range b.Samples {
		want := t0
		if s.Network == "aim" {
			want = time.Unix(1795478100, 0).UTC()
		}
		if !s.TS.Equal(want) || s.Source != "test" || s.Metric != "connections" {
			t.Errorf("row %+v: want TS %v, source test, metric connections", s, want)
		}
	}
}

func TestHistogramLatency(t *testing.T) {
	hist := func(okCounts [4]int, okSum float64, failCounts [4]int, failSum float64) string {
		var b strings.Builder
		b.WriteString("# TYPE rq_seconds histogram\n")
		for _, s := range []struct {
			outcome string
			counts  [4]int
			sum     float64
		}{{"success", okCounts, okSum}, {"fail", failCounts, failSum}} {
			for i, le := range []string{"0.005", "0.1", "1", "+Inf"} {
				b.WriteString(`rq_seconds_bucket{outcome="` + s.outcome + `",le="` + le + `"} ` + formatFloat(float64(s.counts[i])) + "\n")
			}
			b.WriteString(`rq_seconds_sum{outcome="` + s.outcome + `"} ` + formatFloat(s.sum) + "\n")
			b.WriteString(`rq_seconds_count{outcome="` + s.outcome + `"} ` + formatFloat(float64(s.counts[3])) + "\n")
		}
		return b.String()
	}
	route := Rule{Match: "rq_seconds", Type: TypeBridge, Bridge: "b", FromNetwork: "matrix", ToNetwork: "irc"}
	lat, msgs, fails := route, route, route
	lat.Field, msgs.Field, fails.Field = FieldLatency, FieldMessages, FieldFailures
	fails.Filter = []string{"outcome=fail"}
	got := scrapes(t, []Rule{lat, msgs, fails}, textCT,
		hist([4]int{10, 20, 30, 30}, 3, [4]int{0, 1, 1, 2}, 9),
		hist([4]int{15, 27, 40, 41}, 5.5, [4]int{0, 1, 1, 5}, 12),
		hist([4]int{1, 1, 1, 1}, 0.001, [4]int{0, 1, 1, 5}, 12), // success restarted
	)
	if len(got[0].Bridges) != 0 {
		t.Errorf("first scrape: %+v, want no rows", got[0].Bridges)
	}
	check := func(i int, want imscope.BridgeSample) {
		t.Helper()
		if len(got[i].Bridges) != 1 {
			t.Fatalf("scrape %d: %d bridge rows, want 1 (problems %s)", i, len(got[i].Bridges), problems(got[i]))
		}
		b := got[i].Bridges[0]
		if b.Bridge != "b" || b.FromNetwork != "matrix" || b.ToNetwork != "irc" || b.Messages != want.Messages || b.Failures != want.Failures {
			t.Errorf("scrape %d: route %+v, want messages %d failures %d", i, b, want.Messages, want.Failures)
		}
		if len(b.Latency) != len(want.Latency) {
			t.Errorf("scrape %d: latency %v, want %v", i, b.Latency, want.Latency)
		}
		for k, v := range want.Latency {
			if b.Latency[k] != v {
				t.Errorf("scrape %d: latency %v, want %v", i, b.Latency, want.Latency)
				break
			}
		}
		if d := b.LatencySum - want.LatencySum; d > 1e-9 || d < -1e-9 {
			t.Errorf("scrape %d: latency sum %v, want %v", i, b.LatencySum, want.LatencySum)
		}
	}
	// success +5,+7(→12 cum),+10(→... see below); fail +3 in +Inf only.
	check(1, imscope.BridgeSample{Messages: 11 + 3, Failures: 3,
		Latency:    map[uint64]uint64{5000: 5, 100000: 2, 1000000: 3, imscope.LatencyInf: 1 + 3},
		LatencySum: 2.5 + 3})
	check(2, imscope.BridgeSample{Messages: 1, Failures: 0,
		Latency:    map[uint64]uint64{5000: 1},
		LatencySum: 0.001})
}

func TestMicros(t *testing.T) {
	for le, want := range map[float64]uint64{0.005: 5000, 0.0000004: 0, 2.5: 2500000, 1e30: imscope.LatencyInf, -1: 0} {
		if got := micros(le); got != want {
			t.Errorf("micros(%v) = %d, want %d", le, got, want)
		}
	}
}
