package dashtest

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/api"
)

// fakeSchedule stands in for cmd/imscope's scheduler adapter.
type fakeSchedule struct{}

func (fakeSchedule) Scheduled() []api.ScheduledCollector {
	return []api.ScheduledCollector{
		{Name: "demo-history", Kind: "simulate", Target: "demo market"},
		{Name: "prosody", Kind: "openmetrics", Target: "http://127.0.0.1:5280/metrics", Schedule: "@every 1m", Next: DemoNow.Add(time.Minute)},
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

// Options are the options of a dashboard over the demo data.
func Options(t testing.TB) dashboard.Options {
	t.Helper()
	return dashboard.Options{Options: api.Options{
		Engine: Engine(t), Version: "test", Now: func() time.Time { return DemoNow },
		Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Networks: []imscope.Network{
			{ID: "qq", Names: map[string]string{"en": "Tencent QQ", "zh-CN": "腾讯QQ"}, Vendor: "Tencent", Color: "#12b7f5"},
			{ID: "msn", Names: map[string]string{"en": "MSN Messenger", "zh-CN": "MSN"}, Vendor: "Microsoft", Color: "#00a39e"},
		},
		Collectors: fakeSchedule{},
		Alerts:     fakeAlerts{"fetion-msn-down": {Firing: false, Since: DemoNow.Add(-5 * time.Hour), Value: 0.01}},
		AlertRules: []analytics.Rule{{Name: "fetion-msn-down", Kind: analytics.RuleThreshold}, {Name: "never-fired", Kind: analytics.RuleStale}},
	}}
}

// Server returns a dashboard over the demo data; change adjusts options.
func Server(t testing.TB, change func(*dashboard.Options)) http.Handler {
	t.Helper()
	opts := Options(t)
	if change != nil {
		change(&opts)
	}
	h, err := dashboard.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
