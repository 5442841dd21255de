package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// testStoreNewPeriods: panel rows of a period that holds only the Store's
// own rows are written without a lookup, and still exactly once: a repeat
// of a row written earlier in the same period is found stored (with its
// stored figures when they conflict); a Store that did not write a period
// looks every row up; and a row another writer put into a period the Store
// thought its own is found too, because the period's count no longer
// matches. A period that is not a midnight UTC is always looked up.
func testStoreNewPeriods(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	p1 := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	p2 := time.Date(2011, 4, 1, 0, 0, 0, 0, time.UTC)
	rows := func(p time.Time, from, to uint64, days uint16) []imscope.PanelRecord {
		var out []imscope.PanelRecord
		for u := from; u < to; u++ {
			out = append(out, imscope.PanelRecord{Period: p, UserKey: u, Network: []string{"qq", "msn"}[u%2], Segment: "office", ActiveDays: days, Messages: u})
		}
		return out
	}
	count := func(p time.Time) uint64 {
		var n uint64
		scanOne(t, e, "SELECT count() FROM panel_activity WHERE period = {p:Date}", []queries.Param{queries.Named("p", p)}, &n)
		return n
	}
	staged := func() uint64 {
		var n uint64
		scanOne(t, e, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name LIKE 'imscope\\_stage\\_panel\\_activity\\_%'", nil, &n)
		return n
	}
	s := queries.NewStore(e)
	store := func(s *queries.Store, rs []imscope.PanelRecord) []queries.Stored[imscope.PanelRecord] {
		t.Helper()
		got, err := s.Panel(ctx, rs)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := store(s, rows(p1, 0, 1000, 5)); len(got) != 0 || count(p1) != 1000 {
		t.Fatalf("a new period: %d found stored, %d rows; want 0 and 1,000", len(got), count(p1))
	}
	if staged() != 0 {
		t.Fatal("rows of a period holding none were looked up (a staging table was made)")
	}
	// The file's next batch: 500 new rows, 400 repeats, 100 conflicting.
	batch := append(rows(p1, 1000, 1500, 5), rows(p1, 0, 400, 5)...)
	batch = append(batch, rows(p1, 400, 500, 9)...)
	got := store(s, batch)
	if len(got) != 500 || count(p1) != 1500 {
		t.Fatalf("repeats in a period of the Store's own: %d found stored, %d rows; want 500 and 1,500", len(got), count(p1))
	}
	for _, f := range got {
		if f.Index < 500 || f.Row.ActiveDays != 5 || f.Row.UserKey != batch[f.Index].UserKey {
			t.Fatalf("found %+v for row %d %+v: want the repeats and conflicts with the stored 5 days", f, f.Index, batch[f.Index])
		}
	}
	// A row whose period is not a midnight UTC is stored under its day by
	// rules the engines do not share, so it is always looked up.
	odd := rows(p1, 0, 1, 5)[0]
	odd.Period = p1.Add(5 * time.Hour)
	if got := store(s, []imscope.PanelRecord{odd}); len(got) != 1 || count(p1) != 1500 {
		t.Fatalf("a repeat at 05:00 of its period's day: %d found stored, %d rows; want 1 and 1,500", len(got), count(p1))
	}
	// Another writer puts a row into the second period after the Store
	// met it: the Store's next batch, holding that key, finds it.
	store(s, rows(p2, 0, 10, 5))
	if err := queries.InsertPanel(ctx, e, rows(p2, 10, 11, 7)); err != nil {
		t.Fatal(err)
	}
	if got := store(s, rows(p2, 10, 20, 5)); len(got) != 1 || got[0].Row.ActiveDays != 7 || count(p2) != 20 {
		t.Fatalf("a row another writer stored: %+v found, %d rows; want the row with 7 days and 20 rows", got, count(p2))
	}
	// A restarted Store knows no period as its own: everything is looked up.
	restarted := queries.NewStore(e)
	if got := store(restarted, rows(p1, 0, 1500, 5)); len(got) != 1500 || count(p1) != 1500 {
		t.Fatalf("a restarted Store: %d found stored, %d rows; want 1,500 and 1,500", len(got), count(p1))
	}
}
