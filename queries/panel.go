package queries

import (
	"context"
	"fmt"
	"time"
)

var (
	sqlPanelTransitions      = mustSQL("panel_transitions.sql")
	sqlPanelUsersTransitions = mustSQL("panel_users_transitions.sql")
	sqlPanelPeriods          = mustSQL("panel_periods.sql")
	sqlPanelSignatures       = mustSQL("panel_signatures.sql")
	sqlPanelUsersSignatures  = mustSQL("panel_users_signatures.sql")
)

// Transition is how many panel users had primary network From in one period
// and To in the next; "" is outside the panel (entrants, leavers).
type Transition struct {
	From, To string
	Users    uint64
}

// PanelTransitions counts users by primary network in two periods. It reads
// the per-user table panel_users, rebuilding either period first when its
// build is missing or stale (see RefreshPanel), so the answer is always that
// of PanelTransitionsRaw on the same rows. A period naming more networks
// than a build can hold is answered by PanelTransitionsRaw.
func PanelTransitions(ctx context.Context, e Engine, from, to time.Time, segment string) ([]Transition, error) {
	ok, err := panelDerivable(ctx, e, from, to)
	if err != nil {
		return nil, fmt.Errorf("cannot count panel transitions: %w", err)
	}
	if !ok {
		return PanelTransitionsRaw(ctx, e, from, to, segment)
	}
	return transitions(ctx, e, sqlPanelUsersTransitions, from, to, segment)
}

// PanelTransitionsRaw answers PanelTransitions from panel_activity itself,
// aggregating every user's rows of both periods: the reference the derived
// tables are checked and benchmarked against.
func PanelTransitionsRaw(ctx context.Context, e Engine, from, to time.Time, segment string) ([]Transition, error) {
	return transitions(ctx, e, sqlPanelTransitions, from, to, segment)
}

func transitions(ctx context.Context, e Engine, query string, from, to time.Time, segment string) ([]Transition, error) {
	out, err := collect(ctx, e, query, []Param{Named("from_period", from), Named("to_period", to), Named("segment", segment)},
		func(r Rows) (t Transition, err error) { return t, r.Scan(&t.From, &t.To, &t.Users) })
	if err != nil {
		return nil, fmt.Errorf("cannot count panel transitions: %w", err)
	}
	return out, nil
}

// PanelPeriods lists the panel's periods in [from, to).
func PanelPeriods(ctx context.Context, e Engine, from, to time.Time) ([]time.Time, error) {
	out, err := collect(ctx, e, sqlPanelPeriods, []Param{Named("from", from), Named("to", to)},
		func(r Rows) (p time.Time, err error) { return p, r.Scan(&p) })
	if err != nil {
		return nil, fmt.Errorf("cannot list panel periods: %w", err)
	}
	return out, nil
}

// Signature is how many panel users were active on exactly Networks.
type Signature struct {
	Networks []string
	Users    uint64
}

// PanelSignatures counts users by their set of networks in one period, from
// panel_users like PanelTransitions (and with the same fallback).
func PanelSignatures(ctx context.Context, e Engine, period time.Time, segment string) ([]Signature, error) {
	ok, err := panelDerivable(ctx, e, period)
	if err != nil {
		return nil, fmt.Errorf("cannot count multi-homing signatures: %w", err)
	}
	if !ok {
		return PanelSignaturesRaw(ctx, e, period, segment)
	}
	return signatures(ctx, e, sqlPanelUsersSignatures, period, segment)
}

// PanelSignaturesRaw answers PanelSignatures from panel_activity itself.
func PanelSignaturesRaw(ctx context.Context, e Engine, period time.Time, segment string) ([]Signature, error) {
	return signatures(ctx, e, sqlPanelSignatures, period, segment)
}

func signatures(ctx context.Context, e Engine, query string, period time.Time, segment string) ([]Signature, error) {
	out, err := collect(ctx, e, query, []Param{Named("period", period), Named("segment", segment)},
		func(r Rows) (s Signature, err error) { return s, r.Scan(&s.Networks, &s.Users) })
	if err != nil {
		return nil, fmt.Errorf("cannot count multi-homing signatures: %w", err)
	}
	return out, nil
}

// collect runs query and scans every row with scan.
func collect[T any](ctx context.Context, e Engine, query string, params []Param, scan func(Rows) (T, error)) ([]T, error) {
	rows, err := e.Query(ctx, query, params...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// collectOne runs a query that returns exactly one row and scans it.
func collectOne[T any](ctx context.Context, e Engine, query string, params []Param, scan func(Rows) (T, error)) (T, error) {
	rows, err := collect(ctx, e, query, params, scan)
	if err == nil && len(rows) != 1 {
		err = fmt.Errorf("%d rows, want 1", len(rows))
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return rows[0], nil
}
