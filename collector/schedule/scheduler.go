package schedule

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
)

// Timing says when a job runs: the first time after t, or the zero time
// for never. *Schedule is one; robfig/cron calls it the same way.
type Timing interface {
	Next(t time.Time) time.Time
}

// ID names a job added to a Scheduler.
type ID cron.EntryID

// Scheduler runs jobs at their times. Every job runs under the same
// guards: a run still going when its next turn comes is skipped, and a
// run that panics is recovered and logged. SkipIfStillRunning wraps
// Recover, so the skip guard is released even after a panic and the job
// runs again on its next turn; the other way round it would never run
// again.
type Scheduler struct {
	cron *cron.Cron
}

// New returns a stopped scheduler that logs to log (nil: nowhere).
func New(log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := cronLogger{log}
	return &Scheduler{cron: cron.New(cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))}
}

// Add runs job at every time of t, from Start on.
func (s *Scheduler) Add(t Timing, job func()) ID {
	return ID(s.cron.Schedule(t, cron.FuncJob(job)))
}

// Every runs job every d (rounded up to a second), first d after Start.
func (s *Scheduler) Every(d time.Duration, job func()) ID {
	return s.Add(cron.Every(d), job)
}

// Once runs job a single time, as soon as the scheduler runs: for work
// that belongs on the scheduler so that Stop waits for it (catching up on
// missed reports at start).
func (s *Scheduler) Once(job func()) ID {
	return s.Add(&once{}, job)
}

// Next returns when job id runs next: zero before Start, and after its
// last run.
func (s *Scheduler) Next(id ID) time.Time { return s.cron.Entry(cron.EntryID(id)).Next }

// Start starts running jobs.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling and returns a context done when running jobs finish.
func (s *Scheduler) Stop() context.Context { return s.cron.Stop() }

// once fires a single time, as soon as the scheduler runs: cron asks for
// the next time when it starts (now) and after the run (never).
type once struct{ asked atomic.Bool }

func (o *once) Next(t time.Time) time.Time {
	if o.asked.Swap(true) {
		return time.Time{}
	}
	return t
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
