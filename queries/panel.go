package queries

import (
	"context"
	"fmt"
	"time"
)

var (
	sqlPanelTransitions = mustSQL("panel_transitions.sql")
	sqlPanelPeriods     = mustSQL("panel_periods.sql")
	sqlPanelSignatures  = mustSQL("panel_signatures.sql")
)

// Transition is how many panel users had primary network From in one period
// and To in the next; "" is outside the panel (entrants, leavers).
type Transition struct {
	From, To string
	Users    uint64
}

// PanelTransitions counts users by primary network in two periods.
func PanelTransitions(ctx context.Context, e Engine, from, to time.Time, segment string) ([]Transition, error) {
	rows, err := e.Query(ctx, sqlPanelTransitions, Named("from_period", from), Named("to_period", to), Named("segment", segment))
	if err != nil {
		return nil, fmt.Errorf("cannot count panel transitions: %w", err)
	}
	defer rows.Close()
	var out []Transition
	for rows.Next() {
		var t Transition
		if err := rows.Scan(&t.From, &t.To, &t.Users); err != nil {
			return nil, fmt.Errorf("cannot count panel transitions: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// PanelPeriods lists the panel's periods in [from, to).
func PanelPeriods(ctx context.Context, e Engine, from, to time.Time) ([]time.Time, error) {
	rows, err := e.Query(ctx, sqlPanelPeriods, Named("from", from), Named("to", to))
	if err != nil {
		return nil, fmt.Errorf("cannot list panel periods: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var p time.Time
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("cannot list panel periods: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Signature is how many panel users were active on exactly Networks.
type Signature struct {
	Networks []string
	Users    uint64
}

// PanelSignatures counts users by their set of networks in one period.
func PanelSignatures(ctx context.Context, e Engine, period time.Time, segment string) ([]Signature, error) {
	rows, err := e.Query(ctx, sqlPanelSignatures, Named("period", period), Named("segment", segment))
	if err != nil {
		return nil, fmt.Errorf("cannot count multi-homing signatures: %w", err)
	}
	defer rows.Close()
	var out []Signature
	for rows.Next() {
		var s Signature
		if err := rows.Scan(&s.Networks, &s.Users); err != nil {
			return nil, fmt.Errorf("cannot count multi-homing signatures: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
