package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

const (
	testAdmin    = "admin"
	testPassword = "correct horse battery staple"
	testToken    = "imscope-test-token-0123456789"
)

// adminServer is a dashboard with an admin and a collector runner that
// records its calls; more adjust other options.
func adminServer(t *testing.T, requireLogin bool, more ...func(*Options)) (http.Handler, *runs) {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(testToken))
	r := &runs{}
	h := server(t, func(o *Options) {
		o.Auth = Auth{RequireLogin: requireLogin, AdminUser: testAdmin, AdminPasswordHash: string(hash), AdminTokenHash: hex.EncodeToString(sum[:])}
		o.RunCollector = r.run
		for _, f := range more {
			f(o)
		}
	})
	return h, r
}

type runs struct {
	mu    sync.Mutex
	names []string
}

func (r *runs) run(_ context.Context, name string) (CollectorRun, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = append(r.names, name)
	return CollectorRun{Status: "ok", Rows: 42, Duration: time.Second}, nil
}

func (r *runs) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.names)
}

// post sends a form, with cookies and header pairs.
func post(t *testing.T, h http.Handler, target string, form url.Values, cookies []*http.Cookie, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func getWith(t *testing.T, h http.Handler, target string, cookies []*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

var (
	csrfFieldRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
)

// signIn goes through the sign-in form and returns the session cookie.
func signIn(t *testing.T, h http.Handler, password string) (*httptest.ResponseRecorder, []*http.Cookie) {
	t.Helper()
	form := get(t, h, "/login?next=/collectors")
	m := csrfFieldRE.FindStringSubmatch(form.Body.String())
	if m == nil {
		t.Fatalf("no CSRF field in the sign-in form: %.500s", form.Body)
	}
	w := post(t, h, "/login", url.Values{"_csrf": {m[1]}, "next": {"/collectors"}, "user": {testAdmin}, "password": {password}}, form.Result().Cookies())
	return w, w.Result().Cookies()
}

func TestSignInAndRunCollector(t *testing.T) {
	h, r := adminServer(t, false)
	// Anonymous viewers see pages but no run button, and cannot post.
	if b := get(t, h, "/collectors").Body.String(); strings.Contains(b, "data-run=") || !strings.Contains(b, "Sign in") {
		t.Errorf("anonymous collectors page offers a run: %.300s", b)
	}
	if w := post(t, h, "/collectors/prosody/run", nil, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous run: %d", w.Code)
	}

	w, cookies := signIn(t, h, testPassword)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/collectors" {
		t.Fatalf("sign-in: %d → %q: %.300s", w.Code, w.Header().Get("Location"), w.Body)
	}
	var session *http.Cookie
	for _, c := range cookies {
		if c.Name == cookieSession && c.Value != "" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", session)
	}
	page := getWith(t, h, "/collectors", []*http.Cookie{session})
	if !strings.Contains(page.Body.String(), `data-run="prosody"`) {
		t.Fatalf("the admin sees no run button: %.500s", page.Body)
	}
	token := csrfFieldRE.FindStringSubmatch(page.Body.String())[1]

	// Without the CSRF token, with a wrong one, or from another site: refused.
	for name, tc := range map[string]struct {
		form   url.Values
		header []string
	}{
		"no token":    {url.Values{}, nil},
		"wrong token": {url.Values{"_csrf": {"x" + token}}, nil},
		"cross-site":  {url.Values{"_csrf": {token}}, []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		if w := post(t, h, "/collectors/prosody/run", tc.form, []*http.Cookie{session}, tc.header...); w.Code != http.StatusForbidden {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
	if r.count() != 0 {
		t.Fatalf("refused requests ran collectors: %v", r.names)
	}
	w = post(t, h, "/collectors/prosody/run", url.Values{"_csrf": {token}}, []*http.Cookie{session})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/collectors?ran=prosody" || r.count() != 1 {
		t.Fatalf("run: %d → %q, %d runs", w.Code, w.Header().Get("Location"), r.count())
	}
	if w := post(t, h, "/collectors/nope/run", url.Values{"_csrf": {token}}, []*http.Cookie{session}); w.Code != http.StatusNotFound {
		t.Errorf("unknown collector: %d", w.Code)
	}
	// Sign out needs the token too, then the session is gone.
	w = post(t, h, "/logout", url.Values{"_csrf": {token}}, []*http.Cookie{session})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", w.Code)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == cookieSession && c.MaxAge >= 0 {
			t.Errorf("sign out keeps the session cookie: %+v", c)
		}
	}
}

func TestSignInFailures(t *testing.T) {
	h, _ := adminServer(t, false)
	w, cookies := signIn(t, h, "wrong")
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "Wrong user name or password") {
		t.Errorf("wrong password: %d", w.Code)
	}
	for _, c := range cookies {
		if c.Name == cookieSession && c.Value != "" {
			t.Error("a wrong password got a session")
		}
	}
	// A forged session cookie is no session.
	page := getWith(t, h, "/collectors", []*http.Cookie{{Name: cookieSession, Value: "eyJ1IjoiYWRtaW4iLCJlIjo5OTk5OTk5OTk5LCJjIjoieCJ9.forged"}})
	if strings.Contains(page.Body.String(), "data-run=") {
		t.Error("a forged session is trusted")
	}
	// The sign-in form refuses a post without its own token (login CSRF).
	if w := post(t, h, "/login", url.Values{"user": {testAdmin}, "password": {testPassword}}, nil); w.Code != http.StatusForbidden {
		t.Errorf("sign-in without the form token: %d", w.Code)
	}
	// After addrBurst failures the address is throttled, even with the right password.
	for range addrBurst {
		signIn(t, h, "wrong")
	}
	if w, _ := signIn(t, h, testPassword); w.Code != http.StatusTooManyRequests {
		t.Errorf("after %d failures: %d, want 429", addrBurst+1, w.Code)
	}
}

func TestTokenAndBasic(t *testing.T) {
	h, r := adminServer(t, false)
	w := post(t, h, "/api/v1/collectors/prosody/run", nil, nil, "Authorization", "Bearer "+testToken)
	if w.Code != http.StatusOK {
		t.Fatalf("bearer run: %d %s", w.Code, w.Body)
	}
	var got struct {
		Data collectorRunJSON `json:"data"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.Data.Name != "prosody" || got.Data.Status != "ok" || got.Data.Rows != 42 {
		t.Errorf("answer %s (%v)", w.Body, err)
	}
	for name, auth := range map[string]string{"wrong token": "Bearer nope", "unknown scheme": "Digest x"} {
		if w := post(t, h, "/api/v1/collectors/prosody/run", nil, nil, "Authorization", auth); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
	// Basic credentials are browser-borne: they need the CSRF token.
	req := httptest.NewRequest(http.MethodPost, "/api/v1/collectors/prosody/run", nil)
	req.SetBasicAuth(testAdmin, testPassword)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusForbidden {
		t.Errorf("basic without CSRF token: %d", w.Code)
	}
	if r.count() != 1 {
		t.Errorf("%d runs, want 1", r.count())
	}
}

func TestRequireLogin(t *testing.T) {
	h, _ := adminServer(t, true)
	if w := get(t, h, "/share?from=2012-01"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login?next="+url.QueryEscape("/share?from=2012-01") {
		t.Errorf("page: %d → %q", w.Code, w.Header().Get("Location"))
	}
	if w := get(t, h, "/api/v1/share"); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), `"code":"unauthorized"`) {
		t.Errorf("API: %d %s", w.Code, w.Body)
	}
	for _, open := range []string{"/healthz", "/readyz", "/login", "/static/imscope.css"} {
		if w := get(t, h, open); w.Code != http.StatusOK {
			t.Errorf("%s: %d", open, w.Code)
		}
	}
	if w := get(t, h, "/api/v1/share", "Authorization", "Bearer "+testToken); w.Code != http.StatusOK {
		t.Errorf("API with a token: %d", w.Code)
	}
	_, cookies := signIn(t, h, testPassword)
	if w := getWith(t, h, "/share", cookies); w.Code != http.StatusOK {
		t.Errorf("page after sign-in: %d", w.Code)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/share?x=1": "/share?x=1", "//evil.example": "/", "https://evil.example": "/", "/\\evil": "/", "": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
