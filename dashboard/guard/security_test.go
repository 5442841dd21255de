package guard_test

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/imscope/imscope/dashboard/guard"

	"golang.org/x/crypto/bcrypt"

	"github.com/imscope/imscope/dashboard"
	"github.com/imscope/imscope/dashboard/internal/dashtest"
	"github.com/imscope/imscope/dashboard/respond"
)

// These tests go through New's whole handler — every middleware — on a
// real loopback server, as a client on the network would.

// formSignIn goes through the sign-in form as the client at forwarded
// (sent as X-Forwarded-For; "" sends none) and returns the answer to the
// POST.
func formSignIn(t *testing.T, base, name, password, forwarded string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/login", nil)
	resp, body := dashtest.Send(t, req)
	m := dashtest.CSRFFieldRE.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("sign-in form: %d %.300s", resp.StatusCode, body)
	}
	form := url.Values{"_csrf": {m[1]}, "user": {name}, "password": {password}, "next": {"/collectors"}}
	req, _ = http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forwarded != "" {
		req.Header.Set("X-Forwarded-For", forwarded)
	}
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	return dashtest.Send(t, req)
}

// wantThrottled checks a 429 that says when to come back.
func wantThrottled(t *testing.T, what string, resp *http.Response, body string) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("%s: %d, want 429: %.300s", what, resp.StatusCode, body)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("%s: Retry-After %q, want whole seconds", what, resp.Header.Get("Retry-After"))
	}
}

// TestSignInThrottleIgnoresForgedAddresses: from a peer that is not a
// trusted proxy, X-Forwarded-For is the client's own say-so: rotating it
// buys no fresh budget, and after guard.AddrBurst failures even the right
// password is refused with 429.
func TestSignInThrottleIgnoresForgedAddresses(t *testing.T) {
	srv, _ := dashtest.LiveAdmin(t)
	for i := range guard.AddrBurst {
		resp, body := formSignIn(t, srv.URL, "nobody", "guess", "10.0.0."+strconv.Itoa(i))
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d %.200s", i, resp.StatusCode, body)
		}
	}
	resp, body := formSignIn(t, srv.URL, dashtest.TestAdmin, dashtest.TestPassword, "10.0.0.99")
	wantThrottled(t, "after the burst, with a fresh X-Forwarded-For", resp, body)
	if !strings.Contains(body, "Too many") {
		t.Errorf("the form does not say it is throttled: %.500s", body)
	}
}

// TestSignInThrottleBehindTrustedProxy: from a trusted proxy the
// forwarded client is the one counted — each gets its own budget, and a
// forged hop prepended to the chain changes nothing — while the admin's
// account is slowed for guesses from any address, except at an address it
// has signed in from before.
func TestSignInThrottleBehindTrustedProxy(t *testing.T) {
	srv, _ := dashtest.LiveAdmin(t, func(o *dashboard.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	})
	// The admin's usual place.
	if resp, body := formSignIn(t, srv.URL, dashtest.TestAdmin, dashtest.TestPassword, "203.0.113.1"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d %.200s", resp.StatusCode, body)
	}
	// Many clients, a few guesses each at names that are not the admin's:
	// no one is held back by the others.
	for i := range 3 * guard.AddrBurst {
		if resp, body := formSignIn(t, srv.URL, "nobody", "guess", "198.51.100."+strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("client %d: %d %.200s", i, resp.StatusCode, body)
		}
	}
	// One client's burst is its own.
	for range guard.AddrBurst - 1 {
		formSignIn(t, srv.URL, "nobody", "guess", "198.51.100.0")
	}
	resp, body := formSignIn(t, srv.URL, dashtest.TestAdmin, dashtest.TestPassword, "1.2.3.4, 198.51.100.0")
	wantThrottled(t, "a throttled client behind a forged hop", resp, body)
	if resp, body := formSignIn(t, srv.URL, dashtest.TestAdmin, dashtest.TestPassword, "198.51.100.77"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another client: %d %.200s", resp.StatusCode, body)
	}
	// Guesses at the admin's password from everywhere slow the account …
	for i := range guard.AccountFree {
		if resp, body := formSignIn(t, srv.URL, dashtest.TestAdmin, "guess", "192.0.2."+strconv.Itoa(i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("admin guess %d: %d %.200s", i, resp.StatusCode, body)
		}
	}
	resp, body = formSignIn(t, srv.URL, dashtest.TestAdmin, dashtest.TestPassword, "192.0.2.200")
	wantThrottled(t, "the admin account after guesses from many addresses", resp, body)
	// … but not at the admin's usual place.
	if resp, body := formSignIn(t, srv.URL, dashtest.TestAdmin, dashtest.TestPassword, "203.0.113.1"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the admin at a known address: %d %.200s", resp.StatusCode, body)
	}
}

// TestBasicAndBearerGuessesThrottled: HTTP Basic and Bearer tokens are
// checked on every request, so they are throttled like the form: after
// guard.AddrBurst wrong ones, the right one gets 429 too, in the API's shape.
func TestBasicAndBearerGuessesThrottled(t *testing.T) {
	for _, tc := range []struct {
		name         string
		wrong, right func(*http.Request)
	}{
		{"basic", func(r *http.Request) { r.SetBasicAuth(dashtest.TestAdmin, "guess") }, func(r *http.Request) { r.SetBasicAuth(dashtest.TestAdmin, dashtest.TestPassword) }},
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer guess") }, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+dashtest.TestToken) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := dashtest.LiveAdmin(t)
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/networks", nil)
			tc.right(req)
			if resp, body := dashtest.Send(t, req); resp.StatusCode != http.StatusOK {
				t.Fatalf("right credentials: %d %.200s", resp.StatusCode, body)
			}
			for i := range guard.AddrBurst {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/networks", nil)
				tc.wrong(req)
				if resp, body := dashtest.Send(t, req); resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("guess %d: %d %.200s", i, resp.StatusCode, body)
				}
			}
			req, _ = http.NewRequest(http.MethodGet, srv.URL+"/api/v1/networks", nil)
			tc.right(req)
			resp, body := dashtest.Send(t, req)
			wantThrottled(t, "right credentials after the burst", resp, body)
			var e respond.ErrorBody
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != respond.CodeTooManyRequests {
				t.Errorf("body %s, want the API's error with code %s", body, respond.CodeTooManyRequests)
			}
			// Pages too: a guess on a page is a guess.
			req, _ = http.NewRequest(http.MethodGet, srv.URL+"/collectors", nil)
			tc.wrong(req)
			resp, body = dashtest.Send(t, req)
			wantThrottled(t, "a page", resp, body)
		})
	}
}

// TestConcurrentGuessesThrottled: guesses sent all at once are counted as
// they are checked, one after another, so no more than guard.AddrBurst of them
// are checked however many connections carry them.
func TestConcurrentGuessesThrottled(t *testing.T) {
	srv, _ := dashtest.LiveAdmin(t)
	const n = 30
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/networks", nil)
			req.SetBasicAuth(dashtest.TestAdmin, "guess")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		})
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[http.StatusUnauthorized] != guard.AddrBurst || count[http.StatusTooManyRequests] != n-guard.AddrBurst {
		t.Errorf("answers %v: want %d checked (401) and the rest 429", count, guard.AddrBurst)
	}
}

// TestSessionEndsAtSignOut: signing out ends the session on the server;
// the old cookie and its form token then create nothing.
func TestSessionEndsAtSignOut(t *testing.T) {
	srv, runs := dashtest.LiveAdmin(t)
	resp, body := formSignIn(t, srv.URL, dashtest.TestAdmin, dashtest.TestPassword, "")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d %.200s", resp.StatusCode, body)
	}
	session := sessionCookie(t, resp)
	page := func() string {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/collectors", nil)
		req.AddCookie(session)
		_, body := dashtest.Send(t, req)
		return body
	}
	m := dashtest.CSRFFieldRE.FindStringSubmatch(page())
	if m == nil {
		t.Fatal("no CSRF token on the admin's page")
	}
	post := func(path string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(url.Values{"_csrf": {m[1]}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(session)
		resp, _ := dashtest.Send(t, req)
		return resp
	}
	if resp := post("/collectors/prosody/run"); resp.StatusCode != http.StatusSeeOther || runs.Count() != 1 {
		t.Fatalf("run while signed in: %d, %d runs", resp.StatusCode, runs.Count())
	}
	if resp := post("/logout"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	for _, path := range []string{"/collectors/prosody/run", "/api/v1/collectors/prosody/run", "/logout"} {
		if resp := post(path); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with the old cookie and token: %d, want 401", path, resp.StatusCode)
		}
	}
	if runs.Count() != 1 {
		t.Errorf("%d runs after signing out, want 1", runs.Count())
	}
	if dashtest.CSRFFieldRE.MatchString(page()) {
		t.Error("the old cookie still shows the admin's page")
	}
}

// TestSessionEndsWithServer: sessions live in the server that made them.
// After a restart — with the same session key, and whether or not the
// admin's password changed — an old cookie is no session.
func TestSessionEndsWithServer(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	srv, _ := dashtest.LiveAdmin(t, func(o *dashboard.Options) { o.Auth.SessionKey = key })
	resp, _ := formSignIn(t, srv.URL, dashtest.TestAdmin, dashtest.TestPassword, "")
	session := sessionCookie(t, resp)
	signedIn := func(base string) bool {
		req, _ := http.NewRequest(http.MethodGet, base+"/collectors", nil)
		req.AddCookie(session)
		_, body := dashtest.Send(t, req)
		return dashtest.CSRFFieldRE.MatchString(body)
	}
	if !signedIn(srv.URL) {
		t.Fatal("the session does not work where it was made")
	}
	for name, change := range map[string]func(*dashboard.Options){
		"same password": func(o *dashboard.Options) { o.Auth.SessionKey = key },
		"new password": func(o *dashboard.Options) {
			o.Auth.SessionKey = key
			hash, _ := bcrypt.GenerateFromPassword([]byte("another password entirely"), bcrypt.MinCost)
			o.Auth.AdminPasswordHash = string(hash)
		},
	} {
		restarted, _ := dashtest.LiveAdmin(t, change)
		if signedIn(restarted.URL) {
			t.Errorf("%s: a session survived a restart", name)
		}
	}
}

func sessionCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == guard.CookieSession && c.Value != "" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", resp.Header["Set-Cookie"])
	return nil
}
