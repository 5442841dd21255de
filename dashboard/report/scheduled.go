package report

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/queries"
)

// Job is one scheduled report for the scheduler: Run runs the report for
// the latest slot of Schedule that has come.
type Job struct {
	Name     string
	Schedule *schedule.Schedule
	Run      func()
}

// Jobs returns a job per scheduled report, running under ctx. Register them
// on the scheduler after calling CatchUp (or together: slots the jobs run
// are those after now, CatchUp's are those before).
func (s *Service) Jobs(ctx context.Context) []Job {
	var jobs []Job
	for i := range s.defs {
		def := &s.defs[i]
		if def.Schedule == nil {
			continue
		}
		// The scheduler does not say which slot it fires for; the job
		// finds the latest slot since the one it ran last, so a turn the
		// scheduler skipped (a run still going) is not run twice.
		var mu sync.Mutex
		last := s.opts.Now()
		run := func() {
			mu.Lock()
			now := s.opts.Now()
			slot := def.Schedule.Latest(last, now)
			if !slot.IsZero() {
				last = slot
			}
			mu.Unlock()
			if slot.IsZero() {
				return
			}
			if _, err := s.Run(ctx, def.Name, Request{Trigger: TriggerSchedule, Slot: slot}); errors.Is(err, ErrRunning) {
				s.opts.Logger.Warn("a scheduled report is still running from its previous slot; this slot is skipped", "report", def.Name, "slot", slot)
			}
		}
		jobs = append(jobs, Job{Name: def.Name, Schedule: def.Schedule, Run: run})
	}
	return jobs
}

// CatchUp first resumes the runs a shutdown interrupted (Resume), then
// looks for slots missed while imscope was not running: for each
// scheduled report, the latest slot after the latest one on record in
// report_runs. With catch-up on it is run once, as late; with it off it is
// recorded as missed. A report with no scheduled run on record has missed
// nothing that can be known. Runs happen in turn; a failing one is logged
// and does not stop the others.
func (s *Service) CatchUp(ctx context.Context) error {
	var errs []error
	if err := s.Resume(ctx); err != nil {
		errs = append(errs, err)
	}
	last, err := queries.LastScheduledReportRuns(ctx, s.opts.Engine)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	now := s.opts.Now()
	for i := range s.defs {
		def := &s.defs[i]
		prev, ok := last[def.Name]
		if def.Schedule == nil || !ok {
			continue
		}
		slot := def.Schedule.Latest(prev, now)
		if slot.IsZero() {
			continue
		}
		log := s.opts.Logger.With("report", def.Name, "slot", slot, "missed_for", now.Sub(slot).Round(time.Second))
		if !def.CatchUp {
			log.Warn("a scheduled report was missed while imscope was not running; catch_up is off")
			if err := s.recordMissed(ctx, def, slot); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		log.Info("running a scheduled report missed while imscope was not running")
		if _, err := s.Run(ctx, def.Name, Request{Trigger: TriggerCatchUp, Slot: slot}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
