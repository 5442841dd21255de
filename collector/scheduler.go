package collector

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser accepts five fields or six with leading seconds, descriptors
// like @every 30s and @hourly, and a CRON_TZ=Zone prefix.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule checks a cron spec, naming what is wrong.
func ParseSchedule(spec string) (cron.Schedule, error) {
	// robfig/cron slices past the zone's end when nothing follows it, and panics.
	if (strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=")) && !strings.Contains(spec, " ") {
		return nil, fmt.Errorf("schedule %q: a schedule must follow the zone", spec)
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	return s, nil
}

// Scheduler runs collectors on their cron schedules. A run still going when
// its next turn comes is not started twice, and a run that panics is
// recovered and logged without stopping later runs: SkipIfStillRunning wraps
// Recover, so the skip guard is always released.
type Scheduler struct {
	cron   *cron.Cron
	runner *Runner
	log    *slog.Logger

	mu      sync.Mutex
	entries map[string]cron.EntryID
	byName  map[string]Collector
}

// NewScheduler returns a stopped scheduler; loc is the zone of specs without CRON_TZ.
func NewScheduler(r *Runner, loc *time.Location, log *slog.Logger) *Scheduler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cl := cronLogger{log}
	c := cron.New(cron.WithParser(cronParser), cron.WithLocation(loc), cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)))
	return &Scheduler{cron: c, runner: r, log: log, entries: map[string]cron.EntryID{}, byName: map[string]Collector{}}
}

// Add registers a collector; one without a schedule can only be run by RunNow.
func (s *Scheduler) Add(ctx context.Context, c Collector) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.byName[c.Name]; dup {
		return fmt.Errorf("collector %q is defined twice", c.Name)
	}
	s.byName[c.Name] = c
	if c.Schedule == "" {
		return nil
	}
	id, err := s.cron.AddFunc(c.Schedule, func() { s.runner.Run(ctx, c) })
	if err != nil {
		return fmt.Errorf("collector %s: schedule %q: %w", c.Name, c.Schedule, err)
	}
	s.entries[c.Name] = id
	return nil
}

// Every runs f on a fixed interval under the same guards (spool replay).
func (s *Scheduler) Every(d time.Duration, f func()) {
	s.cron.Schedule(cron.Every(d), cron.FuncJob(f))
}

// Schedule runs f on a schedule of the caller's making (reports' wall-clock
// schedules) under the same guards.
func (s *Scheduler) Schedule(sc cron.Schedule, f func()) {
	s.cron.Schedule(sc, cron.FuncJob(f))
}

// Start starts the scheduler.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling and returns a context done when running jobs finish.
func (s *Scheduler) Stop() context.Context { return s.cron.Stop() }

// Next returns when a collector runs next (zero if unscheduled).
func (s *Scheduler) Next(name string) time.Time {
	s.mu.Lock()
	id, ok := s.entries[name]
	s.mu.Unlock()
	if !ok {
		return time.Time{}
	}
	return s.cron.Entry(id).Next
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

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
