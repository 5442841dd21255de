package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/notify"
	"github.com/imscope/imscope/dashboard/report"
	"github.com/imscope/imscope/queries"
)

// reportRenderer makes the Renderer of scheduled and manual reports: the
// dashboard's sections, charts and CSV over the same engine and catalog,
// printed to PDF by Chromium when there is one. Tests may put their own in.
var reportRenderer = func(env *environment, opts api.Options) (report.Renderer, error) {
	return report.NewPageRenderer(opts, chromium(env.cfg.Reports.Chromium))
}

// chromium resolves reports.chromium: a path as given, "none" for no PDF,
// "" for the first of the usual names on PATH ("" when there is none: the
// runs then say so in their notes).
func chromium(setting string) string {
	switch setting {
	case "none":
		return ""
	case "":
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				return p
			}
		}
		return ""
	}
	return setting
}

// alertDeliveryTick is how often the alert notifier looks for what is due
// (at most; alerts.interval if shorter): group_wait is kept to within it.
const alertDeliveryTick = 10 * time.Second

// cmdReport is `imscope report run NAME [--period P] [--out DIR] [--no-deliver]`
// and `imscope report list`.
func cmdReport(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	period := fs.String("period", "", "the period to cover, e.g. 2026-03-01, 2026-W09, 2026-03, 2026-Q1 or 2026 (default: the last full one of the report's period)")
	out := fs.String("out", "", "write the files to this directory instead of the report directory")
	noDeliver := fs.Bool("no-deliver", false, "render and write, but send to no destination")
	remote := serverFlag(fs)
	if err := env.parseArgs("report", "run NAME | list", fs, &f, args); err != nil {
		return err
	}
	verb := ""
	if len(env.args) > 0 {
		verb = env.args[0]
	}
	switch {
	case verb == "run" && len(env.args) == 2:
	case verb == "list" && len(env.args) == 1:
	default:
		fmt.Fprintln(env.stderr, "Usage: imscope report run NAME [--period P] [--out DIR] [--no-deliver]\n       imscope report list")
		return errUsage
	}
	if srv, err := findServer(env, *remote); err != nil || srv != nil {
		if err != nil {
			return err
		}
		if verb == "list" {
			return remoteReportList(ctx, env, srv)
		}
		if *out != "" {
			return errors.New("--out writes the files where the report runs, and a running server runs it: leave --out out (the server writes to its report directory and prints where), or stop the server")
		}
		srv.announce(env, "running report "+env.args[1])
		return remoteReportRun(ctx, env, srv, env.args[1], *period, *noDeliver)
	}
	e, err := openEngine(ctx, env.cfg, env.log)
	if err != nil {
		return err
	}
	defer e.Close()
	targets, err := buildTargets(env.cfg, env.getenv)
	if err != nil {
		return err
	}
	opts, err := reportOptions(env, e)
	if err != nil {
		return err
	}
	svc, err := newReportService(env, opts, targets)
	if err != nil {
		return err
	}
	if verb == "list" {
		return listReports(ctx, env, e, svc)
	}
	name := env.args[1]
	req := report.Request{Trigger: report.TriggerManual, Dir: *out, NoDelivery: *noDeliver}
	if *period != "" {
		var loc *time.Location
		for _, d := range svc.Definitions() {
			if d.Name == name {
				loc = d.Location
			}
		}
		if loc == nil {
			return fmt.Errorf("no report named %q in the configuration", name)
		}
		p, err := report.ParsePeriod(*period, loc)
		if err != nil {
			return err
		}
		req.Periods = &p
	}
	run, err := svc.Run(ctx, name, req)
	printReportRun(env, run)
	if run.RunID != "" {
		if note := emptyPeriodNote(ctx, e, svc, run); note != "" {
			fmt.Fprintf(env.stdout, "  note: %s\n", note)
		}
	}
	if err == nil && run.Status == report.StatusPartial {
		return fmt.Errorf("report %s was written but not delivered everywhere (see above)", name)
	}
	return err
}

// emptyPeriodNote says when the period a run covered holds no usage — its
// share, concentration and multi-homing sections are then empty — and which
// periods do, in the report's granularity, so the next try can name one.
// "" when the period holds usage (or the question cannot be answered).
func emptyPeriodNote(ctx context.Context, e queries.Engine, svc *report.Service, r queries.ReportRun) string {
	span, ok, err := queries.UsageSpanOf(ctx, e, r.PeriodFrom, r.PeriodTo)
	switch {
	case err != nil || span.InRange:
		return ""
	case !ok:
		return fmt.Sprintf("%s holds no usage, nor does any period: no usage is stored yet, so the usage sections are empty; "+
			"import some (imscope import usage FILE) or load the demo market (imscope demo)", r.PeriodLabel)
	}
	for _, d := range svc.Definitions() {
		if d.Name != r.Report {
			continue
		}
		// The stored days are UTC dates; name the periods holding them on
		// the report's calendar.
		day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, d.Location) }
		first, last := report.PeriodOf(d.Granularity, day(span.First), d.Location), report.PeriodOf(d.Granularity, day(span.Last), d.Location)
		return fmt.Sprintf("%s holds no usage, so the share, concentration, migration and multi-homing sections are empty; "+
			"usage is stored from %s to %s (%s to %s): try --period %s",
			r.PeriodLabel, span.First.Format(time.DateOnly), span.Last.Format(time.DateOnly), first.Label, last.Label, last.Label)
	}
	return ""
}

func printReportRun(env *environment, r queries.ReportRun) {
	if r.RunID == "" {
		return
	}
	fmt.Fprintf(env.stdout, "%s %s: %s (run %s)\n", r.Report, r.PeriodLabel, r.Status, r.RunID)
	for _, f := range r.Files {
		fmt.Fprintf(env.stdout, "  %s\n", f)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(env.stdout, "  note: %s\n", n)
	}
	for _, d := range r.Deliveries {
		line := fmt.Sprintf("  %s (%s): %s after %d attempt(s)", d.Destination, d.Kind, d.Status, d.Attempts)
		if d.Error != "" {
			line += ": " + d.Error
		}
		fmt.Fprintln(env.stdout, line)
	}
}

func listReports(ctx context.Context, env *environment, e queries.Engine, svc *report.Service) error {
	recent, err := queries.RecentReportRuns(ctx, e, "", 1000)
	if err != nil {
		return err
	}
	for _, d := range svc.Definitions() {
		schedule, next := "on demand", ""
		if d.Schedule != nil {
			schedule, next = d.Schedule.String(), ", next "+svc.Next(d.Name).Format(time.RFC3339)
		}
		last := "never run"
		for _, r := range recent {
			if r.Report == d.Name {
				last = fmt.Sprintf("last %s %s (%s)", r.PeriodLabel, r.Status, r.StartedAt.In(d.Location).Format(time.RFC3339))
				if r.Resumed > 0 {
					last += fmt.Sprintf(", resumed after %d restart(s)", r.Resumed)
				}
				break
			}
		}
		fmt.Fprintf(env.stdout, "%s: %s, %s%s; %s\n", d.Name, d.Granularity, schedule, next, last)
	}
	return nil
}

// reportOptions are the API options of a report run outside serve:
// the catalog, the alert rules and the collectors as configured, with
// their next runs by their schedules (no scheduler runs in this process).
func reportOptions(env *environment, e queries.Engine) (api.Options, error) {
	built, err := buildCollectors(env.cfg, env.getenv, env.log)
	if err != nil {
		return api.Options{}, err
	}
	board := collectorBoard{
		collectors: func() []collector.Collector { return built.list },
		next: func(name string) time.Time {
			c, _ := built.find(name)
			return collector.NextRun(c, time.Now())
		},
		spool: func() (int, int64) { return spoolDepth(env.cfg) },
	}
	return api.Options{Engine: e, Networks: env.cfg.NetworkCatalog(), Version: buildVersion(), Logger: env.log,
		AlertRules: env.cfg.Alerts.Rules, Collectors: board}, nil
}

// newReportService resolves the configured reports; they are rendered
// with opts, the API options of the dashboard whose sections they show.
func newReportService(env *environment, opts api.Options, targets map[string]notify.Target) (*report.Service, error) {
	e := opts.Engine
	defs, err := env.cfg.reportDefinitions()
	if err != nil {
		return nil, err
	}
	if len(defs) == 0 {
		return nil, errors.New("no reports are configured (see `reports:` in imscope.example.yaml)")
	}
	r, err := reportRenderer(env, opts)
	if err != nil {
		return nil, err
	}
	return report.New(defs, report.Options{
		Engine: e, Renderer: r, Targets: targets, Dir: env.cfg.reportsDir(), PublicURL: env.cfg.PublicURL,
		Timeout: env.cfg.Reports.Timeout, Logger: env.log,
		Alone: env.cfg.EngineKind() != "server", // the embedded engine's process holds the data directory
	})
}

// scheduleDelivery puts the scheduled reports, the catch-up of slots missed
// while imscope was down, and alert delivery on serve's scheduler. It
// returns the report service for the dashboard (nil without reports). Both
// run as scheduler jobs, so stopping the scheduler waits for them before
// the engine closes.
func scheduleDelivery(ctx context.Context, env *environment, opts api.Options, sched *schedule.Scheduler) (*report.Service, error) {
	cfg, log, e := env.cfg, env.log, opts.Engine
	targets, err := buildTargets(cfg, env.getenv)
	if err != nil {
		return nil, err
	}
	if d := cfg.Alerts.Delivery; len(d.Destinations) > 0 && len(cfg.Alerts.Rules) > 0 {
		var to []notify.Target
		for _, name := range d.Destinations {
			to = append(to, targets[name])
		}
		n := alerting.NewNotifier(alerting.Options{
			Engine: e, Rules: cfg.Alerts.Rules, Targets: to, GroupBy: d.GroupBy, GroupWait: d.GroupWait,
			RepeatInterval: d.RepeatInterval, SendResolved: d.SendResolved, PublicURL: cfg.PublicURL, Logger: log,
		})
		sched.Every(min(cfg.Alerts.Interval, alertDeliveryTick), func() {
			if err := n.Tick(ctx); err != nil {
				log.Warn("alert delivery", "err", err)
			}
		})
	}
	if len(cfg.Reports.List) == 0 {
		return nil, nil
	}
	svc, err := newReportService(env, opts, targets)
	if err != nil {
		return nil, err
	}
	for _, j := range svc.Jobs(ctx) {
		sched.Add(j.Schedule, j.Run)
	}
	sched.Once(func() {
		if err := svc.CatchUp(ctx); err != nil {
			log.Warn("catching up on missed reports", "err", err)
		}
	})
	return svc, nil
}
