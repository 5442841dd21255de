package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// These tests run the real `imscope serve` (run, on :0) with a config file
// and the environment, and talk to it over the network.

const (
	secAdminPassword = "correct horse battery staple"
	secAdminToken    = "ims_admin-token-0123456789abcdef"
	secBridgeToken   = "wa-as-token-0123456789abcdef0123"
)

// secEnv is the environment of a serve under test: the bridge's token, and
// the admin's credentials when admin is set.
func secEnv(t *testing.T, admin bool, password string) map[string]string {
	t.Helper()
	env := map[string]string{"TEST_WA_TOKEN": secBridgeToken}
	if admin {
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(secAdminToken))
		env["IMSCOPE_ADMIN_PASSWORD_BCRYPT"] = string(hash)
		env["IMSCOPE_ADMIN_TOKEN_SHA256"] = hex.EncodeToString(sum[:])
	}
	return env
}

// secConfig writes a config file with a checkpoints collector (its token
// from token_env) and the given dashboard section.
func secConfig(t *testing.T, dashboard string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "imscope.yaml")
	cfg := `collectors:
  - name: mautrix
    kind: checkpoints
    schedule: "@every 1h"
    checkpoints:
      bridges: [{id: whatsapp, from_network: matrix, to_network: whatsapp, token_env: TEST_WA_TOKEN}]
dashboard:
` + dashboard
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// noFollow is a client that shows redirects instead of following them.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// call runs one request and returns the answer with its body read.
func call(t *testing.T, method, target, contentType, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	return send(t, noFollow, req)
}

// checkpointsNow is a mautrix CheckpointsJSON body of one message carried
// just now: HOMESERVER, BRIDGE and REMOTE SUCCESS.
func checkpointsNow(event string) string {
	ms := time.Now().UnixMilli()
	var cps []string
	for i, step := range []string{"HOMESERVER", "BRIDGE", "REMOTE"} {
		cps = append(cps, fmt.Sprintf(`{"event_id": "$%s:example.org", "room_id": "!room:example.org", "step": %q, "timestamp": %d, "status": "SUCCESS", "event_type": "m.room.message", "reported_by": "BRIDGE", "retry_num": 0, "message_type": "m.text"}`, event, step, ms-int64(200-80*i)))
	}
	return `{"checkpoints": [` + strings.Join(cps, ",") + `]}`
}

// TestPushThroughServe: a bridge pushing with its own token is received —
// whether viewers must sign in, may view anonymously, or no admin is
// configured at all — because the dashboard's sign-in never judges push
// paths. A wrong token, no token, or the admin's token are refused with
// 401 in the API's error shape.
func TestPushThroughServe(t *testing.T) {
	tests := []struct {
		name, dashboard string
		admin           bool
	}{
		{"require_login", "  require_login: true\n", true},
		{"anonymous viewing", "  require_login: false\n", true},
		{"no admin", "  require_login: false\n", false},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, stop := startServeEnv(t, fmt.Sprintf("push_serve_%d", i), secEnv(t, tc.admin, secAdminPassword), "--config", secConfig(t, tc.dashboard))
			push := base + "/api/v1/push/mautrix/"
			bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }
			resp, body := call(t, http.MethodPost, push+"checkpoints", "application/json", checkpointsNow("ev1"), bearer(secBridgeToken)...)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"accepted":3`) {
				t.Fatalf("checkpoints: %d %s", resp.StatusCode, body)
			}
			state := fmt.Sprintf(`{"state_event": "CONNECTED", "timestamp": %d, "ttl": 3600, "source": "bridge", "remote_id": "15551234567"}`, time.Now().Unix())
			resp, body = call(t, http.MethodPost, push+"bridge_state", "application/json", state, bearer(secBridgeToken)...)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"accepted":1`) {
				t.Fatalf("bridge_state: %d %s", resp.StatusCode, body)
			}
			refused := map[string][]string{"wrong token": bearer(secBridgeToken + "x"), "no token": nil}
			if tc.admin {
				refused["the admin's token"] = bearer(secAdminToken)
			}
			for what, header := range refused {
				resp, body := call(t, http.MethodPost, push+"checkpoints", "application/json", checkpointsNow("ev2"), header...)
				var e struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if resp.StatusCode != http.StatusUnauthorized || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "unauthorized" || e.Error.Message == "" {
					t.Errorf("%s: %d %s, want 401 with the API's error object", what, resp.StatusCode, body)
				}
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestHeadLikeGet: HEAD is answered wherever GET is — load balancers
// probe /healthz with HEAD — with GET's status and headers and no body.
func TestHeadLikeGet(t *testing.T) {
	base, stop := startServe(t, "head_serve")
	for _, path := range []string{"/healthz", "/readyz", "/share", "/api/v1/networks", "/api/v1/nothing-here"} {
		t.Run(path, func(t *testing.T) {
			get, _ := call(t, http.MethodGet, base+path, "", "")
			head, body := call(t, http.MethodHead, base+path, "", "")
			if head.StatusCode != get.StatusCode || head.StatusCode == http.StatusMethodNotAllowed {
				t.Fatalf("HEAD %d, GET %d", head.StatusCode, get.StatusCode)
			}
			if body != "" {
				t.Errorf("HEAD has a body: %.100s", body)
			}
			for _, h := range []string{"Content-Type", "Cache-Control", "X-Content-Type-Options", "Content-Security-Policy"} {
				g, hd := get.Header.Get(h), head.Header.Get(h)
				if h == "Content-Security-Policy" { // a fresh nonce each time
					g, hd = regexp.MustCompile(`nonce-[0-9a-f]+`).ReplaceAllString(g, ""), regexp.MustCompile(`nonce-[0-9a-f]+`).ReplaceAllString(hd, "")
				}
				if hd != g || (hd == "" && h == "Content-Type") {
					t.Errorf("%s: HEAD %q, GET %q", h, hd, g)
				}
			}
			if head.ContentLength <= 0 {
				t.Errorf("HEAD Content-Length %d", head.ContentLength)
			}
		})
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

var secCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// secSignIn signs in through the form and returns the session cookie.
func secSignIn(t *testing.T, base string) *http.Cookie {
	t.Helper()
	resp, body := call(t, http.MethodGet, base+"/login", "", "")
	m := secCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sign-in form: %d %.300s", resp.StatusCode, body)
	}
	var cookies []string
	for _, c := range resp.Cookies() {
		cookies = append(cookies, "Cookie", c.Name+"="+c.Value)
	}
	form := url.Values{"_csrf": {m[1]}, "user": {"admin"}, "password": {secAdminPassword}, "next": {"/alerts"}}
	resp, body = call(t, http.MethodPost, base+"/login", "application/x-www-form-urlencoded", form.Encode(), cookies...)
	for _, c := range resp.Cookies() {
		if c.Name == "imscope_session" && c.Value != "" {
			return c
		}
	}
	t.Fatalf("sign-in: %d %.300s", resp.StatusCode, body)
	return nil
}

// TestSignOutEndsSessionThroughServe: after signing out, the old session
// cookie and its CSRF token create no silence (they did for 12 hours);
// and a restart with another password — same session key — refuses an
// old cookie too.
func TestSignOutEndsSessionThroughServe(t *testing.T) {
	env := secEnv(t, true, secAdminPassword)
	env["IMSCOPE_SESSION_KEY"] = strings.Repeat("5e", 32)
	cfg := secConfig(t, "  require_login: false\n")
	base, stop := startServeEnv(t, "logout_serve", env, "--config", cfg)

	session := secSignIn(t, base)
	cookie := []string{"Cookie", session.Name + "=" + session.Value}
	_, page := call(t, http.MethodGet, base+"/alerts", "", "", cookie...)
	m := secCSRF.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the admin's page has no CSRF token: %.300s", page)
	}
	silence := func(comment string) *http.Response {
		form := url.Values{"_csrf": {m[1]}, "matchers": {"bridge=" + comment}, "duration": {"1h"}, "comment": {comment}}
		resp, _ := call(t, http.MethodPost, base+"/api/v1/alerts/silences", "application/x-www-form-urlencoded", form.Encode(), cookie...)
		return resp
	}
	if resp := silence("before-sign-out"); resp.StatusCode != http.StatusOK {
		t.Fatalf("silence while signed in: %d", resp.StatusCode)
	}
	resp, _ := call(t, http.MethodPost, base+"/logout", "application/x-www-form-urlencoded", url.Values{"_csrf": {m[1]}}.Encode(), cookie...)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if resp := silence("after-sign-out"); resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Errorf("silence with the old cookie and token: %d, want 401 or 403", resp.StatusCode)
	}
	form := url.Values{"_csrf": {m[1]}, "matchers": {"bridge=after-page"}, "duration": {"1h"}}
	if resp, _ := call(t, http.MethodPost, base+"/alerts/silences", "application/x-www-form-urlencoded", form.Encode(), cookie...); resp.StatusCode < 400 {
		t.Errorf("the page's silence form with the old cookie: %d", resp.StatusCode)
	}
	_, list := call(t, http.MethodGet, base+"/api/v1/alerts/silences", "", "")
	if !strings.Contains(list, "before-sign-out") || strings.Contains(list, "after-") {
		t.Errorf("silences: %.500s; want only the one made while signed in", list)
	}

	// A fresh session, then a restart with another password.
	session = secSignIn(t, base)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	env = secEnv(t, true, "a different password altogether")
	env["IMSCOPE_SESSION_KEY"] = strings.Repeat("5e", 32)
	base, stop = startServeEnv(t, "logout_serve", env, "--config", cfg)
	_, page = call(t, http.MethodGet, base+"/alerts", "", "", "Cookie", session.Name+"="+session.Value)
	if secCSRF.MatchString(page) {
		t.Error("a session made before the password changed still signs in")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// TestServeTimeouts: with dashboard.http's timeouts set short, a kept-
// alive connection that sends nothing is closed after idle_timeout, and a
// request whose body trickles in is cut off at read_timeout.
func TestServeTimeouts(t *testing.T) {
	cfg := secConfig(t, "  http: {read_header_timeout: 1s, read_timeout: 2s, write_timeout: 5s, idle_timeout: 1s}\n")
	base, stop := startServeEnv(t, "timeouts_serve", secEnv(t, false, ""), "--config", cfg)
	addr := strings.TrimPrefix(base, "http://")
	addr = strings.Replace(addr, "localhost", "127.0.0.1", 1)

	t.Run("idle keep-alive", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: imscope.test\r\n\r\n")
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		start := time.Now()
		_ = conn.SetReadDeadline(time.Now().Add(8 * time.Second))
		_, err = br.ReadByte()
		if err == nil || timedOut(err) {
			t.Fatalf("the idle connection stayed open %s (%v)", time.Since(start).Round(time.Millisecond), err)
		}
	})
	t.Run("trickling body", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		fmt.Fprint(conn, "POST /login HTTP/1.1\r\nHost: imscope.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
		done := make(chan struct{})
		defer close(done)
		go func() { // a byte every 300 ms, as long as the server listens
			for {
				select {
				case <-done:
					return
				case <-time.After(300 * time.Millisecond):
					if _, err := conn.Write([]byte("a")); err != nil {
						return
					}
				}
			}
		}()
		_ = conn.SetReadDeadline(time.Now().Add(8 * time.Second))
		_, err = io.Copy(io.Discard, conn) // an answer, if any, then the close
		if elapsed := time.Since(start); timedOut(err) || elapsed > 6*time.Second {
			t.Fatalf("the trickling request was not cut off: %s (%v)", elapsed.Round(time.Millisecond), err)
		}
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// timedOut reports whether err is our own read deadline passing (the
// server kept the connection open), not the server closing or resetting it.
func timedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
