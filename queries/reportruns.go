package queries

import (
	"context"
	"fmt"
	"sync"
	"time"
)

var (
	sqlReportRunsRecent        = mustSQL("report_runs_recent.sql")
	sqlReportRunsLastScheduled = mustSQL("report_runs_last_scheduled.sql")
	sqlReportRunsDelete        = mustLayoutSQL("report_runs_delete.sql")
	sqlReportRunByID           = mustSQL("report_run_by_id.sql")
	sqlReportRunsInterrupted   = mustSQL("report_runs_interrupted.sql")
)

// ReportRun is one run of a scheduled report, as the Reports page shows it.
type ReportRun struct {
	RunID   string
	Report  string
	Trigger string // schedule, catch-up, missed (catch-up off), manual
	// ScheduledFor is the schedule slot the run is for; for a manual run,
	// when it was asked for.
	ScheduledFor time.Time
	StartedAt    time.Time
	FinishedAt   time.Time // zero while running
	Granularity  string    // day, week, month, quarter, year
	PeriodLabel  string    // 2026-W09, 2026-02...
	PeriodFrom   time.Time // the period covered, [PeriodFrom, PeriodTo)
	PeriodTo     time.Time
	TimeZone     string
	// Status is running, ok, partial (a destination failed), failed,
	// missed, or interrupted (by a shutdown; resumed at the next start).
	Status string
	Late   bool
	// Resumed is how many starts resumed the run after an interruption.
	Resumed    int
	Error      string
	Notes      []string // what the reader should know, e.g. why there is no PDF
	Files      []string // output files written
	Deliveries []ReportDelivery
	// Summary and Facts (JSON) are what the run's messages say besides
	// its files, kept so that a resumed run sends the same report.
	Summary string
	Facts   string
}

// ReportDelivery is the outcome of a run at one destination.
type ReportDelivery struct {
	Destination string
	Kind        string
	// Status is ok, failed (gave up), pending (not tried yet) or
	// interrupted (by a shutdown): the last two are sent when the run
	// resumes.
	Status   string
	Attempts int
	Error    string
}

// InsertReportRun records a version of a run: the latest one written wins.
func InsertReportRun(ctx context.Context, e Engine, r ReportRun) error {
	var finished *time.Time
	if !r.FinishedAt.IsZero() {
		finished = &r.FinishedAt
	}
	n := len(r.Deliveries)
	dest, kind, status, errs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	attempts := make([]uint16, n)
	for i, d := range r.Deliveries {
		dest[i], kind[i], status[i], errs[i] = d.Destination, d.Kind, d.Status, d.Error
		attempts[i] = uint16(min(max(d.Attempts, 0), 1<<16-1))
	}
	cols := []string{"run_id", "report", "trigger", "scheduled_for", "started_at", "finished_at", "granularity", "period_label",
		"period_from", "period_to", "time_zone", "status", "late", "error", "notes", "files",
		"delivery_destination", "delivery_kind", "delivery_status", "delivery_attempts", "delivery_error",
		"resumed", "summary", "facts", "updated_at"}
	return send(ctx, e, "report_runs", cols, 1, func(dst []any, _ int) []any {
		return append(dst, r.RunID, r.Report, r.Trigger, r.ScheduledFor, r.StartedAt, finished, r.Granularity, r.PeriodLabel,
			r.PeriodFrom, r.PeriodTo, r.TimeZone, r.Status, r.Late, r.Error, nonNil(r.Notes), nonNil(r.Files),
			dest, kind, status, attempts, errs, uint16(min(max(r.Resumed, 0), 1<<16-1)), r.Summary, r.Facts, runVersion())
	})
}

// runVersion orders the versions of a run. It is the wall clock, not the
// caller's (possibly fake) clock, and strictly increasing within the process,
// so a run's final version always replaces its first even when both are
// written in the same microsecond.
func runVersion() time.Time {
	versionMu.Lock()
	defer versionMu.Unlock()
	now := time.Now().UTC().Truncate(time.Microsecond)
	if !now.After(lastVersion) {
		now = lastVersion.Add(time.Microsecond)
	}
	lastVersion = now
	return now
}

var (
	versionMu   sync.Mutex
	lastVersion time.Time
)

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// RecentReportRuns returns the runs of report ("" for all), newest first,
// at most limit of each report.
func RecentReportRuns(ctx context.Context, e Engine, report string, limit int) ([]ReportRun, error) {
	return readReportRuns(ctx, e, sqlReportRunsRecent, Named("report", report), Named("limit", uint32(limit)))
}

// ReportRunByID returns run id; ok is false when there is no such run.
// The id must be a UUID (the caller checks it: it comes from a URL).
func ReportRunByID(ctx context.Context, e Engine, id string) (run ReportRun, ok bool, err error) {
	runs, err := readReportRuns(ctx, e, sqlReportRunByID, Named("id", id))
	if err != nil || len(runs) == 0 {
		return ReportRun{}, false, err
	}
	return runs[0], true, nil
}

// readReportRuns runs a query that selects report_runs' columns in the
// order of report_runs_recent.sql.
func readReportRuns(ctx context.Context, e Engine, query string, params ...Param) ([]ReportRun, error) {
	rows, err := e.Query(ctx, query, params...)
	if err != nil {
		return nil, fmt.Errorf("cannot read report runs: %w", err)
	}
	defer rows.Close()
	var out []ReportRun
	for rows.Next() {
		var r ReportRun
		var finished *time.Time
		var dest, kind, status, errs []string
		var attempts []uint16
		var resumed uint16
		if err := rows.Scan(&r.RunID, &r.Report, &r.Trigger, &r.ScheduledFor, &r.StartedAt, &finished, &r.Granularity, &r.PeriodLabel,
			&r.PeriodFrom, &r.PeriodTo, &r.TimeZone, &r.Status, &r.Late, &r.Error, &r.Notes, &r.Files,
			&dest, &kind, &status, &attempts, &errs, &resumed, &r.Summary, &r.Facts); err != nil {
			return nil, fmt.Errorf("cannot read report runs: %w", err)
		}
		r.Resumed = int(resumed)
		if finished != nil {
			r.FinishedAt = *finished
		}
		for i := range dest {
			if i < len(kind) && i < len(status) && i < len(attempts) && i < len(errs) {
				r.Deliveries = append(r.Deliveries, ReportDelivery{Destination: dest[i], Kind: kind[i], Status: status[i], Attempts: int(attempts[i]), Error: errs[i]})
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InterruptedReportRuns returns the runs a shutdown interrupted, oldest slot
// first; with crashed, also those recorded as running that started before
// before, which only a process holding the database alone may take as left
// behind by a crash.
func InterruptedReportRuns(ctx context.Context, e Engine, crashed bool, before time.Time) ([]ReportRun, error) {
	return readReportRuns(ctx, e, sqlReportRunsInterrupted, Named("crashed", crashed), Named("before", before))
}

// LastScheduledReportRuns returns each report's latest schedule slot on
// record, manual runs aside.
func LastScheduledReportRuns(ctx context.Context, e Engine) (map[string]time.Time, error) {
	rows, err := e.Query(ctx, sqlReportRunsLastScheduled)
	if err != nil {
		return nil, fmt.Errorf("cannot read report runs: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var name string
		var last time.Time
		if err := rows.Scan(&name, &last); err != nil {
			return nil, fmt.Errorf("cannot read report runs: %w", err)
		}
		out[name] = last
	}
	return out, rows.Err()
}

// DeleteReportRuns forgets runs of report.
func DeleteReportRuns(ctx context.Context, e Engine, report string, runIDs []string) error {
	if len(runIDs) == 0 {
		return nil
	}
	if err := sqlReportRunsDelete.exec(ctx, e, Named("report", report), Named("ids", runIDs)); err != nil {
		return fmt.Errorf("cannot delete runs of report %s: %w", report, err)
	}
	return nil
}
