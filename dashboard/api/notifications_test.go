package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/queries"
)

// TestNotificationsAPI: the delivery log, newest first, one row per
// notification and destination, with destinations by name and errors
// without the URL's token; JSON and CSV say the same; limit and offset page
// through it, total counts it all.
func TestNotificationsAPI(t *testing.T) {
	h := dashtest.Server(t, nil)
	w := dashtest.Get(t, h, "/api/v1/alerts/notifications")
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "SECRET") || strings.Contains(w.Body.String(), "/services/") {
		t.Fatalf("the answer shows the webhook's token: %s", w.Body)
	}
	var env struct {
		Query map[string]string     `json:"query"`
		Data  api.NotificationsData `json:"data"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatal(err)
	}
	// The default window: the 7 days up to the end of the current minute.
	if env.Query["from"] != "2012-06-24T00:01:00Z" || env.Query["to"] != "2012-07-01T00:01:00Z" || env.Query["limit"] != "100" || env.Query["offset"] != "0" {
		t.Fatalf("query %v", env.Query)
	}
	checkDemoNotifications(t, env.Data)
	failed := env.Data.Notifications[2]
	rows := dashtest.GetCSV(t, h, "/api/v1/alerts/notifications?format=csv")
	if len(rows) != 3 || rows[2]["destination"] != "pager" || rows[2]["id"] != failed.ID || rows[2]["status"] != "failed" || rows[2]["rules"] != "fetion-msn-down" || strings.Contains(rows[2]["error"], "SECRET") {
		t.Fatalf("CSV %v", rows)
	}
}

// checkDemoNotifications: the demo's delivery log, newest first.
func checkDemoNotifications(t *testing.T, d api.NotificationsData) {
	t.Helper()
	if d.Total != 3 || len(d.Notifications) != 3 {
		t.Fatalf("data %+v", d)
	}
	resolved, okFiring, failed := d.Notifications[0], d.Notifications[1], d.Notifications[2]
	demo := dashtest.DemoNotifications
	if resolved.ID != demo[2].NotificationID || resolved.State != "resolved" || resolved.Status != "ok" || resolved.Attempts != 2 || resolved.Destination != "ops" ||
		resolved.Group != "rule=fetion-msn-down" || strings.Join(resolved.Rules, ",") != "fetion-msn-down" || !resolved.SentAt.Equal(demo[2].SentAt) {
		t.Errorf("newest %+v", resolved)
	}
	if okFiring.Destination != "ops" || okFiring.State != "firing" || okFiring.Error != "" || failed.Destination != "pager" || failed.Status != "failed" || failed.Attempts != 3 {
		t.Errorf("firing %+v / %+v", okFiring, failed)
	}
	if want := `Post "https://hooks.example.org/…": <img src=x onerror=alert(1)> connection refused`; failed.Error != want {
		t.Errorf("error %q, want %q", failed.Error, want)
	}
}

// TestNotificationsPaging: limit and offset page through the log, total
// counts it all, and wrong parameters are named.
func TestNotificationsPaging(t *testing.T) {
	h := dashtest.Server(t, nil)
	okFiring := dashtest.DemoNotifications[0]
	_, page := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/alerts/notifications?limit=1&offset=1"))
	if list := dashtest.Objs(t, page, "notifications"); len(list) != 1 || list[0]["id"] != okFiring.NotificationID || page["total"] != 3.0 {
		t.Fatalf("second page %v", page)
	}
	_, none := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/alerts/notifications?from=2012-06-30T20:00:00Z"))
	if list := dashtest.Objs(t, none, "notifications"); len(list) != 0 || none["total"] != 0.0 {
		t.Fatalf("after the last: %v", none)
	}
	for target, param := range map[string]string{
		"/api/v1/alerts/notifications?limit=0":                       "limit",
		"/api/v1/alerts/notifications?offset=-1":                     "offset",
		"/api/v1/alerts/notifications?offset=100001":                 "offset",
		"/api/v1/alerts/notifications?from=2012-07-02&to=2012-07-01": "to",
		"/api/v1/alerts/notifications?destination=ops":               "destination",
	} {
		w := dashtest.Get(t, h, target)
		if e := dashtest.DecodeError(t, w.Body.Bytes()); w.Code != http.StatusBadRequest || e.Param != param {
			t.Errorf("%s: %d %+v", target, w.Code, e)
		}
	}
}

// TestNotificationsAccess: the log is for whoever may read the alerts: with
// require_login an anonymous client is refused as it is for /alerts, and
// the admin's token reads it.
func TestNotificationsAccess(t *testing.T) {
	h, _ := dashtest.AdminServer(t, true)
	alerts, notes := dashtest.Get(t, h, "/api/v1/alerts"), dashtest.Get(t, h, "/api/v1/alerts/notifications")
	if notes.Code == http.StatusOK || notes.Code != alerts.Code {
		t.Fatalf("anonymous: %d (alerts %d)", notes.Code, alerts.Code)
	}
	if w := dashtest.Get(t, h, "/api/v1/alerts/notifications", "Authorization", "Bearer "+dashtest.TestToken); w.Code != http.StatusOK {
		t.Fatalf("admin: %d %s", w.Code, w.Body)
	}
}

// TestAlertsListCurrentMinute: an alert that fired a moment ago — in the
// current minute — is listed by /alerts and its notification by
// /alerts/notifications; they used to end at the start of the minute.
func TestAlertsListCurrentMinute(t *testing.T) {
	e := dashtest.EmptyEngine(t, "api_alerts_now")
	now := time.Date(2026, 3, 2, 9, 0, 40, 0, time.UTC)
	ctx := context.Background()
	if err := queries.InsertAlertEvents(ctx, e, []queries.AlertEvent{{TS: now.Add(-time.Second), Rule: "fetion-msn-down", Kind: "threshold", Firing: true, Value: 0.4, Message: "failure ratio 0.4"}}); err != nil {
		t.Fatal(err)
	}
	if err := queries.InsertAlertNotifications(ctx, e, []queries.AlertNotification{{SentAt: now, NotificationID: "0b8f7f5e-9a0c-5d1e-8f2a-1c3d5e7f9a0b", Rule: "fetion-msn-down",
		Episode: now.Add(-time.Second), State: "firing", Destination: "ops", GroupKey: "rule=fetion-msn-down", Status: "ok", Attempts: 1}}); err != nil {
		t.Fatal(err)
	}
	h := dashtest.Server(t, func(o *dashboard.Options) {
		o.Engine, o.Now, o.Alerts = e, func() time.Time { return now }, nil
	})
	for _, target := range []string{"/api/v1/alerts", "/api/v1/alerts?to=2027-01-01"} {
		q, d := dashtest.Decode(t, dashtest.Get(t, h, target))
		if events := dashtest.Objs(t, d, "events"); len(events) != 1 || events[0]["rule"] != "fetion-msn-down" || q["to"] != "2026-03-02T09:01:00Z" {
			t.Errorf("%s: query %v, events %v", target, q, events)
		}
	}
	q, d := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/alerts/notifications"))
	if list := dashtest.Objs(t, d, "notifications"); len(list) != 1 || list[0]["id"] != "0b8f7f5e-9a0c-5d1e-8f2a-1c3d5e7f9a0b" {
		t.Errorf("notifications: query %v, %v", q, list)
	}
}

// TestNotificationsInOpenAPI: the endpoint is documented with its own
// parameters and its CSV table.
func TestNotificationsInOpenAPI(t *testing.T) {
	h := dashtest.Server(t, nil)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				Ref  string `json:"$ref"`
			} `json:"parameters"`
			Tables []struct {
				Name string `json:"name"`
			} `json:"x-csv-tables"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(dashtest.Get(t, h, "/api/v1/openapi.json").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	op, ok := doc.Paths["/api/v1/alerts/notifications"]["get"]
	if !ok || len(op.Tables) != 1 || op.Tables[0].Name != "notifications" {
		t.Fatalf("operation %+v", op)
	}
	var names []string
	for _, p := range op.Parameters {
		names = append(names, p.Name+p.Ref)
	}
	if all := strings.Join(names, " "); !strings.Contains(all, "limit") || !strings.Contains(all, "offset") {
		t.Fatalf("parameters %s", all)
	}
}
