package dashboard

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// silenceAPI posts a form to the silences API with the admin token.
func silenceAPI(t *testing.T, h http.Handler, target string, form url.Values) (int, silenceJSON, apiError) {
	t.Helper()
	w := post(t, h, target, form, nil, "Authorization", "Bearer "+testToken)
	var body struct {
		Data  silenceJSON `json:"data"`
		Error apiError    `json:"error"`
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
	h, _ := adminServer(t, false)
	code, s, e := silenceAPI(t, h, "/api/v1/alerts/silences", url.Values{"rule": {"fetion-msn-down"}, "duration": {"4h"}, "comment": {"maintenance window"}})
	if code != http.StatusOK || s.ID == "" || !s.Active || s.EndsAt != demoNow.Add(4*time.Hour) || len(s.Rules) != 1 || s.Rules[0] != "fetion-msn-down" || s.CreatedBy != "token" {
		t.Fatalf("create: %d %+v %+v", code, s, e)
	}
	_, d := decode(t, get(t, h, "/api/v1/alerts/silences"))
	if !hasSilence(t, d, s.ID) || !hasChange(t, d, s.ID, "create", "token") {
		t.Errorf("not listed: %v", d)
	}
	if rows := getCSV(t, h, "/api/v1/alerts/silences?format=csv&table=changes"); len(rows) == 0 || rows[0]["actor"] == "" {
		t.Errorf("CSV changes %v", rows)
	}
	code, _, _ = silenceAPI(t, h, "/api/v1/alerts/silences/"+s.ID+"/expire", nil)
	if code != http.StatusOK {
		t.Fatalf("expire: %d", code)
	}
	_, d = decode(t, get(t, h, "/api/v1/alerts/silences"))
	if hasSilence(t, d, s.ID) || !hasChange(t, d, s.ID, "expire", "token") {
		t.Errorf("after expiry: %v", d)
	}
	for _, id := range []string{s.ID, "00000000-0000-0000-0000-000000000000", "nope"} {
		if code, _, e := silenceAPI(t, h, "/api/v1/alerts/silences/"+id+"/expire", nil); code != http.StatusNotFound || e.Code != codeNotFound {
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
		if code != http.StatusBadRequest || e.Code != codeInvalid || e.Param != tc.param {
			t.Errorf("%s: %d %+v, want 400 naming %s", tc.name, code, e, tc.param)
		}
	}
	if w := post(t, h, "/api/v1/alerts/silences", url.Values{"rule": {"fetion-msn-down"}, "duration": {"1h"}}, nil); w.Code != http.StatusUnauthorized {
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
	if err := json.Unmarshal(get(t, h, "/api/v1/openapi.json").Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/api/v1/alerts/silences"]["post"]
	fields := op.RequestBody.Content["application/x-www-form-urlencoded"].Schema.Properties
	if len(fields) != 5 || fields["matchers"] == nil || op.Responses["400"] == nil {
		t.Errorf("documented fields %v, responses %v", fields, op.Responses)
	}
}

func hasSilence(t *testing.T, d map[string]any, id string) bool {
	for _, s := range objs(t, d, "silences") {
		if s["id"] == id {
			return true
		}
	}
	return false
}

func hasChange(t *testing.T, d map[string]any, id, action, actor string) bool {
	for _, c := range objs(t, d, "changes") {
		if c["silence_id"] == id && c["action"] == action && c["actor"] == actor {
			return true
		}
	}
	return false
}

var expireFormRE = regexp.MustCompile(`<form method="post" action="(/alerts/silences/[^"]+/expire)">`)

// TestSilencesPage: from the Alerts page an admin silences a rule (the
// rule row's buttons) or label matchers and expires a silence, with the
// form's CSRF token; the page shows the silences, the muted rule and the
// audit log with the admin's name, hostile text as text.
func TestSilencesPage(t *testing.T) {
	h, _ := adminServer(t, false)
	if b := get(t, h, "/alerts").Body.String(); strings.Contains(b, "data-silence=") || strings.Contains(b, `id="silence-form"`) {
		t.Error("a viewer is offered silence forms")
	}
	_, cookies := signIn(t, h, testPassword)
	page := getWith(t, h, "/alerts?lang=en", cookies).Body.String()
	if !strings.Contains(page, `data-silence="fetion-msn-down"`) || !strings.Contains(page, `id="silence-form"`) {
		t.Fatalf("no silence forms for the admin: %.3000s", page)
	}
	token := csrfFieldRE.FindStringSubmatch(page)[1]
	before := map[string]bool{}
	for _, f := range expireFormRE.FindAllStringSubmatch(page, -1) {
		before[f[1]] = true
	}
	if w := post(t, h, "/alerts/silences", url.Values{"rule": {"fetion-msn-down"}, "duration": {"1h"}}, cookies); w.Code != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", w.Code)
	}

	// A rule for 1h: the row says it is silenced.
	w := post(t, h, "/alerts/silences", url.Values{"_csrf": {token}, "rule": {"fetion-msn-down"}, "duration": {"1h"}}, cookies)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/alerts#silences" {
		t.Fatalf("silence a rule: %d → %q", w.Code, w.Header().Get("Location"))
	}
	page = getWith(t, h, "/alerts?lang=en", append(cookies, w.Result().Cookies()...)).Body.String()
	if !strings.Contains(page, `Silenced rule=&#34;fetion-msn-down&#34; until 2012-07-01 01:00 UTC.`) || !strings.Contains(page, "data-muted>silenced until 2012-07-01 01:00 UTC") {
		t.Errorf("no notice or muted badge: %.4000s", page)
	}

	// Hostile label value and comment: stored, shown as text.
	hostile := `</script><script>alert(1)</script>`
	w = post(t, h, "/alerts/silences", url.Values{"_csrf": {token}, "matchers": {"bridge=" + `"` + hostile + `"`}, "duration": {"2h"}, "comment": {`"><img src=x onerror=alert(1)>`}}, cookies)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("silence a label: %d", w.Code)
	}
	page = getWith(t, h, "/alerts?lang=en", cookies).Body.String()
	if strings.Contains(page, "<script>alert(1)") || strings.Contains(page, "<img src=x") {
		t.Error("hostile text became markup")
	}
	if !strings.Contains(page, escapedText(`"><img src=x onerror=alert(1)>`)) || !strings.Contains(page, `<td data-actor>admin</td>`) {
		t.Errorf("the comment or the actor is not shown: %.4000s", page)
	}

	// Bad input goes back to the page with the field named.
	w = post(t, h, "/alerts/silences", url.Values{"_csrf": {token}, "rule": {"fetion-msn-down"}, "duration": {"soon"}}, cookies)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("bad duration: %d", w.Code)
	}
	if b := getWith(t, h, "/alerts?lang=en", append(cookies, w.Result().Cookies()...)).Body.String(); !strings.Contains(b, `<div class="notice error" role="alert">No silence was created: duration: `) {
		t.Errorf("no notice naming the field: %.3000s", b)
	}

	// Expire the two: the audit log says who.
	var forms []string
	for _, f := range expireFormRE.FindAllStringSubmatch(page, -1) {
		if !before[f[1]] {
			forms = append(forms, f[1])
		}
	}
	if len(forms) != 2 {
		t.Fatalf("%d new expire forms", len(forms))
	}
	for _, f := range forms {
		w = post(t, h, f, url.Values{"_csrf": {token}}, cookies)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("expire %s: %d", f, w.Code)
		}
	}
	page = getWith(t, h, "/alerts?lang=en", append(cookies, w.Result().Cookies()...)).Body.String()
	if strings.Contains(page, forms[0]) || strings.Contains(page, forms[1]) || strings.Contains(page, "data-muted") || !strings.Contains(page, "<td>expired</td><td data-actor>admin</td>") {
		t.Errorf("after expiry: %.4000s", page)
	}
	// Expiring again is a notice, not an error page.
	w = post(t, h, forms[0], url.Values{"_csrf": {token}}, cookies)
	if b := getWith(t, h, "/alerts?lang=en", append(cookies, w.Result().Cookies()...)).Body.String(); w.Code != http.StatusSeeOther || !strings.Contains(b, "That silence had ended already.") {
		t.Errorf("expire again: %d", w.Code)
	}
}
