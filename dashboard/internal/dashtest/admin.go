package dashtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/api"
	"github.com/imscope/imscope/dashboard/guard"
)

// The admin of AdminServer.
const (
	TestAdmin    = "admin"
	TestPassword = "correct horse battery staple"
	TestToken    = "imscope-test-token-0123456789"
)

// AdminServer is a dashboard with an admin and a collector runner that
// records its calls; more adjust other options.
func AdminServer(t testing.TB, requireLogin bool, more ...func(*dashboard.Options)) (http.Handler, *Runs) {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(TestPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(TestToken))
	r := &Runs{}
	h := Server(t, func(o *dashboard.Options) {
		o.Auth = guard.Auth{RequireLogin: requireLogin, AdminUser: TestAdmin, AdminPasswordHash: string(hash), AdminTokenHash: hex.EncodeToString(sum[:])}
		o.RunCollector = r.Run
		for _, f := range more {
			f(o)
		}
	})
	return h, r
}

// LiveAdmin serves an admin dashboard (AdminServer) on loopback, for tests
// that go through every middleware as a client on the network would.
func LiveAdmin(t testing.TB, more ...func(*dashboard.Options)) (*httptest.Server, *Runs) {
	t.Helper()
	h, r := AdminServer(t, false, more...)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, r
}

// Runs records the collector runs the admin asked for.
type Runs struct {
	mu    sync.Mutex
	Names []string
}

// Run records a run of collector name, which always succeeds.
func (r *Runs) Run(_ context.Context, name string) (api.CollectorRun, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Names = append(r.Names, name)
	return api.CollectorRun{Status: "ok", Rows: 42, Duration: time.Second}, nil
}

// Count is how many runs were asked for.
func (r *Runs) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.Names)
}

// Post sends a form, with cookies and header pairs.
func Post(t testing.TB, h http.Handler, target string, form url.Values, cookies []*http.Cookie, header ...string) *httptest.ResponseRecorder {
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

// GetWith runs one GET with cookies.
func GetWith(t testing.TB, h http.Handler, target string, cookies []*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// CSRFFieldRE finds a form's CSRF token.
var CSRFFieldRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// SignIn goes through the sign-in form and returns the session cookie.
func SignIn(t testing.TB, h http.Handler, password string) (*httptest.ResponseRecorder, []*http.Cookie) {
	t.Helper()
	form := Get(t, h, "/login?next=/collectors")
	m := CSRFFieldRE.FindStringSubmatch(form.Body.String())
	if m == nil {
		t.Fatalf("no CSRF field in the sign-in form: %.500s", form.Body)
	}
	w := Post(t, h, "/login", url.Values{"_csrf": {m[1]}, "next": {"/collectors"}, "user": {TestAdmin}, "password": {password}}, form.Result().Cookies())
	return w, w.Result().Cookies()
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Send runs one request on the network and returns the answer with its
// body read; redirects are answers, not followed.
func Send(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}
