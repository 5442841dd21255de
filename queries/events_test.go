package queries_test

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// TestEvents: an event is stored, read back in its window only, replaced
// by a correction with its ID, and deleted once; a hostile title is
// stored as given.
func TestEvents(t *testing.T) {
	ctx := context.Background()
	e := enginetest.Migrated(t, dataDir, "events")
	day := time.Date(2010, 11, 3, 0, 0, 0, 0, time.UTC)
	war := imscope.Event{ID: imscope.EventID(day, "3Q war"), At: day, DateOnly: true, Title: "3Q war", Networks: []string{"qq"}, Link: "https://example.org/3q"}
	hostile := imscope.Event{ID: "h1", At: day.Add(30 * 24 * time.Hour), Title: `</script><img src=x onerror=alert(1)>`}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	if err := queries.StoreEvents(ctx, e, []imscope.Event{war, hostile}, "admin", now); err != nil {
		t.Fatal(err)
	}
	list := func(from, to time.Time) []imscope.Event {
		t.Helper()
		evs, err := queries.Events(ctx, e, from, to, 100)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	all := list(day.AddDate(-1, 0, 0), day.AddDate(1, 0, 0))
	if len(all) != 2 || all[0].Title != "3Q war" || !all[0].DateOnly || !all[0].At.Equal(day) || all[0].Networks[0] != "qq" || all[1].Title != hostile.Title {
		t.Fatalf("events %+v", all)
	}
	if got := list(day.Add(time.Hour), day.AddDate(1, 0, 0)); len(got) != 1 || got[0].ID != "h1" {
		t.Errorf("from after the war: %+v", got)
	}
	war.Description = "QQ made its users choose"
	if err := queries.StoreEvents(ctx, e, []imscope.Event{war}, "import", now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := list(day, day.Add(time.Hour)); len(got) != 1 || got[0].Description != war.Description {
		t.Errorf("after the correction: %+v", got)
	}
	// A deletion dated before the latest change (a clock set back) still wins.
	if ok, err := queries.DeleteEvent(ctx, e, war.ID, "admin", now); err != nil || !ok {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if got := list(day.AddDate(-1, 0, 0), day.AddDate(1, 0, 0)); len(got) != 1 || got[0].ID != "h1" {
		t.Errorf("after deleting: %+v", got)
	}
	if ok, err := queries.DeleteEvent(ctx, e, war.ID, "admin", now); err != nil || ok {
		t.Errorf("deleting twice: %v %v", ok, err)
	}
	if ok, err := queries.DeleteEvent(ctx, e, "nosuch", "admin", now); err != nil || ok {
		t.Errorf("deleting an unknown id: %v %v", ok, err)
	}
}
