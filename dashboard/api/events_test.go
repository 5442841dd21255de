package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries"
)

const hostileTitle = `</script><img src=x onerror=alert(1)> 3Q "war"`

// eventsServer is an admin dashboard over an engine of its own, so the
// events these tests write are not drawn on other tests' charts.
func eventsServer(t *testing.T, requireLogin bool, db string) http.Handler {
	h, _ := dashtest.AdminServer(t, requireLogin, func(o *dashboard.Options) { o.Engine = dashtest.EmptyEngine(t, db) })
	return h
}

// eventAction sends an admin request to the events API with the token.
func eventAction(t *testing.T, h http.Handler, method, target string, form url.Values) (int, map[string]any, respond.Error) {
	t.Helper()
	var w interface {
		Result() *http.Response
	}
	if method == http.MethodPost {
		w = dashtest.Post(t, h, target, form, nil, "Authorization", "Bearer "+dashtest.TestToken)
	} else {
		w = dashtest.Do(t, h, method, target, "Authorization", "Bearer "+dashtest.TestToken)
	}
	res := w.Result()
	var body struct {
		Data  map[string]any `json:"data"`
		Error respond.Error  `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("%s %s: not JSON: %v", method, target, err)
	}
	return res.StatusCode, body.Data, body.Error
}

// TestEventsAPI: the admin adds events (a hostile title among them) and
// deletes one; anyone lists them, by window and by network, as JSON and
// CSV with the title as written; bad fields are a 400 naming them.
func TestEventsAPI(t *testing.T) {
	h := eventsServer(t, false, "api_events")
	code, war, e := eventAction(t, h, http.MethodPost, "/api/v1/events", url.Values{
		"date": {"2010-11-03"}, "title": {"3Q war: QQ makes its users choose"}, "networks": {"qq"}, "link": {"https://en.wikipedia.org/wiki/360_v._Tencent"},
	})
	if code != http.StatusOK || war["date"] != "2010-11-03" || war["date_only"] != true || war["id"] == "" {
		t.Fatalf("create: %d %v %+v", code, war, e)
	}
	code, hostile, e := eventAction(t, h, http.MethodPost, "/api/v1/events", url.Values{
		"date": {"2011-06-15T02:00:00Z"}, "title": {hostileTitle}, "bridges": {"fetion-msn"}, "id": {"gateway"},
	})
	if code != http.StatusOK || hostile["id"] != "gateway" || hostile["date"] != "2011-06-15T02:00:00Z" {
		t.Fatalf("create: %d %v %+v", code, hostile, e)
	}
	titles := func(target string) []string {
		t.Helper()
		_, d := dashtest.Decode(t, dashtest.Get(t, h, target))
		var out []string
		for _, ev := range dashtest.Objs(t, d, "events") {
			out = append(out, ev["title"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		target string
		want   string
	}{
		{"/api/v1/events", "3Q war: QQ makes its users choose|" + hostileTitle},
		{"/api/v1/events?from=2011&to=2012", hostileTitle},
		{"/api/v1/events?networks=qq", "3Q war: QQ makes its users choose"},
		{"/api/v1/events?networks=msn", ""},
		{"/api/v1/events?bridges=fetion-msn", hostileTitle},
	} {
		if got := strings.Join(titles(tc.target), "|"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.target, got, tc.want)
		}
	}
	rows := dashtest.GetCSV(t, h, "/api/v1/events?format=csv")
	if len(rows) != 2 || rows[1]["title"] != hostileTitle || rows[0]["networks"] != "qq" || rows[0]["date"] != "2010-11-03" {
		t.Errorf("CSV %v", rows)
	}

	if code, _, e := eventAction(t, h, http.MethodDelete, "/api/v1/events/gateway", nil); code != http.StatusOK {
		t.Fatalf("delete: %d %+v", code, e)
	}
	if got := titles("/api/v1/events"); len(got) != 1 {
		t.Errorf("after delete: %q", got)
	}
	if code, _, e := eventAction(t, h, http.MethodDelete, "/api/v1/events/gateway", nil); code != http.StatusNotFound || e.Code != respond.CodeNotFound {
		t.Errorf("delete again: %d %+v", code, e)
	}

	for _, tc := range []struct {
		name  string
		form  url.Values
		param string
	}{
		{"no date", url.Values{"title": {"x"}}, "date"},
		{"bad date", url.Values{"date": {"2010-13-01"}, "title": {"x"}}, "date"},
		{"no title", url.Values{"date": {"2010-11-03"}, "title": {"  "}}, "title"},
		{"bad link", url.Values{"date": {"2010-11-03"}, "title": {"x"}, "link": {"javascript:alert(1)"}}, "link"},
		{"bad network", url.Values{"date": {"2010-11-03"}, "title": {"x"}, "networks": {"<b>"}}, "networks"},
		{"bad id", url.Values{"date": {"2010-11-03"}, "title": {"x"}, "id": {"a/b"}}, "id"},
		{"unknown field", url.Values{"date": {"2010-11-03"}, "title": {"x"}, "colour": {"red"}}, "colour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, e := eventAction(t, h, http.MethodPost, "/api/v1/events", tc.form)
			if code != http.StatusBadRequest || e.Param != tc.param {
				t.Errorf("%d %+v, want 400 naming %s", code, e, tc.param)
			}
		})
	}
}

// TestEventsAPIGuarded: writing events needs the admin — 401 without
// credentials, a page's session without its CSRF token refused — while
// anyone reads them; with require_login reading needs a sign-in too.
func TestEventsAPIGuarded(t *testing.T) {
	h := eventsServer(t, false, "api_events_guard")
	form := url.Values{"date": {"2010-11-03"}, "title": {"x"}}
	if w := dashtest.Post(t, h, "/api/v1/events", form, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("POST without credentials: %d", w.Code)
	}
	if w := dashtest.Do(t, h, http.MethodDelete, "/api/v1/events/x"); w.Code != http.StatusUnauthorized {
		t.Errorf("DELETE without credentials: %d", w.Code)
	}
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	if w := dashtest.Post(t, h, "/api/v1/events", form, cookies); w.Code != http.StatusForbidden {
		t.Errorf("POST with a session and no CSRF token: %d %s", w.Code, w.Body)
	}
	if w := dashtest.Get(t, h, "/api/v1/events"); w.Code != http.StatusOK {
		t.Errorf("GET as a viewer: %d", w.Code)
	}
	var d api.EventsData
	_, raw := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/events"))
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &d); err != nil || len(d.Events) != 0 {
		t.Errorf("refused writes stored something: %s", b)
	}
	locked := eventsServer(t, true, "api_events_locked")
	if w := dashtest.Get(t, locked, "/api/v1/events"); w.Code != http.StatusUnauthorized {
		t.Errorf("GET with require_login and no sign-in: %d", w.Code)
	}
}

// TestEventsHTTPImport: an events file sent to POST /api/v1/imports
// (what `imscope import events` does beside a running server) lands in
// the events table, its bad row reported by line and field.
func TestEventsHTTPImport(t *testing.T) {
	s := newImportServer(t, "api_events_import", 1<<20)
	body := "date,title,networks,link\n" +
		"2010-11-03,\"" + strings.ReplaceAll(hostileTitle, `"`, `""`) + "\",qq,https://example.org/3q\n" +
		"2010-11-04,bad link,qq,javascript:alert(1)\n"
	job, _ := s.wait(t, s.start(t, "kind=events&file=events.csv", body).ID)
	if job.Status != "partial" || job.Stored != 1 || len(job.Problems) != 1 || job.Problems[0].Line != 3 || job.Problems[0].Field != "link" {
		t.Fatalf("job %+v", job)
	}
	evs, err := queries.Events(context.Background(), s.engine, time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), 10)
	if err != nil || len(evs) != 1 || evs[0].Title != hostileTitle || evs[0].Networks[0] != "qq" {
		t.Errorf("stored %+v (%v)", evs, err)
	}
}

// TestEventsOpenAPI: the list, the admin's add and delete are declared.
func TestEventsOpenAPI(t *testing.T) {
	h := eventsServer(t, false, "api_events_openapi")
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(dashtest.Get(t, h, "/api/v1/openapi.json").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for path, method := range map[string]string{"/api/v1/events": "get", "/api/v1/events/{id}": "delete"} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("%s %s is not declared (paths %v)", method, path, doc.Paths[path])
		}
	}
	if _, ok := doc.Paths["/api/v1/events"]["post"]; !ok {
		t.Error("POST /events is not declared")
	}
}
