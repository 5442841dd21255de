package csvimport

import (
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// want is one expected Problem: its exact Where and a part of its message.
type want struct{ where, msg string }

// Each fixture puts one kind of mistake on a line beside good rows: every
// bad row is reported with its line and column, and the good rows land.
func TestBadRows(t *testing.T) {
	cases := []struct {
		name     string
		kind     Kind
		file     string
		landed   int
		problems []want
	}{
		{"reports", KindReports, "testdata/reports-bad.csv", 3, []want{
			{"testdata/reports-bad.csv:3:1", `period: "2010-Q5" has a quarter other than Q1 to Q4`},
			{"testdata/reports-bad.csv:4:5", `share_pct: "abc" is not a number`},
			{"testdata/reports-bad.csv:5:5", `share_pct: "101" is more than 100`},
			{"testdata/reports-bad.csv:6:6", `bound: "le" is not one of eq, lt, gt`},
			{"testdata/reports-bad.csv:7:2", `publisher: empty`},
			{"testdata/reports-bad.csv:9:1", `period: "1969" has a year outside 1970 to 2148`},
			{"testdata/reports-bad.csv:10:5", `share_pct: "-1" is negative`},
		}},
		{"panel", KindPanel, "testdata/panel-bad.csv", 4, []want{
			{"testdata/panel-bad.csv:3:5", `active_days: "x" is not a whole number`},
			{"testdata/panel-bad.csv:4:1", `period: "2010-13" has a month other than 01 to 12`},
			{"testdata/panel-bad.csv:5:5", `active_days: 40 is more than the 31 days in "2010-07"`},
			{"testdata/panel-bad.csv:6:2", `user_id: empty`},
			{"testdata/panel-bad.csv:7:6", `messages: "-5" is not a whole number`},
			{"testdata/panel-bad.csv:8:5", `the row has 4 fields, the header 6`},
			{"testdata/panel-bad.csv:9:3", `network: empty`},
			// For a quoting error the column is the character position.
			{"testdata/panel-bad.csv:11:20", `malformed CSV: extraneous or missing " in quoted-field`},
			{"testdata/panel-bad.csv:12:5", `active_days: 366 is more than the 365 days in "2010"`},
			{"testdata/panel-bad.csv:13:6", `messages: "99999999999999999999" is too large`},
			{"testdata/panel-bad.csv:15:7", `the row has 7 fields, the header 6`},
			{"testdata/panel-bad.csv:16:5", `active_days: (a value holding the user id, not shown) is not a whole number`},
		}},
		{"usage", KindUsage, "testdata/usage-bad.csv", 3, []want{
			{"testdata/usage-bad.csv:4:1", `ts: "yesterday" is not an RFC 3339 time`},
			{"testdata/usage-bad.csv:5:3", `metric: "likes" is not a known metric (known: active_users_1d,`},
			{"testdata/usage-bad.csv:6:4", `value: "NaN" is not a number`},
			{"testdata/usage-bad.csv:7:2", `network: empty`},
			{"testdata/usage-bad.csv:8:4", `value: "-4" is negative`},
			{"testdata/usage-bad.csv:9:1", `ts: "1800-01-01" has a year outside 1900 to 2299`},
			{"testdata/usage-bad.csv:10:4", `value: empty`},
			// One row, four bad cells: each is reported.
			{"testdata/usage-bad.csv:11:1", `ts: "bad" is not`},
			{"testdata/usage-bad.csv:11:2", `network: empty`},
			{"testdata/usage-bad.csv:11:3", `metric: "likes"`},
			{"testdata/usage-bad.csv:11:4", `value: "x" is not a number`},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, Config{Kind: tc.kind, Path: tc.file}, Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			checkProblems(t, res.all.Problems, tc.problems)
			if got := res.all.Rows(); got != tc.landed || res.sum.Landed != int64(tc.landed) {
				t.Errorf("%d rows landed (summary %d), want %d", got, res.sum.Landed, tc.landed)
			}
			if s := res.sum; s.Landed+s.Rejected+s.Blank != s.Records {
				t.Errorf("summary does not add up: %+v", s)
			}
		})
	}
}

func checkProblems(t *testing.T, got []collector.Problem, want []want) {
	t.Helper()
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("missing problem %s: %s", want[i].where, want[i].msg)
		case i >= len(want):
			t.Errorf("unexpected problem %v", got[i])
		case got[i].Where != want[i].where || !strings.Contains(got[i].Message, want[i].msg):
			t.Errorf("problem %d = %v\n                want %s: %s…", i, got[i], want[i].where, want[i].msg)
		}
	}
}

// The good rows of the bad fixtures come through with every field mapped.
func TestGoodRowsMapped(t *testing.T) {
	usage := run(t, Config{Kind: KindUsage, Path: "testdata/usage-bad.csv", Source: "vendor-sheet"}, Options{})
	wantSamples := []imscope.Sample{
		{TS: time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC), Source: "vendor-sheet", Network: "qq", Metric: "active_users_1d", Value: 1000},
		{TS: time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC), Source: "vendor-sheet", Network: "qq", Metric: "messages", Segment: "students", Value: 5e6},
		{TS: time.Date(2010, 7, 2, 0, 0, 0, 5e8, time.UTC), Source: "vendor-sheet", Network: "fetion", Metric: "sessions", Value: 12},
	}
	if len(usage.all.Samples) != len(wantSamples) {
		t.Fatalf("samples %+v", usage.all.Samples)
	}
	for i, w := range wantSamples {
		if g := usage.all.Samples[i]; !g.TS.Equal(w.TS) || g.TS.Location() != time.UTC || g.Source != w.Source || g.Network != w.Network ||
			g.Metric != w.Metric || g.Segment != w.Segment || g.Value != w.Value {
			t.Errorf("sample %d = %+v, want %+v", i, g, w)
		}
	}

	reports := run(t, Config{Kind: KindReports, Path: "testdata/reports-bad.csv"}, Options{})
	r := reports.all.Reports
	if len(r) != 3 || r[1].Network != "yahoo" || r[1].Share != 0.5 || r[1].Bound != imscope.BoundLt || r[1].Note != "under 1%" ||
		r[2].Period != "2010-07" || !r[2].PeriodStart.Equal(time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)) || r[2].Bound != imscope.BoundEq {
		t.Errorf("reports %+v", r)
	}

	panel := run(t, Config{Kind: KindPanel, Path: "testdata/panel-bad.csv"}, Options{})
	p := panel.all.Panel
	if len(p) != 4 {
		t.Fatalf("panel %+v", p)
	}
	q3 := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	if p[0].Network != "qq" || p[0].Segment != "students" || p[0].ActiveDays != 20 || p[0].Messages != 340 || !p[0].Period.Equal(q3) || p[0].UserKey == 0 {
		t.Errorf("panel[0] %+v", p[0])
	}
	if p[1].Network != "wangwang" || p[1].ActiveDays != 90 || !p[1].Period.Equal(q3) {
		t.Errorf("panel[1] %+v (2010-Q3 starts 2010-07-01 and has 92 days)", p[1])
	}
}

// A file with a column the kind does not use still loads, with one Problem
// naming the ignored column.
func TestExtraColumnsNoted(t *testing.T) {
	res := run(t, Config{Kind: KindUsage, Path: "testdata/usage.csv"}, Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	checkProblems(t, res.all.Problems, []want{{"testdata/usage.csv:1", `ignored "comment" (column 6): a usage file has the columns ts, network, metric, value, segment (optional)`}})
	if len(res.all.Samples) != 3 || res.all.Samples[0].Value != 612000000 || res.all.Samples[2].TS.Hour() != 4 {
		t.Errorf("samples %+v", res.all.Samples)
	}
}

// Problems with the header stop the import before any row is read, and say
// which columns a file of the kind needs.
func TestHeaderErrors(t *testing.T) {
	cases := []struct {
		name, kind, data, want string
	}{
		{"missing", "reports", "period,publisher,network\n2010-Q3,A,qq\n",
			"missing required columns basis, share_pct for a reports file; a reports file has the columns period, publisher, basis, network, share_pct, bound (optional), note (optional)"},
		{"missing one", "panel", "period,network,active_days,messages\n",
			"missing required column user_id for a panel file"},
		{"wrong kind", "usage", "period,user_id,network,segment,active_days,messages\n2010-07,u,qq,,1,1\n",
			"missing required columns ts, metric, value for a usage file"},
		{"twice", "usage", "ts,network,metric,value,Network\n",
			"column network appears twice, as columns 2 and 5"},
		{"empty", "panel", "", "is empty: a panel file starts with a header row"},
		{"only a BOM", "panel", "\uFEFF", "is empty"},
		{"bad quoting", "usage", "ts,\"network\"x,metric,value\n", `cannot read the header of`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "h.csv", []byte(tc.data))
			res := run(t, Config{Kind: Kind(tc.kind), Path: path}, Options{})
			if res.err == nil || !strings.Contains(res.err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", res.err, tc.want)
			}
			if !strings.HasPrefix(res.err.Error(), path) && !strings.Contains(res.err.Error(), path) {
				t.Errorf("err %q does not name the file", res.err)
			}
			if len(res.batches) != 0 {
				t.Errorf("emitted %d batches", len(res.batches))
			}
		})
	}
}

// Header names match whatever their case and surrounding spaces, and
// columns may come in any order.
func TestHeaderAnyOrderAnyCase(t *testing.T) {
	data := "Note , SHARE_PCT,network,Basis,publisher,period\nsee p. 3,9.81,wangwang,users,Analysys,2010-Q3\n"
	res := run(t, Config{Kind: KindReports, Path: writeFile(t, "r.csv", []byte(data))}, Options{})
	if res.err != nil || len(res.all.Problems) != 0 || len(res.all.Reports) != 1 {
		t.Fatalf("err %v, problems %v, reports %+v", res.err, res.all.Problems, res.all.Reports)
	}
	if r := res.all.Reports[0]; r.Network != "wangwang" || r.Share != 9.81 || r.Note != "see p. 3" || r.Bound != imscope.BoundEq {
		t.Errorf("report %+v", r)
	}
}

// Trailing rows of empty cells, as spreadsheets export them, are skipped
// without a Problem.
func TestBlankRows(t *testing.T) {
	data := "ts,network,metric,value\n2010-07-01,qq,messages,1\n,,,\n , ,,\n"
	res := run(t, Config{Kind: KindUsage, Path: writeFile(t, "u.csv", []byte(data))}, Options{})
	if res.err != nil || len(res.all.Problems) != 0 || len(res.all.Samples) != 1 {
		t.Fatalf("err %v, problems %v, samples %+v", res.err, res.all.Problems, res.all.Samples)
	}
	if res.sum != (Summary{Records: 3, Landed: 1, Blank: 2, Bytes: int64(len(data))}) {
		t.Errorf("summary %+v", res.sum)
	}
}

func TestParsePeriod(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		in    string
		start time.Time
		days  int
		err   string
	}{
		{"2010-Q3", d(2010, 7, 1), 92, ""},
		{"2010-q1", d(2010, 1, 1), 90, ""},
		{"2012-Q1", d(2012, 1, 1), 91, ""},
		{"2010-07", d(2010, 7, 1), 31, ""},
		{"2010-02", d(2010, 2, 1), 28, ""},
		{"2010-07-15", d(2010, 7, 15), 1, ""},
		{"2010", d(2010, 1, 1), 365, ""},
		{"2012", d(2012, 1, 1), 366, ""},
		{"2010-Q0", time.Time{}, 0, "quarter"},
		{"2010-00", time.Time{}, 0, "month"},
		{"2010-02-30", time.Time{}, 0, "is not a period"},
		{"1969-12", time.Time{}, 0, "year outside"},
		{"2149", time.Time{}, 0, "year outside"},
		{"+201-07", time.Time{}, 0, "is not a period"},
		{"2010/07", time.Time{}, 0, "is not a period"},
		{"2010-7", time.Time{}, 0, "is not a period"},
		{"", time.Time{}, 0, "is not a period"},
		{"2010-W27", time.Time{}, 0, "is not a period"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			p, err := parsePeriod(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || !p.start.Equal(tc.start) || p.days() != tc.days {
				t.Fatalf("got %v, %d days, %v; want %v, %d days", p.start, p.days(), err, tc.start, tc.days)
			}
		})
	}
}
