package queries

import (
	"context"
	"fmt"
	"time"
)

var sqlCollectorRunsLatest = mustSQL("collector_runs_latest.sql")

// CollectorRun is one run of a collector, as the Collectors page shows it.
type CollectorRun struct {
	RunID     string
	Collector string
	Kind      string
	Target    string
	StartedAt time.Time
	Duration  time.Duration
	Rows      uint64 // rows read
	Stored    uint64 // rows stored (new, or published shares replaced)
	Existing  uint64 // rows whose key was stored with the same figures: not stored again
	Conflicts uint64 // rows whose key was stored with other figures: not stored
	Status    string // ok, partial (some input was bad), error
	Error     string
	Warnings  []string // the first problems met, each with where
	LastOK    time.Time
}

// InsertCollectorRun records one run.
func InsertCollectorRun(ctx context.Context, e Engine, r CollectorRun) error {
	var errText *string
	if r.Error != "" {
		errText = &r.Error
	}
	warnings := r.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	cols := []string{"run_id", "collector", "kind", "target", "started_at", "duration_ms", "rows", "stored", "existing", "conflicts", "status", "error", "warnings", "labels"}
	return send(ctx, e, "collector_runs", cols, 1, func(dst []any, _ int) []any {
		return append(dst, r.RunID, r.Collector, r.Kind, r.Target, r.StartedAt, uint32(min(r.Duration.Milliseconds(), 1<<32-1)), r.Rows, r.Stored, r.Existing, r.Conflicts, r.Status, errText, warnings, map[string]string{})
	})
}

// LatestCollectorRuns returns each collector's latest run and last success.
func LatestCollectorRuns(ctx context.Context, e Engine) ([]CollectorRun, error) {
	rows, err := e.Query(ctx, sqlCollectorRunsLatest)
	if err != nil {
		return nil, fmt.Errorf("cannot read collector runs: %w", err)
	}
	defer rows.Close()
	var out []CollectorRun
	for rows.Next() {
		var r CollectorRun
		var ms uint32
		var errText *string
		if err := rows.Scan(&r.Collector, &r.Kind, &r.Target, &r.StartedAt, &ms, &r.Rows, &r.Stored, &r.Existing, &r.Conflicts, &r.Status, &errText, &r.Warnings, &r.LastOK); err != nil {
			return nil, fmt.Errorf("cannot read collector runs: %w", err)
		}
		r.Duration = time.Duration(ms) * time.Millisecond
		if r.LastOK.Unix() <= 0 { // maxIf over no successful run gives the epoch
			r.LastOK = time.Time{}
		}
		if errText != nil {
			r.Error = *errText
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
