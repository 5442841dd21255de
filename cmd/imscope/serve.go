package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/queries"
)

// shutdownGrace is how long in-flight requests get after Ctrl-C or SIGTERM.
const shutdownGrace = 5 * time.Second

func cmdServe(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	fs.String("listen", "", "address to serve on (default :8080; IMSCOPE_LISTEN)")
	demo := fs.Bool("demo", false, "load the demo market on first start and keep its bridges live")
	cacheTTL := fs.Duration("api-cache-ttl", dashboard.DefaultCacheTTL, "how long API answers are reused (0 turns the cache off)")
	if err := env.parse("serve", fs, &f, args); err != nil {
		return err
	}
	log := env.log
	built, err := buildCollectors(env.cfg, env.getenv, log)
	if err != nil {
		return err
	}
	p, err := openPipeline(ctx, env)
	if err != nil {
		return err
	}
	defer p.Close()
	e := p.engine
	built.useEngine(e)

	sched := collector.NewScheduler(p.runner, time.Local, log)
	for _, c := range built.list {
		if err := sched.Add(ctx, c); err != nil {
			return err
		}
	}
	sched.Every(30*time.Second, func() { _ = p.writer.Replay(ctx) })
	var alertStates dashboard.AlertStates
	if rules := env.cfg.Alerts.Rules; len(rules) > 0 {
		alerts := analytics.NewAlertRunner(e, rules, analytics.AlertRunnerOptions{
			Collectors: collectorIntervals(env.cfg.Collectors, time.Now()), Logger: log,
		})
		sched.Every(env.cfg.Alerts.Interval, func() {
			if _, err := alerts.Run(ctx); err != nil {
				log.Warn("alert evaluation", "err", err)
			}
		})
		alertStates = alerts
	}
	auth, err := env.cfg.Dashboard.auth(env.getenv)
	if err != nil {
		return err
	}
	proxies, err := dashboard.ParseTrustedProxies(env.cfg.Dashboard.TrustedProxies)
	if err != nil {
		return fmt.Errorf("dashboard.trusted_proxies: %w", err)
	}
	ttl := *cacheTTL
	if ttl <= 0 {
		ttl = -1 // dashboard.Options: negative is off, 0 the default
	}
	dopts := dashboard.Options{
		Engine: e, Networks: env.cfg.NetworkCatalog(), Version: buildVersion(), Logger: log,
		Metrics: promhttp.HandlerFor(p.registry, promhttp.HandlerOpts{}), Push: built.receivers,
		Collectors: serveSchedule{sched: sched, spool: p.spool},
		RunCollector: func(ctx context.Context, name string) (dashboard.CollectorRun, error) {
			run, err := sched.RunNow(ctx, name)
			return dashboard.CollectorRun{Status: run.Status, Rows: run.Rows, Duration: run.Duration, Error: run.Error}, err
		},
		Alerts: alertStates, AlertRules: env.cfg.Alerts.Rules,
		CacheTTL: ttl, Auth: auth, TrustedProxies: proxies, FrameAncestors: env.cfg.Dashboard.FrameAncestors, BridgesRefresh: env.cfg.Dashboard.refresh(),
	}
	// Scheduled reports and alert delivery (report.go): reports draw the
	// dashboard's own sections, so they take its options; the service is
	// for the dashboard's Reports page.
	svc, err := scheduleDelivery(ctx, env, dopts, sched)
	if err != nil {
		return err
	}
	if svc != nil { // a nil *report.Service in the interface would not be nil
		dopts.Reports, dopts.ReportDir = svc, env.cfg.reportsDir()
	}
	if *demo {
		if err := startDemo(ctx, p, sched, log); err != nil {
			return err
		}
	}
	sched.Start()
	defer func() { <-sched.Stop().Done() }()

	ln, err := net.Listen("tcp", env.cfg.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", env.cfg.Listen, err)
	}
	handler, err := dashboard.New(dopts)
	if err != nil {
		return err
	}
	srv := env.cfg.Dashboard.HTTP.server(handler)
	url := "http://" + displayAddr(ln.Addr())
	log.Info("imscope is serving", "url", url, "engine", e.Kind(), "config", env.cfg)
	fmt.Fprintf(env.stdout, "imscope listening on %s\n", url)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("http server stopped: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// Push receivers hold the traffic of intervals still open; store it.
	for _, r := range built.flushers {
		if err := r.Flush(sctx, p.writer.Add); err != nil {
			log.Warn("cannot store pushed traffic at shutdown", "err", err)
		}
	}
	if err := p.writer.Flush(sctx); err != nil {
		log.Warn("cannot store buffered rows at shutdown", "err", err)
	}
	return nil
}

// serveSchedule shows the dashboard the scheduler's collectors and the
// spool's depth.
type serveSchedule struct {
	sched *collector.Scheduler
	spool *collector.Spool
}

func (s serveSchedule) Scheduled() []dashboard.ScheduledCollector {
	var out []dashboard.ScheduledCollector
	for _, c := range s.sched.Collectors() {
		out = append(out, dashboard.ScheduledCollector{Name: c.Name, Kind: c.Kind, Target: c.Target, Schedule: c.Schedule, Next: s.sched.Next(c.Name)})
	}
	return out
}

func (s serveSchedule) SpoolDepth() (segments int, bytes int64) { return s.spool.Depth() }

// displayAddr turns a wildcard listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return fmt.Sprintf("localhost:%d", tcp.Port)
}

// startDemo loads the demo history in the background the first time (the
// server answers meanwhile) and schedules the simulator's live traffic.
// Live traffic resumes after the latest minute stored (the end of the
// history on a first start), reaching back up to two days, and its first
// run is at once: the Bridges page has recent traffic as soon as it opens,
// and a restart neither repeats nor skips a minute.
func startDemo(ctx context.Context, p *pipeline, sched *collector.Scheduler, log *slog.Logger) error {
	live, err := simulate.New("demo", simulate.Config{TrafficOnlyLive: true}, simulate.Options{Logger: log})
	if err != nil {
		return err
	}
	if err := sched.Add(ctx, collector.Collector{Name: "demo-live", Kind: "simulate", Target: "demo market", Schedule: "@every 1m", Timeout: time.Minute, Source: live}); err != nil {
		return err
	}
	resume := func() {
		latest, err := queries.LatestBridgeTraffic(ctx, p.engine, simulate.DefaultSource)
		if err != nil {
			log.Warn("live demo starts from now", "err", err)
			return
		}
		live.ResumeAfter(latest)
	}
	loaded := demoLoaded(ctx, p.engine)
	if loaded {
		resume()
	}
	go func() {
		if !loaded {
			log.Info("loading the demo market (first start only)")
			// The run logs its own outcome and is recorded in collector_runs.
			if _, err := loadDemo(ctx, p, simulate.Config{}, log); err != nil {
				log.Error("cannot load the demo market", "err", err)
				return
			}
			resume()
		}
		if _, err := sched.RunNow(ctx, "demo-live"); err != nil && ctx.Err() == nil {
			log.Warn("live demo", "err", err)
		}
	}()
	return nil
}
