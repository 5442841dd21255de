package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/queries"
)

// The commands' work sent to a running server (client.go): each asks the
// server's admin API and prints the answer as the command prints its own
// work, so a user sees the same lines, and the same exit status, whether
// the server did it or not.

// remoteCollect runs the named collectors — by default every one the
// server schedules — on the server, one after another.
func remoteCollect(ctx context.Context, env *environment, s *serverClient, names []string) error {
	if len(names) == 0 {
		var board api.CollectorsData
		if err := s.call(ctx, "GET", "/collectors", nil, nil, &board); err != nil {
			return err
		}
		for _, c := range board.Collectors {
			if c.Configured {
				names = append(names, c.Name)
			}
		}
		if len(names) == 0 {
			return fmt.Errorf("%s has no collectors configured (see `collectors:` in imscope.example.yaml)", s.where)
		}
	}
	failed := 0
	for _, name := range names {
		var res struct {
			api.CollectorRunResult
			Run *collector.Run `json:"run"`
		}
		if err := s.call(ctx, "POST", "/collectors/"+url.PathEscape(name)+"/run", nil, nil, &res); err != nil {
			return err
		}
		run := res.Run
		if run == nil { // a server that does not send the whole run
			run = &collector.Run{CollectorRun: queries.CollectorRun{Collector: name, Status: res.Status, Rows: res.Rows, Duration: time.Duration(res.DurationSeconds * float64(time.Second)), Error: res.Error}}
		}
		printRun(env.stdout, *run)
		if runFailed(*run, name) != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d collectors failed", failed, len(names))
	}
	return nil
}

// remoteDemo loads the demo market on the server.
func remoteDemo(ctx context.Context, env *environment, s *serverClient, seed int64, users int) error {
	q := url.Values{api.ParamSeed: {strconv.FormatInt(seed, 10)}}
	if users > 0 {
		q.Set(api.ParamPanelUsers, strconv.Itoa(users))
	}
	var res struct {
		Run collector.Run `json:"run"`
	}
	if err := s.call(ctx, "POST", "/demo", q, nil, &res); err != nil {
		return err
	}
	printRun(env.stdout, res.Run)
	if res.Run.Status == "error" {
		return fmt.Errorf("demo load failed")
	}
	return nil
}

// remoteMigrate says what the server did at start: it brought the schema
// up to date before it began serving.
func remoteMigrate(ctx context.Context, env *environment, s *serverClient) error {
	var info api.HostInfo
	if err := s.call(ctx, "GET", "/server", nil, nil, &info); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "schema is up to date (%d migrations, %s engine, database %s; applied by imscope serve, process %d, at its start)\n",
		info.Migrations, info.Engine, info.Database, info.PID)
	return nil
}

// remoteReportRun runs a report on the server.
func remoteReportRun(ctx context.Context, env *environment, s *serverClient, name, period string, noDeliver bool) error {
	q := url.Values{}
	if period != "" {
		q.Set(api.ParamPeriod, period)
	}
	if noDeliver {
		q.Set(api.ParamDeliver, "false")
	}
	var run api.ReportRun
	err := s.call(ctx, "POST", "/reports/"+url.PathEscape(name)+"/run", q, nil, &run)
	if err != nil && run.RunID == "" {
		return err
	}
	printReportRun(env, fromAPIRun(run, s.filesBase(ctx)))
	switch {
	case run.Status == "failed":
		return fmt.Errorf("report %s failed: %s", name, run.Error)
	case run.Status == "partial":
		return fmt.Errorf("report %s was written but not delivered everywhere (see above)", name)
	}
	return nil
}

// filesBase is where the server serves run files from, for links to them:
// over the socket the server's own URL, else --server's.
func (s *serverClient) filesBase(ctx context.Context) string {
	if s.token != "" {
		return s.base
	}
	var info api.HostInfo
	if s.call(ctx, "GET", "/server", nil, nil, &info) != nil {
		return ""
	}
	return info.URL
}

// fromAPIRun is the API's report run as the command prints runs: files as
// links to the server.
func fromAPIRun(r api.ReportRun, base string) queries.ReportRun {
	out := queries.ReportRun{RunID: r.RunID, Report: r.Report, PeriodLabel: r.Period, Status: r.Status, Notes: r.Notes}
	for _, f := range r.Files {
		if f.URL != "" && base != "" {
			out.Files = append(out.Files, base+f.URL)
		} else {
			out.Files = append(out.Files, f.Name)
		}
	}
	for _, d := range r.Deliveries {
		out.Deliveries = append(out.Deliveries, queries.ReportDelivery(d))
	}
	return out
}

// remoteReportList lists the server's reports as `imscope report list` does.
func remoteReportList(ctx context.Context, env *environment, s *serverClient) error {
	var data api.ReportsData
	if err := s.call(ctx, "GET", "/reports", url.Values{api.ParamLimit: {"1"}}, nil, &data); err != nil {
		return err
	}
	for _, r := range data.Reports {
		if !r.Configured {
			continue
		}
		loc, err := time.LoadLocation(r.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		schedule, next := "on demand", ""
		if r.Schedule != "" {
			schedule = r.Schedule
			if r.NextRun != nil {
				next = ", next " + r.NextRun.In(loc).Format(time.RFC3339)
			}
		}
		last := "never run"
		if len(r.Runs) > 0 {
			run := r.Runs[0]
			last = fmt.Sprintf("last %s %s (%s)", run.Period, run.Status, run.StartedAt.In(loc).Format(time.RFC3339))
			if run.Resumed > 0 {
				last += fmt.Sprintf(", resumed after %d restart(s)", run.Resumed)
			}
		}
		fmt.Fprintf(env.stdout, "%s: %s, %s%s; %s\n", r.Name, r.Granularity, schedule, next, last)
	}
	return nil
}
