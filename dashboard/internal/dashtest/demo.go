package dashtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
)

// Main runs a test package's tests with a data directory for the engine,
// and closes the demo engine before the process ends: libchdb's threads
// must stop before the runtime tears down (the race detector's finaliser
// crashes otherwise). Each package whose tests use the demo data calls it
// from its TestMain.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "imscope-dashboard-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot create a data directory:", err)
		os.Exit(1)
	}
	dataDir = dir
	code := m.Run()
	if demoEngine != nil {
		demoEngine.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// DataDir is the data directory of the tests' engines (one engine per
// process: tests isolate by database name).
func DataDir() string { return dataDir }

// The demo data every API test reads: 18 months of the simulated market
// from January 2011 (both bridges open inside it) with a 2,000-user
// quarterly panel, plus rows naming hostile networks, bridge states,
// collector runs and alert events. The server's clock is pinned to the end
// of the history, so the traffic endpoints' "last 24 hours" default falls
// on the simulator's per-minute traffic.
var (
	DemoStart = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	DemoEnd   = time.Date(2012, 7, 1, 0, 0, 0, 0, time.UTC)
	DemoNow   = DemoEnd
)

// HostileNetworks are network ids that try to break out of HTML, JSON in a
// page, and spreadsheets.
var HostileNetworks = []string{
	`</script><script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`=cmd|' /C calc'!A0`,
}

// DemoNotifications is the delivery log of the demo's alert: its firing
// went out to ops and failed at pager (whose error quotes a webhook URL with
// a token, and markup), and its resolution went out to ops.
var DemoNotifications = []queries.AlertNotification{
	{SentAt: DemoNow.Add(-6*time.Hour + 30*time.Second), NotificationID: "5f0c2a4e-1b7d-5c3e-9a4f-2d6e8b0c1a01", Rule: "fetion-msn-down", Episode: DemoNow.Add(-6 * time.Hour),
		State: "firing", Destination: "ops", GroupKey: "rule=fetion-msn-down", Status: "ok", Attempts: 1},
	{SentAt: DemoNow.Add(-6*time.Hour + 30*time.Second), NotificationID: "7a9e3c1d-2f4b-5a6c-8d0e-3b5f7a9c1e02", Rule: "fetion-msn-down", Episode: DemoNow.Add(-6 * time.Hour),
		State: "firing", Destination: "pager", GroupKey: "rule=fetion-msn-down", Status: "failed", Attempts: 3,
		Error: `Post "https://hooks.example.org/services/T000/B000/SECRETTOKEN?key=SECRETKEY": <img src=x onerror=alert(1)> connection refused`},
	{SentAt: DemoNow.Add(-5*time.Hour + 30*time.Second), NotificationID: "9c1e5a3f-4b6d-5e8a-a0c2-5d7b9e1f3a03", Rule: "fetion-msn-down", Episode: DemoNow.Add(-6 * time.Hour),
		State: "resolved", Destination: "ops", GroupKey: "rule=fetion-msn-down", Status: "ok", Attempts: 2},
}

// HostileDay is when the hostile networks report users.
var HostileDay = time.Date(2012, 6, 15, 12, 0, 0, 0, time.UTC)

var (
	dataDir     string
	fixtureOnce sync.Once
	demoEngine  queries.Engine
	fixtureErr  error
)

// History adapts the simulator's one-off history to a collector source, as
// `imscope demo` does, so loading it is a recorded collector run.
type History struct{ Sim *simulate.Source }

// Collect emits the simulator's whole history.
func (h History) Collect(ctx context.Context, emit collector.Emit) error {
	return h.Sim.History(ctx, emit)
}

// Engine returns the engine with the demo data, loading it on first use.
func Engine(t testing.TB) queries.Engine {
	t.Helper()
	fixtureOnce.Do(func() { demoEngine, fixtureErr = loadDemo() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return demoEngine
}

func loadDemo() (queries.Engine, error) {
	ctx := context.Background()
	e, err := embedded.Open(ctx, embedded.Options{DataDir: dataDir, Database: "dashboard_api"})
	if err != nil {
		return nil, err
	}
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		return nil, err
	}
	sim, err := simulate.New("demo", simulate.Config{Start: "2011-01", Months: 18, PanelUsers: 2000, Segments: []string{"office", "students"}}, simulate.Options{})
	if err != nil {
		return nil, err
	}
	runner := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	run := runner.Run(ctx, collector.Collector{Name: "demo-history", Kind: "simulate", Target: "demo market", Timeout: 10 * time.Minute, Source: History{sim}})
	if run.Status != "ok" {
		return nil, &imscope.InvalidError{Message: "demo load: " + run.Status + ": " + run.Error}
	}
	var samples []imscope.Sample
	for i, n := range HostileNetworks {
		samples = append(samples, imscope.Sample{TS: HostileDay, Source: "test", Network: n, Metric: "active_users_30d", Value: float64(1000 * (i + 1))})
	}
	if err := queries.InsertSamples(ctx, e, samples); err != nil {
		return nil, err
	}
	states := []imscope.BridgeState{
		{TS: DemoNow.Add(-30 * time.Hour), Source: "test", Bridge: "fetion-msn", State: "CONNECTED", Up: true},
		{TS: DemoNow.Add(-6 * time.Hour), Source: "test", Bridge: "fetion-msn", State: "TRANSIENT_DISCONNECT", Up: false},
		{TS: DemoNow.Add(-5 * time.Hour), Source: "test", Bridge: "fetion-msn", State: "CONNECTED", Up: true},
	}
	if err := queries.InsertBridgeStates(ctx, e, states); err != nil {
		return nil, err
	}
	events := []queries.AlertEvent{
		{TS: DemoNow.Add(-6 * time.Hour), Rule: "fetion-msn-down", Kind: "threshold", Firing: true, Value: 0.4, Message: `failure ratio 0.4 > 0.1 on "fetion-msn" <b>`, Labels: map[string]string{"bridge": "fetion-msn"}},
		{TS: DemoNow.Add(-5 * time.Hour), Rule: "fetion-msn-down", Kind: "threshold", Firing: false, Value: 0.01, Message: "resolved"},
	}
	if err := queries.InsertAlertEvents(ctx, e, events); err != nil {
		return nil, err
	}
	if err := queries.InsertAlertNotifications(ctx, e, DemoNotifications); err != nil {
		return nil, err
	}
	// A silence that holds back no configured rule, and a run of a report
	// no longer configured.
	if _, err := alerting.CreateSilence(ctx, e, alerting.SilenceRequest{Matchers: []string{"bridge=msn-skype"}, EndsAt: DemoNow.Add(30 * 24 * time.Hour), Comment: "fixture"}, "fixture", DemoNow.Add(-time.Hour)); err != nil {
		return nil, err
	}
	retired := queries.ReportRun{RunID: "6f1c0b9e-3f6a-4d8e-9a51-0c2b7d4e8f10", Report: "retired", Trigger: "schedule", ScheduledFor: DemoNow.Add(-24 * time.Hour),
		StartedAt: DemoNow.Add(-24 * time.Hour), FinishedAt: DemoNow.Add(-24 * time.Hour), Granularity: "week", PeriodLabel: "2012-W25",
		PeriodFrom: time.Date(2012, 6, 18, 0, 0, 0, 0, time.UTC), PeriodTo: time.Date(2012, 6, 25, 0, 0, 0, 0, time.UTC), TimeZone: "UTC", Status: "ok",
		Files: []string{"/nowhere/retired_2012-W25.html"}, Deliveries: []queries.ReportDelivery{{Destination: "ops", Kind: "webhook", Status: "ok", Attempts: 1}}}
	if err := queries.InsertReportRun(ctx, e, retired); err != nil {
		return nil, err
	}
	return e, nil
}

// BadData is an engine (database db, beside the demo's) holding one row
// analytics refuses: a negative gauge, on HostileDay. A question over it
// fails with an InvalidError that names no parameter of the asker's.
func BadData(t testing.TB, db string) queries.Engine {
	t.Helper()
	e := EmptyEngine(t, db)
	bad := []imscope.Sample{{TS: HostileDay, Source: "test", Network: "qq", Metric: "active_users_30d", Value: -5}}
	if err := queries.InsertSamples(context.Background(), e, bad); err != nil {
		t.Fatal(err)
	}
	return e
}

// EmptyEngine is a migrated engine with no data (database db, beside the
// demo's), for tests that write what they read — at a clock of their own.
func EmptyEngine(t testing.TB, db string) queries.Engine {
	t.Helper()
	Engine(t) // the process's libchdb connection is open; this engine shares it
	ctx := context.Background()
	e, err := embedded.Open(ctx, embedded.Options{DataDir: DataDir(), Database: db})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	return e
}
