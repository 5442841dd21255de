package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/queries"
)

// What started a run (report_runs.trigger).
const (
	TriggerSchedule = "schedule"
	TriggerCatchUp  = "catch-up" // a slot missed while imscope was down, run at start
	TriggerMissed   = "missed"   // the same with catch-up off: recorded, not run
	TriggerManual   = "manual"   // imscope report run, or the dashboard's "run now"
)

// A run's status (report_runs.status).
const (
	StatusRunning = "running"
	StatusOK      = "ok"
	StatusPartial = "partial" // rendered and written, but a destination failed
	StatusFailed  = "failed"  // not rendered or not written
	StatusMissed  = "missed"
)

// lateAfter is how long after its slot a scheduled run may start before it
// is recorded as late (a catch-up run always is).
const lateAfter = time.Minute

// ErrRunning is returned for a run asked for while the same report runs.
var ErrRunning = errors.New("the report is already running")

// Options configure a Service.
type Options struct {
	Engine   queries.Engine
	Renderer Renderer
	// Targets are the configured destinations by name; each report names
	// the ones it is delivered to.
	Targets map[string]notify.Target
	// Dir is the root of the report directories: each run is written to
	// Dir/NAME/SLOT-ID/.
	Dir string
	// PublicURL is the dashboard's address as readers reach it; links in
	// messages are PublicURL/reports/runs/RUN_ID/FILE. Empty: no links.
	PublicURL string
	// Timeout bounds rendering one run (default 10m).
	Timeout time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}

// Service runs the configured reports: on schedule (Jobs), at start for
// slots missed (CatchUp) and on demand (Run).
type Service struct {
	defs   []Definition
	byName map[string]*Definition
	locks  map[string]*sync.Mutex
	opts   Options
}

// New checks that every destination a report names is configured.
func New(defs []Definition, opts Options) (*Service, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Minute
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil || opts.Dir == "" {
		return nil, fmt.Errorf("reports: a report directory is required")
	}
	opts.Dir = dir
	s := &Service{defs: defs, byName: map[string]*Definition{}, locks: map[string]*sync.Mutex{}, opts: opts}
	for i := range s.defs {
		d := &s.defs[i]
		if _, dup := s.byName[d.Name]; dup {
			return nil, fmt.Errorf("report %s is defined twice", d.Name)
		}
		for _, name := range d.Destinations {
			if _, ok := opts.Targets[name]; !ok {
				return nil, fmt.Errorf("report %s: no destination named %q", d.Name, name)
			}
		}
		if d.Location == nil {
			d.Location = time.Local
		}
		s.byName[d.Name] = d
		s.locks[d.Name] = &sync.Mutex{}
	}
	return s, nil
}

// Definitions returns the configured reports.
func (s *Service) Definitions() []Definition { return s.defs }

// Next returns when report name runs next on schedule (zero: never).
func (s *Service) Next(name string) time.Time {
	d, ok := s.byName[name]
	if !ok || d.Schedule == nil {
		return time.Time{}
	}
	return d.Schedule.Next(s.opts.Now())
}

// Request is what one run is asked to do.
type Request struct {
	Trigger string // default TriggerManual
	// Slot is the schedule slot the run is for; zero means now.
	Slot time.Time
	// Periods overrides the periods covered (default: the last full period
	// before Slot, in the report's zone).
	Periods *Periods
	// Dir writes the files into this directory instead of the report
	// directory (imscope report run --out); retention never deletes them.
	Dir string
	// NoDelivery renders and writes without sending to the destinations.
	NoDelivery bool
}

// Run runs report name now and returns its record. The run is recorded
// even when it fails; the error is then also returned.
func (s *Service) Run(ctx context.Context, name string, req Request) (queries.ReportRun, error) {
	def, ok := s.byName[name]
	if !ok {
		return queries.ReportRun{}, &imscope.InvalidError{Param: "report", Message: fmt.Sprintf("no report named %q is configured", name)}
	}
	lock := s.locks[name]
	if !lock.TryLock() {
		return queries.ReportRun{}, fmt.Errorf("report %s: %w", name, ErrRunning)
	}
	defer lock.Unlock()

	now := s.opts.Now()
	if req.Trigger == "" {
		req.Trigger = TriggerManual
	}
	if req.Slot.IsZero() {
		req.Slot = now
	}
	p := LastFull(def.Granularity, req.Slot, def.Location)
	if req.Periods != nil {
		p = *req.Periods
	}
	run := queries.ReportRun{
		RunID: uuid.NewString(), Report: name, Trigger: req.Trigger, ScheduledFor: req.Slot, StartedAt: now,
		Granularity: string(p.Current.Granularity), PeriodLabel: p.Current.Label, PeriodFrom: p.Current.From, PeriodTo: p.Current.To,
		TimeZone: def.Location.String(), Status: StatusRunning,
		Late: req.Trigger == TriggerCatchUp || (req.Trigger == TriggerSchedule && now.Sub(req.Slot) > lateAfter),
	}
	log := s.opts.Logger.With("report", name, "run", run.RunID, "period", p.Current.Label)
	if err := queries.InsertReportRun(ctx, s.opts.Engine, run); err != nil {
		return run, fmt.Errorf("report %s: cannot record the run: %w", name, err)
	}
	log.Info("report run started", "trigger", req.Trigger, "slot", req.Slot, "late", run.Late)
	err := s.produce(ctx, def, p, req, &run, log)
	if err != nil {
		run.Status, run.Error = StatusFailed, err.Error()
	}
	run.FinishedAt = s.opts.Now()
	// The outcome is recorded even when ctx ended (a shutdown mid-run).
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if rerr := queries.InsertReportRun(rctx, s.opts.Engine, run); rerr != nil {
		log.Error("cannot record the report run's outcome", "err", rerr)
		err = errors.Join(err, rerr)
	}
	if err != nil {
		log.Error("report run failed", "err", err)
		return run, fmt.Errorf("report %s: %w", name, err)
	}
	log.Info("report run finished", "status", run.Status, "files", len(run.Files), "duration", run.FinishedAt.Sub(run.StartedAt))
	if rerr := s.applyRetention(rctx, def); rerr != nil {
		log.Warn("report retention", "err", rerr)
	}
	return run, nil
}

// produce renders, writes and delivers one run, filling in run.
func (s *Service) produce(ctx context.Context, def *Definition, p Periods, req Request, run *queries.ReportRun, log *slog.Logger) error {
	out, err := s.render(ctx, *def, p)
	if err != nil {
		return err
	}
	if out.PDF == nil {
		note := "no PDF"
		if out.PDFNote != "" {
			note += ": " + out.PDFNote
		}
		run.Notes = append(run.Notes, note)
	}
	msg := s.message(def, run, p, out)
	dir, local := s.opts.Dir, *msg
	if req.Dir != "" {
		dir, local.Folder = req.Dir, ""
	}
	files, err := notify.NewDirectory("report directory", dir).Write(ctx, &local)
	run.Files = files
	if err != nil {
		return fmt.Errorf("cannot write the report's files: %w", err)
	}
	s.addLinks(msg, run)
	if req.NoDelivery || len(def.Destinations) == 0 {
		run.Status = StatusOK
		return nil
	}
	targets := make([]notify.Target, len(def.Destinations))
	for i, name := range def.Destinations {
		targets[i] = s.opts.Targets[name]
	}
	run.Status = StatusOK
	for _, r := range notify.Deliver(ctx, targets, msg, log) {
		d := queries.ReportDelivery{Destination: r.Destination, Kind: r.Kind, Status: "ok", Attempts: r.Attempts}
		if r.Err != nil {
			d.Status, d.Error = "failed", r.Err.Error()
			run.Status = StatusPartial
		}
		run.Deliveries = append(run.Deliveries, d)
	}
	return nil
}

// render calls the renderer under the run's timeout; a panic is a failed run.
func (s *Service) render(ctx context.Context, def Definition, p Periods) (out *Output, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the renderer panicked: %v", r)
		}
	}()
	if s.opts.Renderer == nil {
		return nil, errors.New("no report renderer is configured")
	}
	out, err = s.opts.Renderer.Render(ctx, def, p)
	switch {
	case err != nil:
		return nil, fmt.Errorf("cannot render: %w", err)
	case out == nil || len(out.HTML) == 0:
		return nil, errors.New("cannot render: the renderer made no HTML")
	}
	return out, nil
}

// recordMissed records a slot missed while imscope was down, for a report
// with catch-up off, so the Reports page shows the gap and it is not
// reported again at the next start.
func (s *Service) recordMissed(ctx context.Context, def *Definition, slot time.Time) error {
	p := LastFull(def.Granularity, slot, def.Location)
	now := s.opts.Now()
	return queries.InsertReportRun(ctx, s.opts.Engine, queries.ReportRun{
		RunID: uuid.NewString(), Report: def.Name, Trigger: TriggerMissed, ScheduledFor: slot, StartedAt: now, FinishedAt: now,
		Granularity: string(p.Current.Granularity), PeriodLabel: p.Current.Label, PeriodFrom: p.Current.From, PeriodTo: p.Current.To,
		TimeZone: def.Location.String(), Status: StatusMissed, Late: true,
		Notes: []string{"missed while imscope was not running; catch_up is off"},
	})
}
