package report

import (
	"context"
	"encoding/json"
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
	// StatusInterrupted is a run a shutdown stopped before it was written
	// and delivered everywhere; the next start resumes it (Resume).
	StatusInterrupted = "interrupted"
)

// A delivery's status (report_runs.delivery_status).
const (
	DeliveryOK          = "ok"
	DeliveryFailed      = "failed"      // gave up: not sent again
	DeliveryPending     = "pending"     // not tried yet
	DeliveryInterrupted = "interrupted" // stopped by a shutdown
)

// lateAfter is how long after its slot a scheduled run may start before it
// is recorded as late (a catch-up run always is).
const lateAfter = time.Minute

// ErrRunning is returned for a run asked for while the same report runs.
var ErrRunning = errors.New("the report is already running")

// ErrInterrupted is returned for a run a shutdown stopped; it is recorded
// as interrupted and resumed at the next start.
var ErrInterrupted = errors.New("interrupted by shutdown; the run resumes at the next start")

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
	// Alone says that no other process runs this database's reports (the
	// embedded engine: its process holds the data directory), so a run
	// recorded as running at start was left by a process that stopped
	// without shutting down (killed, out of memory, power lost): Resume
	// takes up a scheduled one and records a manual one failed.
	Alone bool
}

// Service runs the configured reports: on schedule (Jobs), at start for
// slots missed (CatchUp) and on demand (Run).
type Service struct {
	defs   []Definition
	byName map[string]*Definition
	locks  map[string]*sync.Mutex
	opts   Options
	// started is when this Service was made: a run started before it and
	// still recorded as running is not this process's (Options.Alone).
	started time.Time
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
	s := &Service{defs: defs, byName: map[string]*Definition{}, locks: map[string]*sync.Mutex{}, opts: opts, started: opts.Now()}
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
	// A run into --out, or without delivery, is the user's at the command
	// line: it is not resumed by another process.
	return s.finish(ctx, def, &run, req.Dir == "" && !req.NoDelivery, err, log)
}

// finish records the outcome of a run and applies retention. A run that a
// shutdown stopped (ctx cancelled) before it was written or delivered
// everywhere is recorded as interrupted when it can be resumed.
func (s *Service) finish(ctx context.Context, def *Definition, run *queries.ReportRun, resumable bool, err error, log *slog.Logger) (queries.ReportRun, error) {
	stopped := errors.Is(ctx.Err(), context.Canceled)
	switch {
	case stopped && resumable && (err != nil || undelivered(run.Deliveries)):
		run.Status, run.Error = StatusInterrupted, ErrInterrupted.Error()
		if err != nil {
			run.Error += " (" + err.Error() + ")"
		}
		err = ErrInterrupted
	case err != nil:
		run.Status, run.Error = StatusFailed, err.Error()
	default:
		run.Status, run.Error = StatusOK, ""
		for _, d := range run.Deliveries {
			if d.Status != DeliveryOK {
				run.Status = StatusPartial
			}
		}
	}
	run.FinishedAt = s.opts.Now()
	// The outcome is recorded even when ctx ended (a shutdown mid-run).
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if rerr := queries.InsertReportRun(rctx, s.opts.Engine, *run); rerr != nil {
		log.Error("cannot record the report run's outcome", "err", rerr)
		err = errors.Join(err, rerr)
	}
	switch {
	case errors.Is(err, ErrInterrupted):
		log.Warn("report run interrupted by shutdown; it resumes at the next start", "files", len(run.Files), "pending", pending(run.Deliveries))
		return *run, fmt.Errorf("report %s: %w", run.Report, err)
	case err != nil:
		log.Error("report run failed", "err", err)
		return *run, fmt.Errorf("report %s: %w", run.Report, err)
	}
	log.Info("report run finished", "status", run.Status, "files", len(run.Files), "resumed", run.Resumed, "duration", run.FinishedAt.Sub(run.StartedAt))
	if rerr := s.applyRetention(rctx, def); rerr != nil {
		log.Warn("report retention", "err", rerr)
	}
	return *run, nil
}

// produce renders, writes and delivers one run, filling in run.
func (s *Service) produce(ctx context.Context, def *Definition, p Periods, req Request, run *queries.ReportRun, log *slog.Logger) error {
	msg, err := s.write(ctx, def, p, req.Dir, run)
	if err != nil || req.NoDelivery {
		return err
	}
	s.deliver(ctx, def, run, msg, log)
	return nil
}

// write renders the run and writes its files to dir ("": the report
// directory, in the run's own folder), filling in the run's files, notes,
// summary and facts; it returns the message to deliver.
func (s *Service) write(ctx context.Context, def *Definition, p Periods, dir string, run *queries.ReportRun) (*notify.Message, error) {
	out, err := s.render(ctx, *def, p)
	if err != nil {
		return nil, err
	}
	run.Notes = nil
	if out.PDF == nil {
		note := "no PDF"
		if out.PDFNote != "" {
			note += ": " + out.PDFNote
		}
		run.Notes = append(run.Notes, note)
	}
	run.Summary, run.Facts = out.Summary, ""
	if out.Data != nil {
		b, err := json.Marshal(out.Data)
		if err != nil {
			return nil, fmt.Errorf("cannot encode the report's facts: %w", err)
		}
		run.Facts = string(b)
	}
	msg := s.message(def, run, p, out)
	root, local := s.opts.Dir, *msg
	if dir != "" {
		root, local.Folder = dir, ""
	}
	files, err := notify.NewDirectory("report directory", root).Write(ctx, &local)
	run.Files = files
	if err != nil {
		return nil, fmt.Errorf("cannot write the report's files: %w", err)
	}
	s.addLinks(msg, run)
	return msg, nil
}

// deliver sends msg to each of the report's destinations that has not had
// it (pending, or interrupted by a shutdown), all at once, and records each
// outcome in run. The run is recorded first with its files and its
// destinations pending, so that a shutdown from here on resumes it without
// rendering again. The message's id is the run's: a resumed delivery
// carries the id of the one it resumes.
func (s *Service) deliver(ctx context.Context, def *Definition, run *queries.ReportRun, msg *notify.Message, log *slog.Logger) {
	index := map[string]int{}
	for i, d := range run.Deliveries {
		index[d.Destination] = i
	}
	var targets []notify.Target
	var at []int
	for _, name := range def.Destinations {
		t := s.opts.Targets[name]
		i, ok := index[name]
		if !ok {
			i = len(run.Deliveries)
			run.Deliveries = append(run.Deliveries, queries.ReportDelivery{Destination: name, Kind: t.Destination.Kind(), Status: DeliveryPending})
		}
		if st := run.Deliveries[i].Status; st == DeliveryPending || st == DeliveryInterrupted {
			targets, at = append(targets, t), append(at, i)
		}
	}
	if len(targets) == 0 {
		return
	}
	if err := queries.InsertReportRun(ctx, s.opts.Engine, *run); err != nil {
		log.Warn("cannot record the report run before delivering it", "err", err)
	}
	for k, r := range notify.Deliver(ctx, targets, msg, log) {
		d := &run.Deliveries[at[k]]
		d.Kind, d.Attempts = r.Kind, d.Attempts+r.Attempts
		switch {
		case r.Err == nil:
			d.Status, d.Error = DeliveryOK, ""
		case r.Interrupted:
			d.Status, d.Error = DeliveryInterrupted, r.Err.Error()
		default:
			d.Status, d.Error = DeliveryFailed, r.Err.Error()
		}
	}
}

// undelivered reports whether a destination still waits for the run.
func undelivered(ds []queries.ReportDelivery) bool { return len(pending(ds)) > 0 }

// pending names the destinations that still wait for the run.
func pending(ds []queries.ReportDelivery) []string {
	var out []string
	for _, d := range ds {
		if d.Status == DeliveryPending || d.Status == DeliveryInterrupted {
			out = append(out, d.Destination)
		}
	}
	return out
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
