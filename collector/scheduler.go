package collector

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/imscope/imscope/collector/schedule"
)

// Scheduler puts collectors on a schedule.Scheduler — the one that also
// runs alerts and reports — each on its cron schedule, and runs them by
// name on demand. A collector's schedule is a schedule.Schedule, evaluated
// on its zone's wall clock: a daily CRON_TZ job runs once on the days
// clocks change, as reports do.
type Scheduler struct {
	jobs   *schedule.Scheduler
	runner *Runner

	mu      sync.Mutex
	entries map[string]schedule.ID
	byName  map[string]Collector
}

// NewScheduler returns a Scheduler that runs collectors with r on jobs;
// jobs' Start and Stop start and stop them.
func NewScheduler(r *Runner, jobs *schedule.Scheduler) *Scheduler {
	return &Scheduler{jobs: jobs, runner: r, entries: map[string]schedule.ID{}, byName: map[string]Collector{}}
}

// Add registers a collector; one without a schedule can only be run by RunNow.
func (s *Scheduler) Add(ctx context.Context, c Collector) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.byName[c.Name]; dup {
		return fmt.Errorf("collector %q is defined twice", c.Name)
	}
	if c.Schedule == "" {
		s.byName[c.Name] = c
		return nil
	}
	sc, err := scheduleOf(c)
	if err != nil {
		return fmt.Errorf("collector %s: %w", c.Name, err)
	}
	s.byName[c.Name] = c
	s.entries[c.Name] = s.jobs.Add(sc, func() { s.runner.Run(ctx, c) })
	return nil
}

// NextRun is when c runs next after t by its schedule, as a Scheduler runs
// it, for a process that runs no scheduler (a report rendered by the
// command line). Zero for a collector run only on demand, or whose
// schedule does not parse (configuration refuses it before).
func NextRun(c Collector, t time.Time) time.Time {
	if c.Schedule == "" {
		return time.Time{}
	}
	sc, err := scheduleOf(c)
	if err != nil {
		return time.Time{}
	}
	return sc.Next(t)
}

// scheduleOf is c's schedule as Add and NextRun evaluate it.
func scheduleOf(c Collector) (*schedule.Schedule, error) { return schedule.Parse(c.Schedule) }

// Next returns when a collector runs next (zero if unscheduled, or before
// the scheduler starts).
func (s *Scheduler) Next(name string) time.Time {
	s.mu.Lock()
	id, ok := s.entries[name]
	s.mu.Unlock()
	if !ok {
		return time.Time{}
	}
	return s.jobs.Next(id)
}

// Collectors lists the registered collectors.
func (s *Scheduler) Collectors() []Collector {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Collector, 0, len(s.byName))
	for _, c := range s.byName {
		out = append(out, c)
	}
	return out
}

// RunNow runs a collector at once, outside its schedule.
func (s *Scheduler) RunNow(ctx context.Context, name string) (Run, error) {
	s.mu.Lock()
	c, ok := s.byName[name]
	s.mu.Unlock()
	if !ok {
		return Run{}, fmt.Errorf("no collector named %q", name)
	}
	return s.runner.Run(ctx, c), nil
}
