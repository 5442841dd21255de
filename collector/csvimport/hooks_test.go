package csvimport

import (
	"bytes"
	"compress/gzip"
	"reflect"
	"strings"
	"testing"

	"github.com/imscope/imscope/collector"
)

// The hooks let an import's owner follow it without parsing text: the
// header, each rejected record with its cells and its problems' line,
// column and field, and progress — in a strict import also while it
// checks. Where names the file as its sender knows it, while the staged
// path still decides decompression.
func TestHooks(t *testing.T) {
	file := "period,publisher,basis,network,share_pct,bound,note\n" +
		"2010-Q3,Test,users,qq,76.37,eq,\n" +
		"2010-Q3,Test,users,msn,abc,eq,x\n" +
		"2010-Q3,Test,users,fetion\n" +
		"2010-Q3,\"Te\"st,users,qq,1,eq,\n"
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(file))
	zw.Close()
	path := writeFile(t, "upload.csv.gz", zipped.Bytes())

	type rejected struct {
		line     int
		cells    []string
		problems []collector.Problem
	}
	for _, strict := range []bool{false, true} {
		t.Run(map[bool]string{false: "lenient", true: "strict"}[strict], func(t *testing.T) {
			var header []string
			var got []rejected
			var checked, emitted bool
			var lastBytes, lastRows int64
			res := run(t, Config{Kind: KindReports, Path: path, Strict: strict}, Options{
				Where:    "shares.csv",
				OnHeader: func(cells []string) { header = append([]string(nil), cells...) },
				OnRejected: func(line int, cells []string, problems []collector.Problem) {
					got = append(got, rejected{line, append([]string(nil), cells...), problems})
				},
				OnProgress: func(read, rows int64, checking bool) {
					checked = checked || checking
					emitted = emitted || !checking
					lastBytes, lastRows = read, rows
				},
			})
			if wantErr := strict; (res.err != nil) != wantErr {
				t.Fatalf("err = %v", res.err)
			}
			if !reflect.DeepEqual(header, strings.Split("period,publisher,basis,network,share_pct,bound,note", ",")) {
				t.Errorf("header %q", header)
			}
			if len(got) != 3 {
				t.Fatalf("rejected %+v, want 3 records", got)
			}
			want := []struct {
				line, probLine, column int
				field, where           string
				cells                  int
			}{
				{3, 3, 5, "share_pct", "shares.csv:3:5", 7},
				{4, 4, 5, "share_pct", "shares.csv:4:5", 4},
				{5, 5, 0, "", "shares.csv:5:12", -1},
			}
			for i, w := range want {
				r := got[i]
				p := r.problems[0]
				if r.line != w.line || p.Line != w.probLine || p.Column != w.column || p.Field != w.field || p.Where != w.where || (w.cells >= 0 && len(r.cells) != w.cells) {
					t.Errorf("rejected record %d: line %d, %d cells %q, problem %+v; want %+v", i, r.line, len(r.cells), r.cells, p, w)
				}
			}
			if got[0].cells[6] != "x" {
				t.Errorf("cells %q, want them as read", got[0].cells)
			}
			if checked != strict || !emitted && !strict || lastRows != 4 || lastBytes != int64(zipped.Len()) {
				t.Errorf("progress: checking seen %v, emitting seen %v, last %d bytes %d rows (file %d bytes)", checked, emitted, lastBytes, lastRows, zipped.Len())
			}
			if !strict && (res.sum.Landed != 1 || len(res.all.Problems) != 3 || res.all.Problems[0] != got[0].problems[0]) {
				t.Errorf("landed %d, problems %+v: the batches' problems are the hook's", res.sum.Landed, res.all.Problems)
			}
		})
	}
}
