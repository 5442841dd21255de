package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/queries"
)

// Resume takes up the runs a shutdown interrupted (status interrupted),
// oldest slot first: a run whose files were written delivers them as they
// are, one whose files were not renders again into the same folder; either
// is then sent only to the destinations that have not had it, with the
// run's own id as the delivery id, so a receiver that got it just before
// the shutdown can tell the repeat. The run keeps its id, slot, trigger
// and period and counts the resumption (resumed). Runs of reports no
// longer configured are left as they are. A failing resumption is logged
// and does not stop the others.
func (s *Service) Resume(ctx context.Context) error {
	runs, err := queries.InterruptedReportRuns(ctx, s.opts.Engine, s.opts.Alone, s.started)
	if err != nil {
		return err
	}
	var errs []error
	for _, run := range runs {
		if ctx.Err() != nil {
			break
		}
		def, ok := s.byName[run.Report]
		if !ok {
			s.opts.Logger.Warn("an interrupted report run is not resumed: the report is no longer configured", "report", run.Report, "run", run.RunID)
			continue
		}
		if run.Status == StatusRunning && !s.crashed(ctx, run) {
			continue
		}
		if _, err := s.resume(ctx, def, run); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// crashed handles a run its process left running (Options.Alone) and says
// whether to resume it. A scheduled or catch-up run is resumed: its slot is
// on record, so catch-up would not run it again. A manual run is recorded
// failed instead — whether it was to be delivered (the dashboard's "run
// now") or not (`report run --no-deliver`, `--out`) is not on record.
func (s *Service) crashed(ctx context.Context, run queries.ReportRun) bool {
	log := s.opts.Logger.With("report", run.Report, "run", run.RunID, "started", run.StartedAt)
	if run.Trigger != TriggerManual {
		log.Warn("a report run was left running by a process that stopped without shutting down (killed, out of memory, power lost); resuming it")
		return true
	}
	run.Status, run.Error, run.FinishedAt = StatusFailed, errCrashed, s.opts.Now()
	if err := queries.InsertReportRun(ctx, s.opts.Engine, run); err != nil {
		log.Error("cannot record the report run's outcome", "err", err)
		return false
	}
	log.Warn("a manual report run was left running by a process that stopped without shutting down; recorded as failed (run it again)")
	return false
}

// errCrashed is the error of a manual run its process left running.
const errCrashed = "the process running it stopped without shutting down (killed, out of memory, power lost); run it again"

// resume runs one interrupted run again under its report's lock.
func (s *Service) resume(ctx context.Context, def *Definition, run queries.ReportRun) (queries.ReportRun, error) {
	lock := s.locks[def.Name]
	if !lock.TryLock() {
		return run, fmt.Errorf("report %s: %w", def.Name, ErrRunning)
	}
	defer lock.Unlock()
	run.Resumed++
	run.Status, run.Error, run.FinishedAt = StatusRunning, "", time.Time{}
	log := s.opts.Logger.With("report", def.Name, "run", run.RunID, "period", run.PeriodLabel)
	if err := queries.InsertReportRun(ctx, s.opts.Engine, run); err != nil {
		return run, fmt.Errorf("report %s: cannot record the run: %w", def.Name, err)
	}
	log.Info("resuming a report run interrupted by shutdown", "slot", run.ScheduledFor, "resumed", run.Resumed, "pending", pending(run.Deliveries))
	p, err := runPeriods(def, run)
	if err == nil {
		var msg *notify.Message
		msg, err = s.written(def, &run, p)
		if msg == nil && err == nil {
			log.Info("the interrupted run's files are incomplete; rendering it again")
			msg, err = s.write(ctx, def, p, "", &run)
		}
		if err == nil {
			s.deliver(ctx, def, &run, msg, log)
		}
	}
	return s.finish(ctx, def, &run, true, err, log)
}

// runPeriods are the periods a recorded run covers, in its zone.
func runPeriods(def *Definition, run queries.ReportRun) (Periods, error) {
	loc := def.Location
	if run.TimeZone != loc.String() {
		if l, err := time.LoadLocation(run.TimeZone); err == nil {
			loc = l
		}
	}
	p, err := ParsePeriod(run.PeriodLabel, loc)
	if err != nil {
		return p, fmt.Errorf("cannot resume: %w", err)
	}
	return p, nil
}

// written rebuilds the message of a run whose files are all in place (its
// folder is renamed into place whole, so they are complete), from those
// files and the summary and facts on record; nil when they are not there.
func (s *Service) written(def *Definition, run *queries.ReportRun, p Periods) (*notify.Message, error) {
	if len(run.Files) == 0 {
		return nil, nil
	}
	out := &Output{Summary: run.Summary}
	if run.Facts != "" {
		out.Data = json.RawMessage(run.Facts)
	}
	for _, f := range run.Files {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		} else if err != nil {
			return nil, fmt.Errorf("cannot read the report's files: %w", err)
		}
		switch strings.ToLower(filepath.Ext(f)) {
		case ".html":
			out.HTML = b
		case ".pdf":
			out.PDF = b
		case ".zip":
			out.ZIP = b
		}
	}
	if len(out.HTML) == 0 {
		return nil, nil
	}
	msg := s.message(def, run, p, out)
	s.addLinks(msg, run)
	return msg, nil
}
