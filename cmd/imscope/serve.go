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

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/guard"
)

// shutdownGrace is how long in-flight requests get after Ctrl-C or SIGTERM.
const shutdownGrace = 5 * time.Second

func cmdServe(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	fs.String("listen", "", "address to serve on (default :8080; IMSCOPE_LISTEN)")
	demo := fs.Bool("demo", false, "load the demo market on first start and keep its bridges live")
	cacheTTL := fs.Duration("api-cache-ttl", api.DefaultCacheTTL, "how long API answers are reused (0 turns the cache off)")
	if err := env.parse("serve", fs, &f, args); err != nil {
		return err
	}
	log := env.log
	built, err := buildCollectors(env.cfg, env.getenv, log)
	if err != nil {
		return err
	}
	if err := notServedYet(env.cfg); err != nil {
		return err
	}
	// Take the port before the engine: a busy port fails at once, before
	// any migration touches the data directory. Connections wait in the
	// backlog until the server starts below.
	ln, err := net.Listen("tcp", env.cfg.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (choose another address with --listen or IMSCOPE_LISTEN)", env.cfg.Listen, err)
	}
	defer ln.Close() // already closed by the server once it ran; not before
	p, err := openPipeline(ctx, env)
	if err != nil {
		return err
	}
	defer p.Close()
	e := p.engine
	built.useEngine(e)

	// One scheduler runs everything: collectors, spool replay, alerts and
	// reports, each under the same guards, and Stop waits for them all.
	sched := schedule.New(log)
	collectors := collector.NewScheduler(p.runner, sched)
	for _, c := range built.list {
		if err := collectors.Add(ctx, c); err != nil {
			return err
		}
	}
	sched.Every(30*time.Second, func() { _ = p.writer.Replay(ctx) })
	var alertStates api.AlertStates
	if rules := env.cfg.Alerts.Rules; len(rules) > 0 {
		alerts := alerting.NewRunner(e, rules, alerting.RunnerOptions{
			Collectors: collectorIntervals(env.cfg.Collectors, time.Now()), Logger: log,
		})
		sched.Every(env.cfg.Alerts.Interval, func() {
			if _, err := alerts.Run(ctx); err != nil {
				log.Warn("alert evaluation", "err", err)
			}
		})
		alertStates = alerts
	}
	dopts, err := serveOptions(env, p, built, collectors, *cacheTTL)
	if err != nil {
		return err
	}
	dopts.Alerts = alertStates
	stopImports, err := serveImports(ctx, env, p, &dopts.Options)
	if err != nil {
		return err
	}
	defer stopImports() // before the engine closes
	url := "http://" + displayAddr(ln.Addr())
	dopts.Host = hostFor(env, p, url)
	// Scheduled reports and alert delivery (report.go): reports draw the
	// dashboard's own sections, so they take its options; the service is
	// for the dashboard's Reports page.
	svc, err := scheduleDelivery(ctx, env, dopts.Options, sched)
	if err != nil {
		return err
	}
	if svc != nil { // a nil *report.Service in the interface would not be nil
		dopts.Reports, dopts.ReportDir = svc.ForAPI(), env.cfg.reportsDir()
	}
	if *demo {
		if err := simulate.ServeDemo(ctx, p.engine, p.runner, collectors, log); err != nil {
			return err
		}
	}
	sched.Start()
	defer func() { <-sched.Stop().Done() }()

	handler, err := dashboard.New(dopts)
	if err != nil {
		return err
	}
	defer handler.Close() // before the engine closes: no cache refresh queries it after
	p.landed.tell(handler.Invalidate)
	srv := env.cfg.Dashboard.HTTP.server(handler)
	srv.ConnContext = connContext
	listeners := []net.Listener{ln}
	if sock := openSocket(env.cfg, log); sock != nil {
		listeners = append(listeners, sock)
	}
	log.Info("imscope is serving", "url", url, "engine", e.Kind(), "config", env.cfg)
	fmt.Fprintf(env.stdout, "imscope listening on %s\n", url)
	return serveUntilDone(ctx, srv, listeners, log, func(ctx context.Context) { storeAtShutdown(ctx, built, p, log) })
}

// serveOptions are the dashboard's options in serve (alert states aside):
// the engine and catalog, the collectors on the scheduler, and the
// dashboard section of the configuration. cacheTTL is --api-cache-ttl.
func serveOptions(env *environment, p *pipeline, built *builtCollectors, collectors *collector.Scheduler, cacheTTL time.Duration) (dashboard.Options, error) {
	auth, err := env.cfg.Dashboard.auth(env.getenv)
	if err != nil {
		return dashboard.Options{}, err
	}
	proxies, err := guard.ParseTrustedProxies(env.cfg.Dashboard.TrustedProxies)
	if err != nil {
		return dashboard.Options{}, fmt.Errorf("dashboard.trusted_proxies: %w", err)
	}
	if cacheTTL <= 0 {
		cacheTTL = -1 // dashboard.Options: negative is off, 0 the default
	}
	return dashboard.Options{
		Options: api.Options{
			Engine: p.engine, Networks: env.cfg.NetworkCatalog(), Version: buildVersion(), Logger: env.log,
			Collectors: collectorBoard{collectors: collectors.Collectors, next: collectors.Next, spool: p.spool.Depth},
			RunCollector: func(ctx context.Context, name string) (api.CollectorRun, error) {
				run, err := collectors.RunNow(ctx, name)
				return api.CollectorRun{Status: run.Status, Rows: run.Rows, Duration: run.Duration, Error: run.Error, Detail: run}, err
			},
			AlertRules: env.cfg.Alerts.Rules, CacheTTL: cacheTTL,
		},
		Metrics: promhttp.HandlerFor(p.registry, promhttp.HandlerOpts{}), Push: built.receivers,
		Auth: auth, TrustedProxies: proxies, FrameAncestors: env.cfg.Dashboard.FrameAncestors, BridgesRefresh: env.cfg.Dashboard.refresh(),
	}, nil
}

// serveUntilDone serves srv on every listener (the TCP port, the Unix
// socket) until ctx is done (Ctrl-C, SIGTERM), then gives requests in
// flight shutdownGrace to finish and drain what is left of it to store
// what is held in memory.
func serveUntilDone(ctx context.Context, srv *http.Server, lns []net.Listener, log *slog.Logger, drain func(context.Context)) error {
	served := make(chan error, len(lns))
	for _, ln := range lns {
		go func() { served <- srv.Serve(ln) }()
	}
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
	for range lns {
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	drain(sctx)
	return nil
}

// storeAtShutdown stores the rows held in memory: the traffic of intervals
// push receivers still hold open, then the writer's buffer.
func storeAtShutdown(ctx context.Context, built *builtCollectors, p *pipeline, log *slog.Logger) {
	for _, r := range built.flushers {
		if err := r.Flush(ctx, p.writer.Add); err != nil {
			log.Warn("cannot store pushed traffic at shutdown", "err", err)
		}
	}
	if err := p.writer.Flush(ctx); err != nil {
		log.Warn("cannot store buffered rows at shutdown", "err", err)
	}
}

// displayAddr turns a wildcard listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return fmt.Sprintf("localhost:%d", tcp.Port)
}
