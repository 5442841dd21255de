package pages_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

// TestPageBadDataIsNotBadInput: analytics refusing rows from the database
// (a negative gauge) names no parameter the reader gave, so the page is a
// 500 — as the API's answer to the same question is — with the notice that
// quotes the request id, not a 400 blaming the reader.
func TestPageBadDataIsNotBadInput(t *testing.T) {
	e := dashtest.BadData(t, "pages_bad_data")
	h := dashtest.Server(t, func(o *dashboard.Options) { o.Engine = e })
	api := dashtest.Get(t, h, "/api/v1/share?from=2012-06&to=2012-07")
	page := dashtest.Get(t, h, "/share?from=2012-06&to=2012-07&lang=en")
	if api.Code != http.StatusInternalServerError || page.Code != api.Code {
		t.Errorf("API %d, page %d: want both 500", api.Code, page.Code)
	}
	if !strings.Contains(page.Body.String(), `<div class="notice error" role="alert">`) || !strings.Contains(page.Body.String(), "request id") {
		t.Errorf("the page does not say it failed, with the request id: %.2000s", page.Body)
	}
}
