package pages_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/queries"
)

const hostileEvent = `</script><img src=x onerror=alert(1)> "3Q" {b}`

// eventsEngine is an engine of its own (the events are not drawn on the
// other tests' charts) holding three months of QQ and MSN users and three
// events: the 3Q war (QQ's), a hostile title about the whole market and
// one about MSN, the last outside the months.
func eventsEngine(t *testing.T, db string) queries.Engine {
	t.Helper()
	ctx := context.Background()
	e := dashtest.EmptyEngine(t, db)
	var samples []imscope.Sample
	for m := 10; m <= 12; m++ {
		ts := time.Date(2010, time.Month(m), 28, 0, 0, 0, 0, time.UTC)
		samples = append(samples,
			imscope.Sample{TS: ts, Source: "test", Network: "qq", Metric: "active_users_30d", Value: 600e6},
			imscope.Sample{TS: ts, Source: "test", Network: "msn", Metric: "active_users_30d", Value: 40e6})
	}
	if err := queries.InsertSamples(ctx, e, samples); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2010, 11, 3, 0, 0, 0, 0, time.UTC)
	events := []imscope.Event{
		{ID: "war", At: day, DateOnly: true, Title: "3Q war", Networks: []string{"qq"}, Link: "https://en.wikipedia.org/wiki/360_v._Tencent"},
		{ID: "hostile", At: day.AddDate(0, 1, 0), DateOnly: true, Title: hostileEvent},
		{ID: "later", At: day.AddDate(1, 0, 0), DateOnly: true, Title: "msn later", Networks: []string{"msn"}},
	}
	if err := queries.StoreEvents(ctx, e, events, "test", dashtest.DemoNow); err != nil {
		t.Fatal(err)
	}
	return e
}

// markLines is the event titles each chart of a page marks, by chart id.
func markLines(t *testing.T, body string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, b := range jsonBlockRE.FindAllStringSubmatch(body, -1) {
		var opt struct {
			Series []struct {
				MarkLine *struct {
					ImEvents bool `json:"imEvents"`
					Data     []struct {
						Name  string `json:"name"`
						XAxis string `json:"xAxis"`
					} `json:"data"`
				} `json:"markLine"`
			} `json:"series"`
		}
		if err := json.Unmarshal([]byte(b[3]), &opt); err != nil {
			t.Fatal(err)
		}
		id := strings.TrimSuffix(b[1], "-option")
		for _, s := range opt.Series {
			if s.MarkLine != nil && s.MarkLine.ImEvents {
				for _, d := range s.MarkLine.Data {
					out[id] = append(out[id], d.XAxis+" "+d.Name)
				}
			}
		}
	}
	return out
}

// TestShareEvents: the Market share page draws the events of its months
// on the share trend (those of the networks shown) and on concentration
// (all: it is the whole market's), at the month each falls in, and lists
// them under each chart — a hostile title as text, never as markup.
func TestShareEvents(t *testing.T) {
	h := dashtest.Server(t, func(o *dashboard.Options) { o.Engine = eventsEngine(t, "pages_events_share") })
	for _, tc := range []struct {
		path                string
		trend, concentrated string
	}{
		{"/share?from=2010-10&to=2011-01&granularity=month", "2010-11 3Q war|2010-12 " + hostileEvent, "2010-11 3Q war|2010-12 " + hostileEvent},
		{"/share?from=2010-10&to=2011-01&granularity=month&networks=msn", "2010-12 " + hostileEvent, "2010-11 3Q war|2010-12 " + hostileEvent},
		{"/share?from=2010-10&to=2011-01&granularity=quarter", "2010-Q4 3Q war · " + hostileEvent, "2010-Q4 3Q war · " + hostileEvent},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := dashtest.Get(t, h, tc.path)
			if w.Code != http.StatusOK {
				t.Fatalf("%d", w.Code)
			}
			body := w.Body.String()
			marks := markLines(t, body)
			if got := strings.Join(marks["share-trend"], "|"); got != tc.trend {
				t.Errorf("share trend marks %q, want %q", got, tc.trend)
			}
			if got := strings.Join(marks["concentration"], "|"); got != tc.concentrated {
				t.Errorf("concentration marks %q, want %q", got, tc.concentrated)
			}
			if strings.Contains(body, "<img src=x") || strings.Contains(body, "</script><img") {
				t.Error("the hostile title is markup in the page")
			}
			if !strings.Contains(body, html.EscapeString(hostileEvent)) && !strings.Contains(body, dashtest.EscapedText(hostileEvent)) {
				t.Error("the hostile title is not listed under the charts")
			}
			if !strings.Contains(body, `<a href="https://en.wikipedia.org/wiki/360_v._Tencent" rel="noopener noreferrer">3Q war</a>`) {
				t.Error("the 3Q war is not listed with its link")
			}
			if strings.Contains(body, "msn later") {
				t.Error("an event outside the months is listed")
			}
		})
	}
}

// TestEventsForm: the admin adds an event through the Events page's form
// (CSRF token and all) and deletes it; a form without the token is
// refused, a bad field is flashed by name, and a viewer sees the list
// without the forms.
func TestEventsForm(t *testing.T) {
	h, _ := dashtest.AdminServer(t, false, func(o *dashboard.Options) { o.Engine = eventsEngine(t, "pages_events_form") })
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	page := dashtest.GetWith(t, h, "/events", cookies)
	m := dashtest.CSRFFieldRE.FindStringSubmatch(page.Body.String())
	if m == nil || !strings.Contains(page.Body.String(), `id="event-form"`) {
		t.Fatalf("no event form for the admin: %.500s", page.Body)
	}
	csrf := m[1]
	form := url.Values{"date": {"2011-06-15"}, "title": {hostileEvent + " gateway"}, "bridges": {"fetion-msn"}, "link": {"https://example.org/gateway"}}
	if w := dashtest.Post(t, h, "/events", form, cookies); w.Code != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", w.Code)
	}
	form.Set("_csrf", csrf)
	w := dashtest.Post(t, h, "/events", form, cookies)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/events" {
		t.Fatalf("add: %d %s", w.Code, w.Header().Get("Location"))
	}
	cookies = mergeCookies(cookies, w.Result().Cookies())
	body := dashtest.GetWith(t, h, "/events", cookies).Body.String()
	if strings.Contains(body, "<img src=x") || !strings.Contains(body, "data-delete-event=") || !strings.Contains(body, "gateway</strong>") {
		t.Fatalf("after adding: %.2000s", body)
	}
	_, d := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/events?bridges=fetion-msn"))
	evs := dashtest.Objs(t, d, "events")
	if len(evs) != 2 { // the new one and the whole market's
		t.Fatalf("events %v", evs)
	}
	id := ""
	for _, ev := range evs {
		if strings.HasSuffix(ev["title"].(string), " gateway") {
			id = ev["id"].(string)
		}
	}
	bad := url.Values{"_csrf": {csrf}, "date": {"yesterday"}, "title": {"x"}}
	w = dashtest.Post(t, h, "/events", bad, cookies)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("bad date: %d", w.Code)
	}
	flashed := dashtest.GetWith(t, h, "/events", mergeCookies(cookies, w.Result().Cookies())).Body.String()
	if !strings.Contains(flashed, "No event was added: date:") {
		t.Errorf("the bad field is not flashed: %.3000s", flashed)
	}
	w = dashtest.Post(t, h, "/events/"+url.PathEscape(id)+"/delete", url.Values{"_csrf": {csrf}}, cookies)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d", w.Code)
	}
	_, d = dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/events?bridges=fetion-msn"))
	if evs := dashtest.Objs(t, d, "events"); len(evs) != 1 {
		t.Errorf("after deleting: %v", evs)
	}
	viewer := dashtest.Get(t, h, "/events").Body.String()
	if strings.Contains(viewer, `id="event-form"`) || strings.Contains(viewer, "data-delete-event") || !strings.Contains(viewer, "3Q war") {
		t.Errorf("a viewer's page: %.2000s", viewer)
	}
	if w := dashtest.Post(t, h, "/events", form, nil); w.Code == http.StatusSeeOther || w.Code == http.StatusOK {
		t.Errorf("a viewer's post: %d", w.Code)
	}
}

// mergeCookies is a with b's cookies replacing a's of the same name.
func mergeCookies(a, b []*http.Cookie) []*http.Cookie {
	out := append([]*http.Cookie(nil), b...)
	for _, c := range a {
		dup := false
		for _, n := range b {
			dup = dup || n.Name == c.Name
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// TestForecastAndBridgeEvents: an event between the migration page's two
// periods is drawn at the forecast's start; an event about a bridge in
// the Bridges page's window is drawn on its series charts, one about
// another network's bridge is not. (The events are written to the demo's
// database and deleted again when the test ends.)
func TestForecastAndBridgeEvents(t *testing.T) {
	ctx := context.Background()
	e := dashtest.Engine(t)
	h := dashtest.Server(t, nil)
	_, d := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/switching"))
	pairs := dashtest.Objs(t, d, "transitions")
	if len(pairs) == 0 {
		t.Fatal("no transitions in the demo")
	}
	to, err := time.Parse(time.DateOnly, pairs[0]["to_period"].(string))
	if err != nil {
		t.Fatal(err)
	}
	events := []imscope.Event{
		{ID: "test-switch", At: to.AddDate(0, 0, 3), DateOnly: true, Title: "a price war"},
		{ID: "test-gateway", At: dashtest.DemoNow.Add(-3 * time.Hour), Title: "gateway restarted", Bridges: []string{"fetion-msn"}},
		{ID: "test-other", At: dashtest.DemoNow.Add(-2 * time.Hour), Title: "not shown", Bridges: []string{"icq-aim"}, Networks: []string{"icq"}},
	}
	if err := queries.StoreEvents(ctx, e, events, "test", dashtest.DemoNow); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, ev := range events {
			if _, err := queries.DeleteEvent(ctx, e, ev.ID, "test", dashtest.DemoNow); err != nil {
				t.Error(err)
			}
		}
	})
	h = dashtest.Server(t, nil) // a fresh cache, that reads the events
	marks := markLines(t, dashtest.Get(t, h, "/migration?lang=en").Body.String())
	if got := strings.Join(marks["forecast"], "|"); got != "now a price war" {
		t.Errorf("forecast marks %q, want the event at its start", got)
	}
	body := dashtest.Get(t, h, "/bridges").Body.String()
	marks = markLines(t, body)
	for _, id := range []string{"route-rate", "route-failures", "route-p95"} {
		if got := strings.Join(marks[id], "|"); !strings.HasSuffix(got, " gateway restarted") || strings.Contains(got, "not shown") {
			t.Errorf("%s marks %q, want the gateway's event only", id, got)
		}
	}
}
