package guard_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/guard"

	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
)

func TestMain(m *testing.M) { dashtest.Main(m) }

func TestSignInAndRunCollector(t *testing.T) {
	h, r := dashtest.AdminServer(t, false)
	// Anonymous viewers see pages but no run button, and cannot post.
	if b := dashtest.Get(t, h, "/collectors").Body.String(); strings.Contains(b, "data-run=") || !strings.Contains(b, "Sign in") {
		t.Errorf("anonymous collectors page offers a run: %.300s", b)
	}
	if w := dashtest.Post(t, h, "/collectors/prosody/run", nil, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous run: %d", w.Code)
	}

	w, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/collectors" {
		t.Fatalf("sign-in: %d → %q: %.300s", w.Code, w.Header().Get("Location"), w.Body)
	}
	var session *http.Cookie
	for _, c := range cookies {
		if c.Name == guard.CookieSession && c.Value != "" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", session)
	}
	page := dashtest.GetWith(t, h, "/collectors", []*http.Cookie{session})
	if !strings.Contains(page.Body.String(), `data-run="prosody"`) {
		t.Fatalf("the admin sees no run button: %.500s", page.Body)
	}
	token := dashtest.CSRFFieldRE.FindStringSubmatch(page.Body.String())[1]

	// Without the CSRF token, with a wrong one, or from another site: refused.
	for name, tc := range map[string]struct {
		form   url.Values
		header []string
	}{
		"no token":    {url.Values{}, nil},
		"wrong token": {url.Values{"_csrf": {"x" + token}}, nil},
		"cross-site":  {url.Values{"_csrf": {token}}, []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		if w := dashtest.Post(t, h, "/collectors/prosody/run", tc.form, []*http.Cookie{session}, tc.header...); w.Code != http.StatusForbidden {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
	if r.Count() != 0 {
		t.Fatalf("refused requests ran collectors: %v", r.Names)
	}
	w = dashtest.Post(t, h, "/collectors/prosody/run", url.Values{"_csrf": {token}}, []*http.Cookie{session})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/collectors?ran=prosody" || r.Count() != 1 {
		t.Fatalf("run: %d → %q, %d runs", w.Code, w.Header().Get("Location"), r.Count())
	}
	if w := dashtest.Post(t, h, "/collectors/nope/run", url.Values{"_csrf": {token}}, []*http.Cookie{session}); w.Code != http.StatusNotFound {
		t.Errorf("unknown collector: %d", w.Code)
	}
	// Sign out needs the token too, then the session is gone.
	w = dashtest.Post(t, h, "/logout", url.Values{"_csrf": {token}}, []*http.Cookie{session})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", w.Code)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == guard.CookieSession && c.MaxAge >= 0 {
			t.Errorf("sign out keeps the session cookie: %+v", c)
		}
	}
}

func TestSignInFailures(t *testing.T) {
	h, _ := dashtest.AdminServer(t, false)
	w, cookies := dashtest.SignIn(t, h, "wrong")
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "Wrong user name or password") {
		t.Errorf("wrong password: %d", w.Code)
	}
	for _, c := range cookies {
		if c.Name == guard.CookieSession && c.Value != "" {
			t.Error("a wrong password got a session")
		}
	}
	// A forged session cookie is no session.
	page := dashtest.GetWith(t, h, "/collectors", []*http.Cookie{{Name: guard.CookieSession, Value: "eyJ1IjoiYWRtaW4iLCJlIjo5OTk5OTk5OTk5LCJjIjoieCJ9.forged"}})
	if strings.Contains(page.Body.String(), "data-run=") {
		t.Error("a forged session is trusted")
	}
	// The sign-in form refuses a post without its own token (login CSRF).
	if w := dashtest.Post(t, h, "/login", url.Values{"user": {dashtest.TestAdmin}, "password": {dashtest.TestPassword}}, nil); w.Code != http.StatusForbidden {
		t.Errorf("sign-in without the form token: %d", w.Code)
	}
	// After guard.AddrBurst failures the address is throttled, even with the right password.
	for range guard.AddrBurst {
		dashtest.SignIn(t, h, "wrong")
	}
	if w, _ := dashtest.SignIn(t, h, dashtest.TestPassword); w.Code != http.StatusTooManyRequests {
		t.Errorf("after %d failures: %d, want 429", guard.AddrBurst+1, w.Code)
	}
}

func TestTokenAndBasic(t *testing.T) {
	h, r := dashtest.AdminServer(t, false)
	w := dashtest.Post(t, h, "/api/v1/collectors/prosody/run", nil, nil, "Authorization", "Bearer "+dashtest.TestToken)
	if w.Code != http.StatusOK {
		t.Fatalf("bearer run: %d %s", w.Code, w.Body)
	}
	var got struct {
		Data api.CollectorRunResult `json:"data"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.Data.Name != "prosody" || got.Data.Status != "ok" || got.Data.Rows != 42 {
		t.Errorf("answer %s (%v)", w.Body, err)
	}
	for name, auth := range map[string]string{"wrong token": "Bearer nope", "unknown scheme": "Digest x"} {
		if w := dashtest.Post(t, h, "/api/v1/collectors/prosody/run", nil, nil, "Authorization", auth); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
	// Basic credentials are browser-borne: they need the CSRF token.
	req := httptest.NewRequest(http.MethodPost, "/api/v1/collectors/prosody/run", nil)
	req.SetBasicAuth(dashtest.TestAdmin, dashtest.TestPassword)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusForbidden {
		t.Errorf("basic without CSRF token: %d", w.Code)
	}
	if r.Count() != 1 {
		t.Errorf("%d runs, want 1", r.Count())
	}
}

func TestRequireLogin(t *testing.T) {
	h, _ := dashtest.AdminServer(t, true)
	if w := dashtest.Get(t, h, "/share?from=2012-01"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next="+url.QueryEscape("/share?from=2012-01") {
		t.Errorf("page: %d → %q", w.Code, w.Header().Get("Location"))
	}
	if w := dashtest.Get(t, h, "/api/v1/share"); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `"code":"unauthorized"`) {
		t.Errorf("API: %d %s", w.Code, w.Body)
	}
	for _, open := range []string{"/healthz", "/readyz", "/login", "/static/imscope.css"} {
		if w := dashtest.Get(t, h, open); w.Code != http.StatusOK {
			t.Errorf("%s: %d", open, w.Code)
		}
	}
	if w := dashtest.Get(t, h, "/api/v1/share", "Authorization", "Bearer "+dashtest.TestToken); w.Code != http.StatusOK {
		t.Errorf("API with a token: %d", w.Code)
	}
	_, cookies := dashtest.SignIn(t, h, dashtest.TestPassword)
	if w := dashtest.GetWith(t, h, "/share", cookies); w.Code != http.StatusOK {
		t.Errorf("page after sign-in: %d", w.Code)
	}
}
