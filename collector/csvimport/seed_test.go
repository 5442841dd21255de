package csvimport

import (
	"fmt"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// The published third-quarter shares (testdata/im-share-q3.csv, the same
// file as docs/examples/im-share-q3.csv) must come through exactly: 8
// figures, the three "no more than 1%" ones marked as bounds, and the
// concentration docs/examples/README.md quotes computed from the exact ones.
func TestSeedReports(t *testing.T) {
	res := run(t, Config{Kind: KindReports, Path: "testdata/im-share-q3.csv"}, Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.all.Problems) != 0 {
		t.Fatalf("problems: %v", res.all.Problems)
	}
	reps := res.all.Reports
	if len(reps) != 8 {
		t.Fatalf("%d reports, want 8", len(reps))
	}
	q3 := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	hhi, lt := 0.0, 0
	for _, r := range reps {
		if r.Period != "2010-Q3" || !r.PeriodStart.Equal(q3) || r.Publisher != "Analysys International" || r.Basis != "users" {
			t.Errorf("unexpected report %+v", r)
		}
		switch r.Bound {
		case imscope.BoundEq:
			hhi += r.Share * r.Share
		case imscope.BoundLt:
			lt++
			if r.Share != 1 || r.Note != "published as no more than 1%" {
				t.Errorf("lt row %+v", r)
			}
		default:
			t.Errorf("bound %q in %+v", r.Bound, r)
		}
	}
	if lt != 3 {
		t.Errorf("%d lt rows, want 3", lt)
	}
	// 76.37² + 9.81² + 5.55² + 4.34² + 2.08² = 5982.6 to one decimal.
	if got := fmt.Sprintf("%.1f", hhi); got != "5982.6" {
		t.Errorf("HHI of the exact shares = %s, want 5982.6", got)
	}
	if reps[0].Network != "qq" || reps[0].Share != 76.37 {
		t.Errorf("first row %+v", reps[0])
	}
	if res.sum != (Summary{Records: 8, Landed: 8, Bytes: res.sum.Bytes}) || res.sum.Bytes == 0 {
		t.Errorf("summary %+v", res.sum)
	}
}
