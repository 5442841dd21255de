package jsonapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func doc(t testing.TB, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Records paths in their documented forms, and what each selects.
func TestRecordsPath(t *testing.T) {
	d := doc(t, `{"data":{"networks":[{"id":"qq"},{"id":"msn"}],"by":{"b":{"id":"B"},"a":{"id":"A"}},
		"weird":{"a.b c":[{"id":"W"}]},"nested":[{"r":[{"id":1},{"id":2}]},{"r":[{"id":3}]},{"x":1}]}}`)
	cases := []struct {
		path string
		want string // records as at=key=id
		miss string
		err  string
	}{
		{"data.networks", "$.data.networks[0]=0=qq $.data.networks[1]=1=msn", "", ""},
		{"data.networks[*]", "$.data.networks[0]=0=qq $.data.networks[1]=1=msn", "", ""},
		{"$.data.networks[*]", "$.data.networks[0]=0=qq $.data.networks[1]=1=msn", "", ""},
		{`$["data"]["networks"]`, "$.data.networks[0]=0=qq $.data.networks[1]=1=msn", "", ""},
		{"data.networks[-1]", "$.data.networks[-1]==msn", "", ""},
		{"data.by.*", "$.data.by.a=a=A $.data.by.b=b=B", "", ""},
		{"data.by[*]", "$.data.by.a=a=A $.data.by.b=b=B", "", ""},
		{`data.weird["a.b c"]`, `$.data.weird["a.b c"][0]=0=W`, "", ""},
		{"data.nested[*].r[*]", "$.data.nested[0].r[0]=0=1 $.data.nested[0].r[1]=1=2 $.data.nested[1].r[0]=0=3", `$.data.nested[2] has no member "r" (it has "x")`, ""},
		{"data.networks[5]", "", "", `records path data.networks[5]: $.data.networks has 2 elements, no [5]`},
		{"data.nope[*]", "", "", `records path data.nope[*]: $.data has no member "nope" (it has "by", "nested", "networks", "weird")`},
		{"data.networks.id", "", "", `records path data.networks.id: $.data.networks is an array, not an object`},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			p, err := parsePath(tc.path, '$')
			if err != nil {
				t.Fatal(err)
			}
			recs, misses, err := p.records(d)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, fmt.Sprintf("%s=%s=%v", r.at, r.key, r.value.(map[string]any)["id"]))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("records %s\n   want %s", strings.Join(got, " "), tc.want)
			}
			var gotMiss []string
			for _, m := range misses {
				gotMiss = append(gotMiss, m.at+" "+m.why)
			}
			if strings.Join(gotMiss, "; ") != tc.miss {
				t.Errorf("misses %q, want %q", gotMiss, tc.miss)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	cases := map[string]string{
		"a..b":     "a name must follow the dot at character 3",
		"a[":       "the [ at character 2 is not closed",
		`a["x]`:    "is not closed",
		`a["x\q"]`: "is not a JSON string",
		"a[1.5]":   "is not an index",
		"a[+1]":    "is not an index",
		"a b":      "unexpected ' ' at character 2",
		"a]":       "unexpected ']'",
		"$x":       "unexpected 'x' at character 2",
	}
	for in, want := range cases {
		if _, err := parsePath(in, '@'); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parsePath(%q) = %v, want %q", in, err, want)
		}
	}
	for _, ok := range []string{"", "$", "@", "a", "a.b", "a[0][1]", `["x"].y`, "a.*", "$.a[*].b", "@.a", `a["\u00e9"]`, "数据.网络"} {
		if _, err := parsePath(ok, '@'); err != nil {
			t.Errorf("parsePath(%q): %v", ok, err)
		}
	}
}

func TestTimeFormats(t *testing.T) {
	utc := func(s string) time.Time { v, _ := time.Parse(time.RFC3339Nano, s); return v }
	cases := []struct {
		format, value string
		want          time.Time
		err           string
	}{
		{TSAuto, `"2010-09-30T16:00:00+08:00"`, utc("2010-09-30T08:00:00Z"), ""},
		{TSAuto, `"2010-09-30"`, utc("2010-09-30T00:00:00Z"), ""},
		{TSAuto, `1285833600`, utc("2010-09-30T08:00:00Z"), ""},
		{TSAuto, `1285833600.25`, utc("2010-09-30T08:00:00.25Z"), ""},
		{TSAuto, `1285833600000`, time.Time{}, "is not a Unix time in seconds (set ts_format: unix_ms for milliseconds)"},
		{TSAuto, `"yesterday"`, time.Time{}, `"yesterday" is not an RFC 3339 time`},
		{TSAuto, `true`, time.Time{}, "true is not a time"},
		{TSRFC3339, `1285833600`, time.Time{}, "the number 1285833600 is not an RFC 3339 time"},
		{TSUnix, `"1285833600"`, utc("2010-09-30T08:00:00Z"), ""},
		{TSUnixMS, `1285833600123`, utc("2010-09-30T08:00:00.123Z"), ""},
		{TSUnixMS, `"soon"`, time.Time{}, `"soon" is not a Unix time`},
		{TSAuto, `"1800-01-01"`, time.Time{}, "has a year outside 1900 to 2299"},
	}
	for _, tc := range cases {
		t.Run(tc.format+" "+tc.value, func(t *testing.T) {
			f, _ := parseField("ts", "t", nil)
			d := doc(t, `{"t":`+tc.value+`}`)
			got, err := f.time(d, record{value: d}, tc.format)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) || got.Location().String() != "UTC" {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	cases := []struct{ value, want string }{
		{`12`, "12"}, {`"12"`, "12"}, {`1.2e3`, "1200"}, {`18446744073709551615`, "18446744073709551615"},
		{`2.5`, `"2.5" is not a whole number`}, {`-1`, `"-1" is negative`}, {`1e300`, "too large to be exact"},
		{`"x"`, `"x" is not a whole number`}, {`null`, "null"}, {`{}`, "an object is not a whole number"},
	}
	for _, tc := range cases {
		f, _ := parseField("messages", "m", nil)
		d := doc(t, `{"m":`+tc.value+`}`)
		n, err := f.count(d, record{value: d})
		got := fmt.Sprint(n)
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("count(%s) = %s, want %s", tc.value, got, tc.want)
		}
	}
}
