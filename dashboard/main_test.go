package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
)

var dataDir string

// TestMain gives the tests a data directory and closes the demo engine
// before the process ends: libchdb's threads must stop before the runtime
// tears down (the race detector's finaliser crashes otherwise).
// (enginetest.RunWithDataDir, plus the closing).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "imscope-dashboard-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot create a data directory:", err)
		os.Exit(1)
	}
	dataDir = dir
	code := m.Run()
	if demoFixture != nil {
		demoFixture.engine.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// The demo data every API test reads: 18 months of the simulated market
// from January 2011 (both bridges open inside it) with a 2,000-user
// quarterly panel, plus rows naming hostile networks, bridge states,
// collector runs and alert events. The server's clock is pinned to the end
// of the history, so the traffic endpoints' "last 24 hours" default falls
// on the simulator's per-minute traffic.
var (
	demoStart = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	demoEnd   = time.Date(2012, 7, 1, 0, 0, 0, 0, time.UTC)
	demoNow   = demoEnd
)

// hostileNetworks are network ids that try to break out of HTML, JSON in a
// page, and spreadsheets.
var hostileNetworks = []string{
	`</script><script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`=cmd|' /C calc'!A0`,
}

// hostileDay is when the hostile networks report users.
var hostileDay = time.Date(2012, 6, 15, 12, 0, 0, 0, time.UTC)

type fixture struct {
	engine queries.Engine
}

var (
	fixtureOnce sync.Once
	demoFixture *fixture
	fixtureErr  error
)

// history adapts the simulator's one-off history to a collector source, as
// `imscope demo` does, so loading it is a recorded collector run.
type history struct{ sim *simulate.Source }

func (h history) Collect(ctx context.Context, emit collector.Emit) error {
	return h.sim.History(ctx, emit)
}

// demo returns the engine with the demo data, loading it on first use.
func demo(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() { demoFixture, fixtureErr = loadDemo() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return demoFixture
}

func loadDemo() (*fixture, error) {
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
	run := runner.Run(ctx, collector.Collector{Name: "demo-history", Kind: "simulate", Target: "demo market", Timeout: 10 * time.Minute, Source: history{sim}})
	if run.Status != "ok" {
		return nil, &imscope.InvalidError{Message: "demo load: " + run.Status + ": " + run.Error}
	}
	var samples []imscope.Sample
	for i, n := range hostileNetworks {
		samples = append(samples, imscope.Sample{TS: hostileDay, Source: "test", Network: n, Metric: "active_users_30d", Value: float64(1000 * (i + 1))})
	}
	if err := queries.InsertSamples(ctx, e, samples); err != nil {
		return nil, err
	}
	states := []imscope.BridgeState{
		{TS: demoNow.Add(-30 * time.Hour), Source: "test", Bridge: "fetion-msn", State: "CONNECTED", Up: true},
		{TS: demoNow.Add(-6 * time.Hour), Source: "test", Bridge: "fetion-msn", State: "TRANSIENT_DISCONNECT", Up: false},
		{TS: demoNow.Add(-5 * time.Hour), Source: "test", Bridge: "fetion-msn", State: "CONNECTED", Up: true},
	}
	if err := queries.InsertBridgeStates(ctx, e, states); err != nil {
		return nil, err
	}
	events := []queries.AlertEvent{
		{TS: demoNow.Add(-6 * time.Hour), Rule: "fetion-msn-down", Kind: "threshold", Firing: true, Value: 0.4, Message: `failure ratio 0.4 > 0.1 on "fetion-msn" <b>`, Labels: map[string]string{"bridge": "fetion-msn"}},
		{TS: demoNow.Add(-5 * time.Hour), Rule: "fetion-msn-down", Kind: "threshold", Firing: false, Value: 0.01, Message: "resolved"},
	}
	if err := queries.InsertAlertEvents(ctx, e, events); err != nil {
		return nil, err
	}
	// A silence that holds back no configured rule, and a run of a report
	// no longer configured.
	if _, err := alerting.CreateSilence(ctx, e, alerting.SilenceRequest{Matchers: []string{"bridge=msn-skype"}, EndsAt: demoNow.Add(30 * 24 * time.Hour), Comment: "fixture"}, "fixture", demoNow.Add(-time.Hour)); err != nil {
		return nil, err
	}
	retired := queries.ReportRun{RunID: "6f1c0b9e-3f6a-4d8e-9a51-0c2b7d4e8f10", Report: "retired", Trigger: "schedule", ScheduledFor: demoNow.Add(-24 * time.Hour),
		StartedAt: demoNow.Add(-24 * time.Hour), FinishedAt: demoNow.Add(-24 * time.Hour), Granularity: "week", PeriodLabel: "2012-W25",
		PeriodFrom: time.Date(2012, 6, 18, 0, 0, 0, 0, time.UTC), PeriodTo: time.Date(2012, 6, 25, 0, 0, 0, 0, time.UTC), TimeZone: "UTC", Status: "ok",
		Files: []string{"/nowhere/retired_2012-W25.html"}, Deliveries: []queries.ReportDelivery{{Destination: "ops", Kind: "webhook", Status: "ok", Attempts: 1}}}
	if err := queries.InsertReportRun(ctx, e, retired); err != nil {
		return nil, err
	}
	return &fixture{engine: e}, nil
}

// fakeSchedule stands in for cmd/imscope's scheduler adapter.
type fakeSchedule struct{}

func (fakeSchedule) Scheduled() []ScheduledCollector {
	return []ScheduledCollector{
		{Name: "demo-history", Kind: "simulate", Target: "demo market"},
		{Name: "prosody", Kind: "openmetrics", Target: "http://127.0.0.1:5280/metrics", Schedule: "@every 1m", Next: demoNow.Add(time.Minute)},
	}
}

func (fakeSchedule) SpoolDepth() (int, int64) { return 2, 4096 }

type fakeAlerts map[string]analytics.AlertState

func (f fakeAlerts) States() map[string]analytics.AlertState { return f }

// testLog sends the server's warnings and errors to the test's log.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// fixtureOptions are the options of a dashboard over the demo data.
func fixtureOptions(t testing.TB) Options {
	t.Helper()
	fx := demo(t)
	return Options{
		Engine: fx.engine, Version: "test", Now: func() time.Time { return demoNow },
		Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Networks: []imscope.Network{
			{ID: "qq", Names: map[string]string{"en": "Tencent QQ", "zh-CN": "腾讯QQ"}, Vendor: "Tencent", Color: "#12b7f5"},
			{ID: "msn", Names: map[string]string{"en": "MSN Messenger", "zh-CN": "MSN"}, Vendor: "Microsoft", Color: "#00a39e"},
		},
		Collectors: fakeSchedule{},
		Alerts:     fakeAlerts{"fetion-msn-down": {Firing: false, Since: demoNow.Add(-5 * time.Hour), Value: 0.01}},
		AlertRules: []analytics.Rule{{Name: "fetion-msn-down", Kind: analytics.RuleThreshold}, {Name: "never-fired", Kind: analytics.RuleStale}},
	}
}

// server returns a dashboard over the demo data; change adjusts options.
func server(t testing.TB, change func(*Options)) http.Handler {
	t.Helper()
	opts := fixtureOptions(t)
	if change != nil {
		change(&opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// get runs one GET against h, with header name/value pairs.
func get(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, h, http.MethodGet, target, header...)
}

// do runs one request against h.
func do(t testing.TB, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// decode parses a JSON answer into an envelope with generic data.
func decode(t testing.TB, w *httptest.ResponseRecorder) (map[string]string, map[string]any) {
	t.Helper()
	var env struct {
		Query map[string]string `json:"query"`
		Data  map[string]any    `json:"data"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatalf("not JSON (%v): %.300s", err, w.Body.String())
	}
	return env.Query, env.Data
}

// u builds a target from a path and parameter pairs.
func u(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
