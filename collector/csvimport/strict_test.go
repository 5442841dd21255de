package csvimport

import (
	"errors"
	"strings"
	"testing"
)

// Strict mode loads nothing from a file with a bad row, and says which rows.
func TestStrict(t *testing.T) {
	cases := []struct {
		name, kind, file string
		rejected         int64
		first            string
	}{
		{"reports", "reports", "testdata/reports-bad.csv", 7, `testdata/reports-bad.csv:3:1: period: "2010-Q5"`},
		{"panel", "panel", "testdata/panel-bad.csv", 12, `testdata/panel-bad.csv:3:5: active_days: "x" is not a whole number`},
		{"usage", "usage", "testdata/usage-bad.csv", 8, `testdata/usage-bad.csv:4:1: ts: "yesterday"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, Config{Kind: Kind(tc.kind), Path: tc.file, Strict: true, ChunkRows: 2}, Options{})
			var se *StrictError
			if !errors.As(res.err, &se) {
				t.Fatalf("err = %v, want a StrictError", res.err)
			}
			if len(res.batches) != 0 {
				t.Fatalf("strict import emitted %d batches", len(res.batches))
			}
			if se.Rejected != tc.rejected || res.sum.Landed != 0 {
				t.Errorf("rejected %d (want %d), summary %+v", se.Rejected, tc.rejected, res.sum)
			}
			msg := res.err.Error()
			if !strings.HasPrefix(msg, tc.file+": strict import loaded nothing: ") || !strings.Contains(msg, "\n  "+tc.first) {
				t.Errorf("error:\n%s", msg)
			}
			if len(se.First) == 0 || len(se.First) > strictListed {
				t.Errorf("%d problems listed", len(se.First))
			}
		})
	}

	// A good file loads whole in strict mode, in chunks.
	res := run(t, Config{Kind: KindPanel, Path: "testdata/panel.csv", Strict: true, ChunkRows: 2}, Options{})
	if res.err != nil || len(res.all.Panel) != 5 || len(res.batches) != 3 || res.sum.Landed != 5 {
		t.Fatalf("err %v, %d rows in %d batches, summary %+v", res.err, len(res.all.Panel), len(res.batches), res.sum)
	}
	for _, p := range res.all.Panel {
		if p.UserKey == 0 {
			t.Fatalf("strict import did not hash: %+v", p)
		}
	}
}

// The strict error lists at most strictListed problems and says more exist.
func TestStrictListsFirstProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,network,metric,value\n")
	for range 50 {
		b.WriteString("2010-07-01,qq,messages,x\n")
	}
	res := run(t, Config{Kind: KindUsage, Path: writeFile(t, "u.csv", []byte(b.String())), Strict: true}, Options{})
	var se *StrictError
	if !errors.As(res.err, &se) || se.Rejected != 50 || se.Records != 50 || len(se.First) != strictListed {
		t.Fatalf("err = %v", res.err)
	}
	if msg := res.err.Error(); !strings.Contains(msg, ":11:4: value") || !strings.Contains(msg, "(and more") || strings.Contains(msg, ":12:4") {
		t.Errorf("error:\n%s", msg)
	}
}
