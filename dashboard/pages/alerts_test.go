package pages_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

var expireFormRE = regexp.MustCompile(`<form method="post" action="(/alerts/silences/[^"]+/expire)">`)

// TestSilencesPage: from the Alerts page an admin silences a rule (the
// rule row's buttons) or label matchers and expires a silence, with the
// form's CSRF token; the page shows the silences, the muted rule and the
// audit log with the admin's name, hostile text as text.
func TestSilencesPage(t *testing.T) {
	h, _ := dashtest.AdminServer(t, false)
	if b := dashtest.Get(t, h, "/alerts").Body.String(); strings.Contains(b, "data-silence=") || strings.Contains(b, `id="silence-form"`) {
		t.Error("a viewer is offered silence forms")
	}
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	page := dashtest.GetWith(t, h, "/alerts?lang=en", cookies).Body.String()
	if !strings.Contains(page, `data-silence="fetion-msn-down"`) || !strings.Contains(page, `id="silence-form"`) {
		t.Fatalf("no silence forms for the admin: %.3000s", page)
	}
	token := dashtest.CSRFFieldRE.FindStringSubmatch(page)[1]
	before := map[string]bool{}
	for _, f := range expireFormRE.FindAllStringSubmatch(page, -1) {
		before[f[1]] = true
	}
	if w := dashtest.Post(t, h, "/alerts/silences", url.Values{"rule": {"fetion-msn-down"}, "duration": {"1h"}}, cookies); w.Code != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d", w.Code)
	}

	// A rule for 1h: the row says it is silenced.
	w := dashtest.Post(t, h, "/alerts/silences", url.Values{"_csrf": {token}, "rule": {"fetion-msn-down"}, "duration": {"1h"}}, cookies)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/alerts#silences" {
		t.Fatalf("silence a rule: %d → %q", w.Code, w.Header().Get("Location"))
	}
	page = dashtest.GetWith(t, h, "/alerts?lang=en", append(cookies, w.Result().Cookies()...)).Body.String()
	if !strings.Contains(page, `Silenced rule=&#34;fetion-msn-down&#34; until 2012-07-01 01:00 UTC.`) || !strings.Contains(page, "data-muted>silenced until 2012-07-01 01:00 UTC") {
		t.Errorf("no notice or muted badge: %.4000s", page)
	}

	// Hostile label value and comment: stored, shown as text.
	hostile := `</script><script>alert(1)</script>`
	w = dashtest.Post(t, h, "/alerts/silences", url.Values{"_csrf": {token}, "matchers": {"bridge=" + `"` + hostile + `"`}, "duration": {"2h"}, "comment": {`"><img src=x onerror=alert(1)>`}}, cookies)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("silence a label: %d", w.Code)
	}
	page = dashtest.GetWith(t, h, "/alerts?lang=en", cookies).Body.String()
	if strings.Contains(page, "<script>alert(1)") || strings.Contains(page, "<img src=x") {
		t.Error("hostile text became markup")
	}
	if !strings.Contains(page, dashtest.EscapedText(`"><img src=x onerror=alert(1)>`)) || !strings.Contains(page, `<td data-actor>admin</td>`) {
		t.Errorf("the comment or the actor is not shown: %.4000s", page)
	}

	// Bad input goes back to the page with the field named.
	w = dashtest.Post(t, h, "/alerts/silences", url.Values{"_csrf": {token}, "rule": {"fetion-msn-down"}, "duration": {"soon"}}, cookies)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("bad duration: %d", w.Code)
	}
	if b := dashtest.GetWith(t, h, "/alerts?lang=en", append(cookies, w.Result().Cookies()...)).Body.String(); !strings.Contains(b, `<div class="notice error" role="alert">No silence was created: duration: `) {
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
		w = dashtest.Post(t, h, f, url.Values{"_csrf": {token}}, cookies)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("expire %s: %d", f, w.Code)
		}
	}
	page = dashtest.GetWith(t, h, "/alerts?lang=en", append(cookies, w.Result().Cookies()...)).Body.String()
	if strings.Contains(page, forms[0]) || strings.Contains(page, forms[1]) || strings.Contains(page, "data-muted") || !strings.Contains(page, "<td>expired</td><td data-actor>admin</td>") {
		t.Errorf("after expiry: %.4000s", page)
	}
	// Expiring again is a notice, not an error page.
	w = dashtest.Post(t, h, forms[0], url.Values{"_csrf": {token}}, cookies)
	if b := dashtest.GetWith(t, h, "/alerts?lang=en", append(cookies, w.Result().Cookies()...)).Body.String(); w.Code != http.StatusSeeOther || !strings.Contains(b, "That silence had ended already.") {
		t.Errorf("expire again: %d", w.Code)
	}
}
