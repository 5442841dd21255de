package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/guard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/internal/reporttest"
)

// TestAdminScripts runs a report as the README shows scripts doing it,
// through a real server and every middleware: a Bearer token acts as is;
// HTTP Basic acts with the header X-Requested-By (which no cross-site page
// can add) and is refused without it — a browser replays cached Basic
// credentials on forged cross-site forms — with a message saying what to
// add; a cross-site request is refused whatever it carries.
func TestAdminScripts(t *testing.T) {
	svc, dir := reporttest.Service(t, "weekly", reporttest.StubRenderer{})
	srv, _ := dashtest.LiveAdmin(t, reporttest.WithReports(svc, dir))
	basic := func(r *http.Request) { r.SetBasicAuth(dashtest.TestAdmin, dashtest.TestPassword) }
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+dashtest.TestToken) }
	for _, tc := range []struct {
		name   string
		auth   func(*http.Request)
		header []string
		code   int
		says   string
	}{
		{"bearer", bearer, nil, http.StatusOK, `"trigger":"manual"`},
		{"basic with X-Requested-By", basic, []string{guard.HeaderRequestedBy, "cron"}, http.StatusOK, `"trigger":"manual"`},
		{"basic alone", basic, nil, http.StatusForbidden, "HTTP Basic from a script needs the header X-Requested-By"},
		{"basic cross-site", basic, []string{guard.HeaderRequestedBy, "x", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden, "cross-origin"},
		{"bearer cross-site", bearer, []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden, "cross-origin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/reports/weekly/run", nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.auth(req)
			for i := 0; i+1 < len(tc.header); i += 2 {
				req.Header.Set(tc.header[i], tc.header[i+1])
			}
			resp, body := dashtest.Send(t, req)
			if resp.StatusCode != tc.code || !strings.Contains(body, tc.says) {
				t.Errorf("%d %s; want %d saying %q", resp.StatusCode, body, tc.code, tc.says)
			}
		})
	}
}
