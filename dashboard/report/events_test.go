package report

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/pages"
	"github.com/imscope/imscope/queries"
)

// TestReportEvents: a report's market share and concentration sections
// mark the events of their period on the charts and list them under the
// charts — a hostile title as text — and leave out an event of another
// quarter.
func TestReportEvents(t *testing.T) {
	ctx := context.Background()
	e := dashtest.EmptyEngine(t, "report_events")
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
	const hostile = `</script><img src=x onerror=alert(1)> truce`
	day := time.Date(2010, 11, 3, 0, 0, 0, 0, time.UTC)
	events := []imscope.Event{
		{ID: "war", At: day, DateOnly: true, Title: "3Q war", Networks: []string{"qq"}, Link: "https://en.wikipedia.org/wiki/360_v._Tencent"},
		{ID: "truce", At: day.AddDate(0, 0, 18), DateOnly: true, Title: hostile},
		{ID: "later", At: day.AddDate(0, 6, 0), DateOnly: true, Title: "another quarter"},
	}
	if err := queries.StoreEvents(ctx, e, events, "test", dashtest.DemoNow); err != nil {
		t.Fatal(err)
	}
	opts := dashtest.Options(t).Options
	opts.Engine = e
	r, err := NewPageRenderer(opts, "")
	if err != nil {
		t.Fatal(err)
	}
	def := Definition{Name: "q", Title: "Quarterly", Location: time.UTC, Granularity: imscope.Quarter, Sections: []Section{SectionShare, SectionConcentration}, Language: pages.LangEN}
	p, err := ParsePeriod("2010-Q4", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Render(ctx, def, p)
	if err != nil {
		t.Fatal(err)
	}
	html := string(out.HTML)
	if n := strings.Count(html, `<a href="https://en.wikipedia.org/wiki/360_v._Tencent" rel="noopener noreferrer">3Q war</a>`); n < 2 {
		t.Errorf("the 3Q war is listed under %d charts, want the share trend and concentration", n)
	}
	if !strings.Contains(html, "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; truce") {
		t.Error("the hostile title is not listed as text")
	}
	if strings.Contains(html, "<img src=x") || strings.Contains(html, "</script><img") {
		t.Error("the hostile title is markup in the report")
	}
	if strings.Contains(html, "another quarter") {
		t.Error("an event of another quarter is in the report")
	}
	if !strings.Contains(html, `"imEvents":true`) {
		t.Error("no chart of the report marks the events")
	}
}
