package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/respond"
)

// silenceAPI posts a form to the silences API with the admin token.
func silenceAPI(t *testing.T, h http.Handler, target string, form url.Values) (int, api.Silence, respond.Error) {
	t.Helper()
	w := dashtest.Post(t, h, target, form, nil, "Authorization", "Bearer "+dashtest.TestToken)
	var body struct {
		Data  api.Silence   `json:"data"`
		Error respond.Error `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: not JSON: %s", target, w.Body)
	}
	return w.Code, body.Data, body.Error
}

// TestSilencesAPI: an admin silences a rule or label matchers for a while
// and expires the silence; both land in the audit log with who did it, and
// bad input is a 400 naming the field.
func TestSilencesAPI(t *testing.T) {
	h, _ := dashtest.AdminServer(t, false)
	code, s, e := silenceAPI(t, h, "/api/v1/alerts/silences", url.Values{"rule": {"fetion-msn-down"}, "duration": {"4h"}, "comment": {"maintenance window"}})
	if code != http.StatusOK || s.ID == "" || !s.Active || s.EndsAt != dashtest.DemoNow.Add(4*time.Hour) || len(s.Rules) != 1 || s.Rules[0] != "fetion-msn-down" || s.CreatedBy != "token" {
		t.Fatalf("create: %d %+v %+v", code, s, e)
	}
	_, d := dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/alerts/silences"))
	if !hasSilence(t, d, s.ID) || !hasChange(t, d, s.ID, "create", "token") {
		t.Errorf("not listed: %v", d)
	}
	if rows := dashtest.GetCSV(t, h, "/api/v1/alerts/silences?format=csv&table=changes"); len(rows) == 0 || rows[0]["actor"] == "" {
		t.Errorf("CSV changes %v", rows)
	}
	code, _, _ = silenceAPI(t, h, "/api/v1/alerts/silences/"+s.ID+"/expire", nil)
	if code != http.StatusOK {
		t.Fatalf("expire: %d", code)
	}
	_, d = dashtest.Decode(t, dashtest.Get(t, h, "/api/v1/alerts/silences"))
	if hasSilence(t, d, s.ID) || !hasChange(t, d, s.ID, "expire", "token") {
		t.Errorf("after expiry: %v", d)
	}
	for _, id := range []string{s.ID, "00000000-0000-0000-0000-000000000000", "nope"} {
		if code, _, e := silenceAPI(t, h, "/api/v1/alerts/silences/"+id+"/expire", nil); code != http.StatusNotFound || e.Code != respond.CodeNotFound {
			t.Errorf("expire %s again: %d %+v", id, code, e)
		}
	}

	// Label matchers, until a time.
	code, s, _ = silenceAPI(t, h, "/api/v1/alerts/silences", url.Values{"matchers": {"bridge=fetion-msn\nkind=~\"thresh.*\""}, "until": {"2012-07-02T12:00:00Z"}})
	if code != http.StatusOK || len(s.Matchers) != 2 || len(s.Rules) != 0 {
		t.Errorf("matchers: %d %+v", code, s)
	}
	silenceAPI(t, h, "/api/v1/alerts/silences/"+s.ID+"/expire", nil)

	for _, tc := range []struct {
		name  string
		form  url.Values
		param string
	}{
		{"nothing to match", url.Values{"duration": {"1h"}}, "matchers"},
		{"not a matcher", url.Values{"matchers": {"bridge"}, "duration": {"1h"}}, "matchers"},
		{"bad regex", url.Values{"matchers": {"bridge=~("}, "duration": {"1h"}}, "matchers"},
		{"unknown rule", url.Values{"rule": {"nope"}, "duration": {"1h"}}, "rule"},
		{"no duration", url.Values{"rule": {"fetion-msn-down"}}, "duration"},
		{"bad duration", url.Values{"rule": {"fetion-msn-down"}, "duration": {"forever"}}, "duration"},
		{"zero duration", url.Values{"rule": {"fetion-msn-down"}, "duration": {"0s"}}, "duration"},
		{"too long", url.Values{"rule": {"fetion-msn-down"}, "duration": {"100d"}}, "duration"},
		{"both", url.Values{"rule": {"fetion-msn-down"}, "duration": {"1h"}, "until": {"2012-07-02"}}, "until"},
		{"past", url.Values{"rule": {"fetion-msn-down"}, "until": {"2012-06-01"}}, "until"},
		{"bad until", url.Values{"rule": {"fetion-msn-down"}, "until": {"tomorrow"}}, "until"},
		{"long comment", url.Values{"rule": {"fetion-msn-down"}, "duration": {"1h"}, "comment": {strings.Repeat("x", 501)}}, "comment"},
		{"unknown field", url.Values{"rule": {"fetion-msn-down"}, "duration": {"1h"}, "duraton": {"2h"}}, "duraton"},
		{"twice", url.Values{"rule": {"fetion-msn-down"}, "duration": {"1h", "2h"}}, "duration"},
	} {
		code, _, e := silenceAPI(t, h, "/api/v1/alerts/silences", tc.form)
		if code != http.StatusBadRequest || e.Code != respond.CodeInvalid || e.Param != tc.param {
			t.Errorf("%s: %d %+v, want 400 naming %s", tc.name, code, e, tc.param)
		}
	}
	if w := dashtest.Post(t, h, "/api/v1/alerts/silences", url.Values{"rule": {"fetion-msn-down"}, "duration": {"1h"}}, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", w.Code)
	}

	// The OpenAPI document gives the form's fields and the 400.
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Properties map[string]any `json:"properties"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(dashtest.Get(t, h, "/api/v1/openapi.json").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/api/v1/alerts/silences"]["post"]
	fields := op.RequestBody.Content["application/x-www-form-urlencoded"].Schema.Properties
	if len(fields) != 5 || fields["matchers"] == nil || op.Responses["400"] == nil {
		t.Errorf("documented fields %v, responses %v", fields, op.Responses)
	}
}

func hasSilence(t *testing.T, d map[string]any, id string) bool {
	for _, s := range dashtest.Objs(t, d, "silences") {
		if s["id"] == id {
			return true
		}
	}
	return false
}

func hasChange(t *testing.T, d map[string]any, id, action, actor string) bool {
	for _, c := range dashtest.Objs(t, d, "changes") {
		if c["silence_id"] == id && c["action"] == action && c["actor"] == actor {
			return true
		}
	}
	return false
}
