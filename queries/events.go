package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/imscope/imscope"
)

var (
	sqlEventsList   = mustSQL("events_list.sql")
	sqlEventsLatest = mustSQL("events_latest.sql")
	sqlEventsByID   = mustSQL("events_by_id.sql")
)

// eventColumns are the events table's columns, in the order rows are sent.
var eventColumns = []string{"changed_at", "event_id", "deleted", "actor", "at", "date_only", "title", "description", "networks", "bridges", "link"}

// StoreEvents stores events as changed by actor at changedAt: each is
// new, or replaces the stored event of its ID. Rows are few (an admin's
// form, a file of dozens), so they go in one insert, no staging.
func StoreEvents(ctx context.Context, e Engine, events []imscope.Event, actor string, changedAt time.Time) error {
	err := send(ctx, e, "events", eventColumns, len(events), func(dst []any, i int) []any {
		ev := events[i]
		return append(dst, changedAt, ev.ID, false, actor, ev.At, ev.DateOnly, ev.Title, ev.Description, nonNil(ev.Networks), nonNil(ev.Bridges), ev.Link)
	})
	if err != nil {
		return fmt.Errorf("cannot store %d events: %w", len(events), err)
	}
	return nil
}

// DeleteEvent removes event id, as actor at changedAt. It reports false
// when there is no such event (or it is deleted already). The deletion is
// dated after the event's latest change, even if the clock was set back.
func DeleteEvent(ctx context.Context, e Engine, id, actor string, changedAt time.Time) (bool, error) {
	rows, err := e.Query(ctx, sqlEventsLatest, Named("id", id))
	if err != nil {
		return false, fmt.Errorf("cannot read event %s: %w", id, err)
	}
	var deleted, found bool
	var last time.Time
	for rows.Next() {
		if err := rows.Scan(&deleted, &last); err != nil {
			rows.Close()
			return false, fmt.Errorf("cannot read event %s: %w", id, err)
		}
		found = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("cannot read event %s: %w", id, err)
	}
	if !found || deleted {
		return false, nil
	}
	if !changedAt.After(last) {
		changedAt = last.Add(time.Microsecond)
	}
	err = send(ctx, e, "events", eventColumns, 1, func(dst []any, _ int) []any {
		return append(dst, changedAt, id, true, actor, time.Unix(0, 0), false, "", "", []string{}, []string{}, "")
	})
	if err != nil {
		return false, fmt.Errorf("cannot delete event %s: %w", id, err)
	}
	return true, nil
}

// EventsByID returns the stored (not deleted) events among ids, by ID.
func EventsByID(ctx context.Context, e Engine, ids []string) (map[string]imscope.Event, error) {
	out := map[string]imscope.Event{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := e.Query(ctx, sqlEventsByID, Named("ids", ids))
	if err != nil {
		return nil, fmt.Errorf("cannot read stored events: %w", err)
	}
	evs, err := scanEvents(rows)
	for _, ev := range evs {
		out[ev.ID] = ev
	}
	return out, err
}

// Events returns the events in [from, to), oldest first, at most limit.
func Events(ctx context.Context, e Engine, from, to time.Time, limit int) ([]imscope.Event, error) {
	rows, err := e.Query(ctx, sqlEventsList, Named("from", from), Named("to", to), Named("limit", uint32(limit)))
	if err != nil {
		return nil, fmt.Errorf("cannot read events: %w", err)
	}
	return scanEvents(rows)
}

// scanEvents reads the rows of events_list.sql or events_by_id.sql.
func scanEvents(rows Rows) ([]imscope.Event, error) {
	defer rows.Close()
	var out []imscope.Event
	for rows.Next() {
		var ev imscope.Event
		var deleted bool
		if err := rows.Scan(&ev.ID, &ev.At, &ev.DateOnly, &ev.Title, &ev.Description, &ev.Networks, &ev.Bridges, &ev.Link, &deleted); err != nil {
			return nil, fmt.Errorf("cannot read events: %w", err)
		}
		ev.At = ev.At.UTC()
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cannot read events: %w", err)
	}
	return out, nil
}
