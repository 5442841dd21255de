package collector

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// storeEvents stores imported events by their ID, which an import derives
// from when and what (imscope.EventID): an event stored already as given
// is not stored again (Existing), one stored with other details is
// replaced by the row read (Replaced, with a warning, as a corrected
// published share is), and within one batch the last row of an ID wins.
// Events are few (a file of dozens), so they are compared in memory.
func storeEvents(ctx context.Context, e queries.Engine, events []imscope.Event, at origins, o *Outcome) error {
	last := map[string]int{}
	ids := make([]string, 0, len(events))
	for i, ev := range events {
		if _, seen := last[ev.ID]; !seen {
			ids = append(ids, ev.ID)
		}
		last[ev.ID] = i
	}
	stored, err := queries.EventsByID(ctx, e, ids)
	if err != nil {
		return err
	}
	var out Outcome
	var fresh []imscope.Event
	for i, ev := range events {
		if last[ev.ID] != i {
			out.Repeated++
			out.problem(Problem{Where: at.where(i), Message: fmt.Sprintf("event %s is given again later in the file: the later row is stored", ev.ID), Warning: true})
			continue
		}
		old, ok := stored[ev.ID]
		switch {
		case !ok:
			out.New++
		case sameEvent(old, ev):
			out.Existing++
			continue
		default:
			out.Replaced++
			out.problem(Problem{Where: at.where(i), Message: fmt.Sprintf("event %s (%s) was stored with other details: replaced", ev.ID, ev.Title), Warning: true})
		}
		fresh = append(fresh, ev)
	}
	if err := queries.StoreEvents(ctx, e, fresh, "import", time.Now()); err != nil {
		return err
	}
	o.Add(out)
	return nil
}

// sameEvent reports whether two events say the same.
func sameEvent(a, b imscope.Event) bool {
	return a.At.Equal(b.At) && a.DateOnly == b.DateOnly && a.Title == b.Title && a.Description == b.Description && a.Link == b.Link &&
		slices.Equal(a.Networks, b.Networks) && slices.Equal(a.Bridges, b.Bridges)
}
