package exposition

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenBodies are the captured and reconstructed expositions of the
// openmetrics collector's tests: a real Prosody (OpenMetrics), Synapse and
// a matrix-appservice-bridge bridge (text).
var goldenBodies = []struct {
	file   string
	format Format
}{
	{"prosody-0.12.exposition", OpenMetrics},
	{"synapse-1.exposition", Text},
	{"synapse-2.exposition", Text},
	{"matrix-appservice-irc-1.exposition", Text},
	{"matrix-appservice-irc-2.exposition", Text},
}

func readGolden(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGoldenAgainstExpfmt: the captured expositions parse to exactly what
// expfmt makes of them, and to something (not an error).
func TestGoldenAgainstExpfmt(t *testing.T) {
	for _, g := range goldenBodies {
		t.Run(g.file, func(t *testing.T) {
			body := readGolden(t, g.file)
			want, got := oracle(body, g.format), ours(body, g.format)
			if want.refused || len(want.fams) == 0 {
				t.Fatalf("expfmt made nothing of the golden body: %v", want.err)
			}
			if d := differ(want, got); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestAgainstExpfmt holds the Parser to expfmt on bodies chosen for the
// corners of each format, accepted and refused.
func TestAgainstExpfmt(t *testing.T) {
	for _, tc := range append(textCases, omCases...) {
		t.Run(tc.format.String()+"/"+tc.name, func(t *testing.T) {
			want, got := oracle([]byte(tc.body), tc.format), ours([]byte(tc.body), tc.format)
			if d := differ(want, got); d != "" {
				t.Errorf("%q: %s", tc.body, d)
			}
			if tc.refused != want.refused {
				t.Errorf("%q: the case says refused=%v, expfmt says %v (%v)", tc.body, tc.refused, want.refused, want.err)
			}
			if got.refused && !strings.Contains(got.err.Error(), "line ") {
				t.Errorf("error %q does not name the line", got.err)
			}
		})
	}
}

type parseCase struct {
	name    string
	format  Format
	body    string
	refused bool
}

var textCases = []parseCase{
	{"gauge", Text, "# HELP g A gauge.\n# TYPE g gauge\ng{a=\"1\",b=\"2\"} 3.5\ng 4 1700000000000\n", false},
	{"untyped and blank lines", Text, "\n  \nu 1\n\t\nv{x=\"y\"} -2e-3\n", false},
	{"counter, NaN, infinities", Text, "# TYPE c counter\nc{a=\"x\"} NaN\nc{a=\"y\"} +Inf\nc{a=\"z\"} -Inf\n", false},
	{"escapes in values and help", Text, "# HELP e a \\\\ b \\n c \\\" d\ne{a=\"q\\\"uote\",b=\"back\\\\slash\",c=\"new\\nline\"} 1\n", false},
	{"UTF-8 names quoted", Text, "{\"im.online.ü\", \"net.名\"=\"x\", net=\"qq\"} 3\n", false},
	{"quoted name outside braces", Text, "\"a b\"{c=\"d\"} 1\n", false},
	{"histogram", Text, "# TYPE h histogram\nh_bucket{le=\"0.1\",r=\"a\"} 1\nh_bucket{r=\"a\",le=\"+Inf\"} 2\nh_sum{r=\"a\"} 0.5\nh_count{r=\"a\"} 2\nh_bucket{r=\"b\",le=\"1\"} 7.5\n", false},
	{"summary", Text, "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns{quantile=\"0.9\"} 2\ns_sum 3\ns_count 4.7\n", false},
	{"histogram line without le", Text, "# TYPE h histogram\nh_bucket{x=\"1\"} 5\n", false},
	{"gauge histogram", Text, "# TYPE g gaugehistogram\ng_bucket{le=\"1\"} 1\ng_count 1\n", false},
	{"spaces around labels", Text, "m { a = \"1\" , b=\"2\" , } 1\n", false},
	{"tabs", Text, "m\t{a=\"1\"}\t1\t2\n", false},
	{"duplicates kept", Text, "m{a=\"1\"} 1\nm{a=\"1\"} 2\n", false},
	{"family resumed later", Text, "a 1\nb 2\na 3\n", false},
	{"comments of any kind", Text, "# just a comment\n#\n# TYPE\n# HELP x\n# TYPE y \nx 1\n", false},
	{"type in any case", Text, "# TYPE c COUNTER\nc 1\n# TYPE d Gauge_Histogram\nd_bucket{le=\"1\"} 1\n", false},
	{"type with backslashes, which are dropped", Text, "# TYPE a gau\\\\ge\na 1\n", false},
	{"type with Unicode case", Text, "# TYPE h hıstogram\nh_bucket{le=\"1\"} 1\n", false},
	{"name continued after a quote", Text, "a\"b\"1 2\n", false},
	{"name in braces after a histogram line", Text, "# TYPE h histogram\nh_bucket{le=\"1\"} 1\n{\"x\",le=\"2\"} 5\n", false},
	{"bucket of a later histogram line in braces", Text, "# TYPE h histogram\nh_bucket{a=\"1\",le=\"1\"} 1\n# TYPE g gauge\n{\"h_bucket\",le=\"2\"} 3\n", false},
	{"last line without a newline is refused", Text, "a 1\nb 2", true},
	{"trailing blanks without newline", Text, "a 1\n   ", false},
	{"value with a trailing blank", Text, "a 1 \n", true},
	{"timestamp then text", Text, "a 1 2 x\n", true},
	{"float timestamp", Text, "a 1 2.5\n", true},
	{"bad value", Text, "a 0x1p3\n", true},
	{"underscore in value", Text, "a 1_000\n", true},
	{"second TYPE", Text, "# TYPE a gauge\n# TYPE a counter\na 1\n", true},
	{"TYPE after samples", Text, "a 1\n# TYPE a gauge\n", true},
	{"second HELP", Text, "# HELP a x\n# HELP a y\n", true},
	{"unknown type", Text, "# TYPE a thing\n", true},
	{"bad escape in value", Text, "a{b=\"\\t\"} 1\n", true},
	{"bad escape in help", Text, "# HELP a \\t\n", true},
	{"invalid UTF-8 value", Text, "a{b=\"\xff\"} 1\n", true},
	{"duplicate label", Text, "a{b=\"1\",b=\"2\"} 1\n", true},
	{"reserved label", Text, "a{__name__=\"x\"} 1\n", true},
	{"label without name", Text, "{a=\"1\"} 1\n", true},
	{"no value", Text, "a\n", true},
	{"label without quote", Text, "a{b=1} 1\n", true},
	{"negative bucket", Text, "# TYPE h histogram\nh_bucket{le=\"1\"} -1\n", true},
	{"bad le", Text, "# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", true},
	{"refused on the third line", Text, "a 1\nb 2\nc{ 3\n", true},
	{"two names in braces", Text, "{\"a\",\"b\"} 1\n", true},
	{"histogram label before any histogram line", Text, "# TYPE h histogram\n# TYPE g gauge\n{\"h_bucket\",x=\"1\"} 1\n", true},
}

var omCases = []parseCase{
	{"prosody-like", OpenMetrics, "# HELP c Closed connections\n# UNIT c \n# TYPE c counter\nc_created{h=\"a\"} 1795500394.6219466\nc_total{h=\"a\"} 1\n# EOF\n", false},
	{"gauge and unknown", OpenMetrics, "# TYPE g gauge\ng{a=\"1\"} 2\n# TYPE u unknown\nu 3 1700000000.5\n# EOF\n", false},
	{"no newline after EOF", OpenMetrics, "g 1\n# EOF", false},
	{"histogram", OpenMetrics, "# TYPE h histogram\nh_bucket{le=\"0.1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 0.3\nh_created 1.5e9\n# EOF\n", false},
	{"gauge histogram", OpenMetrics, "# TYPE g gaugehistogram\ng_bucket{le=\"1\"} 1\ng_gcount 1\ng_gsum -2\n# EOF\n", false},
	{"summary", OpenMetrics, "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_count 3\ns_sum 4\n# EOF\n", false},
	{"exemplar skipped", OpenMetrics, "# TYPE c counter\nc_total 3 # {trace_id=\"abc\"} 1.5 1700000000\n# EOF\n", false},
	{"exemplar on a bucket", OpenMetrics, "# TYPE h histogram\nh_bucket{le=\"1\"} 1 # {} 0.5\nh_count 1\nh_sum 1\n# EOF\n", false},
	{"UTF-8 names", OpenMetrics, "{\"a.b\",\"c d\"=\"e\"} 1\n\"x.y\"{z=\"\\\\\"} 2\n# EOF\n", false},
	{"number forms", OpenMetrics, "a 1.\nb .5\nc 1e5\nd +Inf\ne -infinity\nf NaN\ng 1.E-3\n# EOF\n", false},
	{"escaped-string keeps other escapes", OpenMetrics, "a{b=\"\\t\\\\\\\"\\n\"} 1\n# EOF\n", false},
	{"help with escapes", OpenMetrics, "# HELP a x \\\\ y \\n\na 1\n# EOF\n", false},
	{"unit", OpenMetrics, "# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1\n# EOF\n", false},
	{"created before total", OpenMetrics, "# TYPE c counter\nc_created 1000\nc_total 1\nc_total 2\n# EOF\n", false},
	{"timestamps in seconds", OpenMetrics, "a 1 1700000000.1234\n# EOF\n", false},
	{"no EOF", OpenMetrics, "a 1\n", true},
	{"empty body", OpenMetrics, "", true},
	{"data after EOF", OpenMetrics, "# EOF\n\n", true},
	{"blank line", OpenMetrics, "a 1\n\n# EOF\n", true},
	{"comment", OpenMetrics, "# hello\n# EOF\n", true},
	{"two spaces", OpenMetrics, "a  1\n# EOF\n", true},
	{"tab", OpenMetrics, "a\t1\n# EOF\n", true},
	{"CRLF", OpenMetrics, "a 1\r\n# EOF\n", true},
	{"counter without _total", OpenMetrics, "# TYPE c counter\nc 1\n# EOF\n", true},
	{"created only", OpenMetrics, "# TYPE c counter\nc_created 1\n# EOF\n", true},
	{"negative counter", OpenMetrics, "# TYPE c counter\nc_total -1\n# EOF\n", true},
	{"interleaved", OpenMetrics, "a 1\nb 1\na 2\n# EOF\n", true},
	{"metadata after samples", OpenMetrics, "a 1\n# TYPE a gauge\n# EOF\n", true},
	{"info type", OpenMetrics, "# TYPE a info\n# EOF\n", true},
	{"exemplar on gauge", OpenMetrics, "# TYPE g gauge\ng 1 # {} 1\n# EOF\n", true},
	{"unit not a suffix", OpenMetrics, "# UNIT a seconds\n# EOF\n", true},
	{"help with a quote", OpenMetrics, "# HELP a say \"hi\"\n# EOF\n", true},
	{"help without a space", OpenMetrics, "# HELP a\n# EOF\n", true},
	{"invalid UTF-8", OpenMetrics, "a{b=\"\xff\"} 1\n# EOF\n", true},
	{"trailing comma", OpenMetrics, "a{b=\"1\",} 1\n# EOF\n", true},
	{"empty braces without name", OpenMetrics, "{} 1\n# EOF\n", true},
	{"plus nan", OpenMetrics, "a +NaN\n# EOF\n", true},
	{"quantile out of range", OpenMetrics, "# TYPE s summary\ns{quantile=\"2\"} 1\n# EOF\n", true},
	{"bucket without le", OpenMetrics, "# TYPE h histogram\nh_bucket 1\n# EOF\n", true},
	{"huge value", OpenMetrics, "a 1e999\n# EOF\n", true},
	{"duplicate le", OpenMetrics, "# TYPE h histogram\nh_bucket{le=\"1\",le=\"2\"} 1\n# EOF\n", true},
}
