package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/report"
)

// TestReportsConfig loads testdata/config/reports.yaml and checks, one
// function each, the report definitions it yields, the alert delivery and
// reports sections, and the delivery targets built from it.
func TestReportsConfig(t *testing.T) {
	env := map[string]string{
		"IMSCOPE_OPS_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/tokentokentoken", "IMSCOPE_OPS_WEBHOOK_SECRET": "s3cret",
		"IMSCOPE_SMTP_USERNAME": "imscope", "IMSCOPE_SMTP_PASSWORD": "hunter2",
	}
	getenv := func(k string) string { return env[k] }
	cfg, err := loadConfig("testdata/config/reports.yaml", getenv)
	if err != nil {
		t.Fatal(err)
	}
	checkReportDefinitions(t, cfg)
	checkDeliverySections(t, cfg)
	checkReportTargets(t, cfg, getenv)
	// A variable that is not set is blamed on the line naming it.
	delete(env, "IMSCOPE_OPS_WEBHOOK_SECRET")
	if _, err := buildTargets(cfg, getenv); err == nil || !strings.Contains(err.Error(), "testdata/config/reports.yaml:7: destinations[0] (ops): secret_env: IMSCOPE_OPS_WEBHOOK_SECRET is not set") {
		t.Fatalf("a missing secret: %v", err)
	}
}

// checkReportDefinitions checks the file's three reports: a weekly one in
// Chinese that catches up, a monthly one with every section kept 400 days,
// and an ad hoc quarterly one without a schedule.
func checkReportDefinitions(t *testing.T, cfg *Config) {
	defs, err := cfg.reportDefinitions()
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 3 {
		t.Fatalf("%d reports", len(defs))
	}
	w, m, a := defs[0], defs[1], defs[2]
	if w.Location.String() != "Asia/Shanghai" || w.Granularity != imscope.Week || w.Language != "zh-CN" || !w.CatchUp ||
		fmt.Sprint(w.Sections) != "[share concentration bridges]" || w.Keep != (report.Retention{Runs: 52}) || w.Title != "即时通信市场周报" {
		t.Fatalf("weekly %+v", w)
	}
	if m.Location.String() != "Europe/Berlin" || m.Granularity != imscope.Month || m.CatchUp || m.Keep.Days != 400 || len(m.Sections) != len(report.Sections) || m.Language != "en" {
		t.Fatalf("monthly %+v", m)
	}
	if a.Schedule != nil || a.Granularity != imscope.Quarter || a.Source != "published" || a.Basis != "users" || w.Source != "" {
		t.Fatalf("adhoc %+v", a)
	}
}

// checkDeliverySections checks alerts.delivery (defaults kept where the file
// says nothing) and the reports section's directory and timeout.
func checkDeliverySections(t *testing.T, cfg *Config) {
	if d := cfg.Alerts.Delivery; fmt.Sprint(d.GroupBy) != "[bridge]" || d.GroupWait != time.Minute || d.RepeatInterval != 4*time.Hour || !d.SendResolved {
		t.Fatalf("alerts.delivery %+v (defaults kept where the file says nothing)", d)
	}
	if cfg.reportsDir() != "/var/lib/imscope/reports" || cfg.Reports.Timeout != 10*time.Minute {
		t.Fatalf("reports %+v", cfg.Reports)
	}
}

// checkReportTargets builds the delivery targets and checks the ops webhook's
// retry settings, and that nothing that prints the configuration or a
// destination shows a secret.
func checkReportTargets(t *testing.T, cfg *Config, getenv func(string) string) {
	targets, err := buildTargets(cfg, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if tg := targets["ops"]; tg.Retry.Attempts != 3 || tg.Retry.Backoff != 2*time.Second || tg.Destination.Kind() != "webhook" {
		t.Fatalf("ops %+v", tg)
	}
	shown := fmt.Sprintf("%v %+v %#v %v %v", cfg, cfg, cfg, targets, targets["analysts"].Destination)
	for _, secret := range []string{"tokentokentoken", "s3cret", "hunter2"} {
		if strings.Contains(shown, secret) {
			t.Errorf("%q is printed", secret)
		}
	}
}

// Every problem of the delivery sections comes back at once with its line;
// the golden file holds the whole message.
func TestReportsConfigErrors(t *testing.T) {
	_, err := loadConfig(cfgTestDir+"/reports-bad.yaml", func(string) string { return "" })
	if err == nil {
		t.Fatal("a bad configuration was accepted")
	}
	checkConfigGolden(t, "reports-bad.golden", err.Error()+"\n")
}
