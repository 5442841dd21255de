package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/respond"
	"github.com/imscope/imscope/queries/embedded"
)

// TestBadParameters: every bad parameter is a 400 naming it, never a 500.
func TestBadParameters(t *testing.T) {
	h := dashtest.Server(t, nil)
	cases := []struct{ name, target, param string }{
		{"unknown metric", "/api/v1/share?metric=bogus", "metric"},
		{"from after to", "/api/v1/share?from=2012-01&to=2011-01", "to"},
		{"from equals to", "/api/v1/share?from=2012-01&to=2012-01-01", "to"},
		{"bad granularity", "/api/v1/share?granularity=fortnight", "granularity"},
		{"bad month", "/api/v1/share?from=2011-13", "from"},
		{"bad day", "/api/v1/share?from=2011-02-30", "from"},
		{"bad quarter", "/api/v1/share?from=2011-Q5", "from"},
		{"word for a date", "/api/v1/share?to=yesterday", "to"},
		{"year out of range", "/api/v1/share?from=1900", "from"},
		{"empty network", "/api/v1/share?networks=qq,,msn", "networks"},
		{"repeated network", "/api/v1/share?networks=qq,msn,qq", "networks"},
		{"control character", "/api/v1/share?networks=qq%0Amsn", "networks"},
		{"too many periods", "/api/v1/share?granularity=day&from=2000-01-01&to=2012-01-01", "granularity"},
		{"top too large", "/api/v1/share?top=101", "top"},
		{"top negative", "/api/v1/share?top=-1", "top"},
		{"top not a number", "/api/v1/share?top=three", "top"},
		{"unknown format", "/api/v1/share?format=xml", "format"},
		{"table with json", "/api/v1/share?table=shares", "table"},
		{"unknown table", "/api/v1/share?format=csv&table=nope", "table"},
		{"unknown parameter", "/api/v1/share?metrc=messages", "metrc"},
		{"parameter twice", "/api/v1/share?metric=messages&metric=sessions", "metric"},
		{"parameter without a name", "/api/v1/share?=messages", "=messages"},
		{"shared parameter checked everywhere", "/api/v1/networks?from=banana", "from"},
		{"segment with control character", "/api/v1/share?segment=%01", "segment"},
		{"merge missing", "/api/v1/scenario/merge", "merge"},
		{"merge of one", "/api/v1/scenario/merge?merge=qq", "merge"},
		{"merge of an unknown network", "/api/v1/scenario/merge?merge=qq,nobody", "merge"},
		{"not a panel period", "/api/v1/switching?from_period=2011-02-01", "from_period"},
		{"first period as to", "/api/v1/switching?to_period=2011-Q1", "to_period"},
		{"last period as from", "/api/v1/switching?from_period=2012-Q2", "from_period"},
		{"pair backwards", "/api/v1/switching?from_period=2012-Q1&to_period=2011-Q3", "to_period"},
		{"min_count negative", "/api/v1/switching?min_count=-1", "min_count"},
		{"k too large", "/api/v1/switching?k=61", "k"},
		{"segment without panel data", "/api/v1/switching?segment=nobody", "segment"},
		{"multihoming period", "/api/v1/multihoming?period=2013-01", "period"},
		{"reachability period", "/api/v1/reachability?period=2011-02", "period"},
		{"bridges not a link", "/api/v1/reachability?bridges=qq", "bridges"},
		{"bridge to itself", "/api/v1/reachability?bridges=qq-qq", "bridges"},
		{"hub without id", "/api/v1/reachability?bridges=hub=", "bridges"},
		{"hub without users", "/api/v1/reachability?bridges=hub=nobody", "bridges"},
		{"bridge to an id in the wrong case", "/api/v1/reachability?bridges=QQ-MSN", "bridges"},
		{"bridge to an unknown network", "/api/v1/reachability?bridges=qq-icq", "bridges"},
		{"traffic from in the future", "/api/v1/bridges?from=2013-01-01", "from"},
		{"step under a minute", "/api/v1/bridges/series?step=30s", "step"},
		{"step not whole minutes", "/api/v1/bridges/series?step=90s", "step"},
		{"step too fine for the span", "/api/v1/bridges/series?step=1m&from=2012-01", "step"},
		{"step not a duration", "/api/v1/bridges/series?step=banana", "step"},
		{"alert limit", "/api/v1/alerts?limit=0", "limit"},
		{"bad escape", "/api/v1/share?from=%zz", "from"},
		{"semicolon separator", "/api/v1/share?metric=messages;top=3", "metric"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := dashtest.Get(t, h, tc.target)
			if w.Code != http.StatusBadRequest {
				t.Fatalf("%s: %d %s, want 400", tc.target, w.Code, w.Body)
			}
			e := dashtest.DecodeError(t, w.Body.Bytes())
			if e.Code != respond.CodeInvalid || e.Param != tc.param {
				t.Errorf("%s: code %q param %q (%s), want %s param %q", tc.target, e.Code, e.Param, e.Message, respond.CodeInvalid, tc.param)
			}
			if strings.HasPrefix(tc.name, "bridge to an") && (!strings.Contains(e.Message, `"qq"`) || !strings.Contains(e.Message, `"msn"`) || strings.Contains(tc.target, "icq") != strings.Contains(e.Message, `"icq"`)) {
				t.Errorf("%s: %q names neither the unknown id nor the valid ones", tc.target, e.Message)
			}
			if e.RequestID != w.Header().Get(respond.HeaderRequestID) {
				t.Errorf("request id %q in the body, %q in the header", e.RequestID, w.Header().Get(respond.HeaderRequestID))
			}
		})
	}
}

// TestEngineUnavailable: a closed engine is a 503 with Retry-After and no
// internals in the body; readiness says so too.
func TestEngineUnavailable(t *testing.T) {
	dashtest.Engine(t) // the process's libchdb connection is open; this engine shares it
	e, err := embedded.Open(context.Background(), embedded.Options{DataDir: dashtest.DataDir(), Database: "dashboard_closed"})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	h := dashtest.Server(t, func(o *dashboard.Options) { o.Engine = e })
	for _, target := range []string{"/api/v1/share", "/api/v1/collectors", "/api/v1/bridges", "/api/v1/switching"} {
		w := dashtest.Get(t, h, target)
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Errorf("%s: %d %s", target, w.Code, w.Body)
			continue
		}
		e := dashtest.DecodeError(t, w.Body.Bytes())
		if e.Code != respond.CodeEngineUnavailable || strings.Contains(e.Message, "closed") {
			t.Errorf("%s: %+v", target, e)
		}
	}
	if w := dashtest.Get(t, h, "/readyz"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz: %d", w.Code)
	}
}

// TestInternalErrorsHideDetails: an unexpected failure (here: a database
// without the schema) is a 500 that names the request id and nothing of
// the SQL or ClickHouse's message.
func TestInternalErrorsHideDetails(t *testing.T) {
	dashtest.Engine(t)
	e, err := embedded.Open(context.Background(), embedded.Options{DataDir: dashtest.DataDir(), Database: "dashboard_unmigrated"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	h := dashtest.Server(t, func(o *dashboard.Options) { o.Engine = e })
	w := dashtest.Get(t, h, "/api/v1/collectors")
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("%d %s, want 500", w.Code, w.Body)
	}
	ae := dashtest.DecodeError(t, w.Body.Bytes())
	if ae.Code != respond.CodeInternal || !strings.Contains(ae.Message, ae.RequestID) {
		t.Errorf("%+v", ae)
	}
	for _, leak := range []string{"clickhouse", "collector_runs", "Code:", "SELECT"} {
		if strings.Contains(w.Body.String(), leak) {
			t.Errorf("the body leaks %q: %s", leak, w.Body)
		}
	}
}

// TestBadDataIsNotBadInput: analytics refusing rows from the database (a
// negative gauge) names no parameter of the request, so it is a 500, not
// a 400 blaming the client.
func TestBadDataIsNotBadInput(t *testing.T) {
	e := dashtest.BadData(t, "dashboard_bad_data")
	h := dashtest.Server(t, func(o *dashboard.Options) { o.Engine = e })
	w := dashtest.Get(t, h, "/api/v1/share?from=2012-06&to=2012-07")
	if w.Code != http.StatusInternalServerError || dashtest.DecodeError(t, w.Body.Bytes()).Param != "" {
		t.Errorf("%d %s, want a 500 naming no parameter", w.Code, w.Body)
	}
}
