package csvimport

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/imscope/imscope"
)

// zhReports is a reports file as a Chinese analyst would type it.
const zhReports = "period,publisher,basis,network,share_pct,bound,note\n" +
	"2010-Q3,易观国际,用户,腾讯QQ,76.37,eq,第三季度\n" +
	"2010-Q3,易观国际,用户,飞信,5.55,eq,\n" +
	"2010-Q3,易观国际,用户,网易泡泡,1,lt,不超过1%\n"

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	if b == s {
		t.Fatal("the GBK encoder changed nothing")
	}
	return []byte(b)
}

// The same reports come through byte-exact whatever the file's encoding,
// byte-order mark and line ends.
func TestEncodings(t *testing.T) {
	crlf := strings.ReplaceAll(zhReports, "\n", "\r\n")
	cases := []struct {
		name     string
		data     []byte
		encoding string
	}{
		{"utf-8", []byte(zhReports), ""},
		{"utf-8 with BOM", append([]byte("\uFEFF"), zhReports...), ""},
		{"utf-8 with BOM, declared", append([]byte("\uFEFF"), zhReports...), "utf-8"},
		{"CRLF", []byte(crlf), ""},
		{"BOM and CRLF", append([]byte("\uFEFF"), crlf...), ""},
		{"GBK", gbk(t, zhReports), "gbk"},
		{"GBK and CRLF", gbk(t, crlf), "GBK"},
		{"GB18030", gbk(t, zhReports), "gb18030"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, Config{Kind: KindReports, Path: writeFile(t, "zh.csv", tc.data), Encoding: tc.encoding}, Options{})
			if res.err != nil || len(res.all.Problems) != 0 {
				t.Fatalf("err %v, problems %v", res.err, res.all.Problems)
			}
			r := res.all.Reports
			if len(r) != 3 {
				t.Fatalf("reports %+v", r)
			}
			want := []imscope.MarketReport{
				{Period: "2010-Q3", Publisher: "易观国际", Basis: "用户", Network: "腾讯QQ", Share: 76.37, Bound: imscope.BoundEq, Note: "第三季度"},
				{Period: "2010-Q3", Publisher: "易观国际", Basis: "用户", Network: "飞信", Share: 5.55, Bound: imscope.BoundEq},
				{Period: "2010-Q3", Publisher: "易观国际", Basis: "用户", Network: "网易泡泡", Share: 1, Bound: imscope.BoundLt, Note: "不超过1%"},
			}
			for i, w := range want {
				w.PeriodStart = r[i].PeriodStart
				if r[i] != w {
					t.Errorf("report %d = %#v\n            want %#v", i, r[i], w)
				}
			}
		})
	}
}

// A UTF-16 file is refused with a hint, not read as garbage.
func TestUTF16Refused(t *testing.T) {
	data := []byte{0xFF, 0xFE, 'p', 0, 'e', 0, 'r', 0}
	res := run(t, Config{Kind: KindReports, Path: writeFile(t, "u16.csv", data)}, Options{})
	if res.err == nil || !strings.HasSuffix(res.err.Error(), `u16.csv is UTF-16 text, not UTF-8 or GBK; save it as "CSV UTF-8", or convert it with iconv -f UTF-16 -t UTF-8`) {
		t.Fatalf("err = %v", res.err)
	}
}

// A GBK file read as UTF-8 does not land garbled labels: each such cell is
// a Problem that says what to set.
func TestUndeclaredGBK(t *testing.T) {
	res := run(t, Config{Kind: KindReports, Path: writeFile(t, "zh.csv", gbk(t, zhReports))}, Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.all.Reports) != 0 || res.sum.Rejected != 3 {
		t.Fatalf("landed %+v, summary %+v", res.all.Reports, res.sum)
	}
	p := res.all.Problems[0]
	if !strings.HasSuffix(p.Where, "zh.csv:2:2") || !strings.Contains(p.Message, "publisher: ") || !strings.Contains(p.Message, "is not UTF-8 text; if the file is GBK, set encoding: gbk") {
		t.Errorf("problem %v", p)
	}
}

// Label text is data: quotes, markup, NUL bytes and line breaks inside
// quoted fields land exactly as written (a CRLF inside a quoted field is
// read as LF, as RFC 4180 readers do), and line numbers after a multi-line
// field stay right.
func TestHostileLabels(t *testing.T) {
	type rep struct{ publisher, network, note string }
	hostile := []rep{
		{`Say "hi"`, `qq"; DROP TABLE market_reports; --`, `</script><script>alert(1)</script>`},
		{"NUL\x00inside", "tab\there", "line one\nline two\n\nline four"},
		{"  padded  ", "'single'", "ends with a CR LF pair\r\nthen more"},
		{`\N`, "NULL", `{{.Secret}} ${HOME} %s %!`},
	}
	var b strings.Builder
	b.WriteString("period,publisher,basis,network,share_pct,bound,note\r\n")
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for _, h := range hostile {
		b.WriteString("2010-Q3," + q(h.publisher) + ",users," + q(h.network) + ",1,," + q(h.note) + "\r\n")
	}
	b.WriteString("2010-Q3,A,users,qq,x,,\r\n") // a bad row after the multi-line ones
	res := run(t, Config{Kind: KindReports, Path: writeFile(t, "hostile.csv", []byte(b.String()))}, Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.all.Reports) != len(hostile) {
		t.Fatalf("reports %#v", res.all.Reports)
	}
	for i, h := range hostile {
		want := rep{h.publisher, h.network, strings.ReplaceAll(h.note, "\r\n", "\n")}
		got := res.all.Reports[i]
		if (rep{got.Publisher, got.Network, got.Note}) != want {
			t.Errorf("report %d = %q / %q / %q, want %q", i, got.Publisher, got.Network, got.Note, want)
		}
	}
	// Header 1, then rows of 1, 4, 1 and 2 lines: the bad row is line 10.
	if p := res.all.Problems; len(p) != 1 || !strings.HasSuffix(p[0].Where, "hostile.csv:10:5") || p[0].Message != `share_pct: "x" is not a number` {
		t.Errorf("problems %v", p)
	}
}
