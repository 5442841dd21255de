package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope/dashboard/notify"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fast retries, so the tests do not sleep for real backoffs.
var fast = notify.Retry{Attempts: 3, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Timeout: 5 * time.Second}

// hook is a webhook receiver on loopback that answers with the statuses it
// is given, in turn (200 once they run out), and keeps every request.
type hook struct {
	mu       sync.Mutex
	statuses []int
	headers  []http.Header
	bodies   [][]byte
	srv      *httptest.Server
}

func newHook(t *testing.T, statuses ...int) *hook {
	h := &hook{statuses: statuses}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.headers = append(h.headers, r.Header.Clone())
		h.bodies = append(h.bodies, body)
		status := http.StatusOK
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		h.mu.Unlock()
		switch status {
		case -1: // drop the connection without an answer: a network error
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		case http.StatusTooManyRequests:
			w.Header().Set("Retry-After", "1")
		case http.StatusFound:
			w.Header().Set("Location", "http://127.0.0.1:1/elsewhere")
		}
		w.WriteHeader(status)
		io.WriteString(w, http.StatusText(status))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.bodies)
}

func testMessage() *notify.Message {
	return &notify.Message{
		ID: "5f0c2a4e-8d7b-4c1e-9a3f-2b6d1e0c9a87", Event: "report",
		Subject: "Weekly market — 2026-W09",
		Text:    "QQ's share fell 1.2 points to 74.9%; <b>HHI</b> 5,790 & rising",
		Links:   []notify.Link{{Title: "HTML", URL: "https://imscope.example.org/reports/runs/5f0c/weekly.html"}},
		Data:    map[string]any{"hhi": 5790, "leader": "qq"},
		Time:    time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC),
	}
}

// TestWebhookPayloadAndSignature: the body is the documented payload (golden
// file), the signature header verifies with the secret, and the Slack text
// escapes what would be markup.
func TestWebhookPayloadAndSignature(t *testing.T) {
	h := newHook(t)
	secret := []byte("s3cret-key")
	w, err := notify.NewWebhook("ops", h.srv.URL+"/hooks/T000/B000/tokentoken", notify.WebhookOptions{Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	res := notify.Deliver(context.Background(), []notify.Target{{Destination: w, Retry: fast}}, testMessage(), nil)
	if res[0].Err != nil || res[0].Attempts != 1 {
		t.Fatalf("result %+v", res[0])
	}
	body, hdr := h.bodies[0], h.headers[0]
	if sig := hdr.Get(notify.HeaderSignature); !notify.Verify(secret, body, sig) || !strings.HasPrefix(sig, "sha256=") {
		t.Fatalf("signature %q does not verify", sig)
	}
	if notify.Verify([]byte("another key"), body, hdr.Get(notify.HeaderSignature)) {
		t.Fatal("the signature verifies with the wrong key")
	}
	if hdr.Get(notify.HeaderEvent) != "report" || hdr.Get(notify.HeaderDelivery) != testMessage().ID || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", hdr)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	golden(t, "webhook_payload.json", pretty.Bytes())
	var p notify.WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.Text, "<b>") || !strings.Contains(p.Text, "&lt;b&gt;HHI&lt;/b&gt; 5,790 &amp; rising") {
		t.Fatalf("Slack text not escaped: %q", p.Text)
	}
	if strings.Contains(w.String(), "tokentoken") {
		t.Fatalf("String() shows the URL's token: %s", w)
	}
}

// TestWebhookRetries: which answers are retried, how often, and what is
// left when delivery gives up.
func TestWebhookRetries(t *testing.T) {
	for _, tc := range []struct {
		name      string
		statuses  []int
		attempts  int  // want
		delivered bool // want
		minWait   time.Duration
		errHas    string
	}{
		{name: "500 then ok", statuses: []int{500}, attempts: 2, delivered: true},
		{name: "gives up after 3", statuses: []int{500, 502, 503}, attempts: 3, errHas: "503 Service Unavailable"},
		{name: "connection dropped then ok", statuses: []int{-1}, attempts: 2, delivered: true},
		{name: "429 waits for Retry-After", statuses: []int{429}, attempts: 2, delivered: true, minWait: time.Second},
		{name: "400 is not retried", statuses: []int{400}, attempts: 1, errHas: "400 Bad Request"},
		{name: "404 is not retried", statuses: []int{404}, attempts: 1, errHas: "404"},
		{name: "a redirect is not followed", statuses: []int{302}, attempts: 1, errHas: "302"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHook(t, tc.statuses...)
			w, err := notify.NewWebhook("ops", h.srv.URL+"/hook", notify.WebhookOptions{Secret: []byte("k")})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			res := notify.Deliver(context.Background(), []notify.Target{{Destination: w, Retry: fast}}, testMessage(), nil)[0]
			if res.Attempts != tc.attempts || (res.Err == nil) != tc.delivered {
				t.Fatalf("attempts %d, err %v; want %d attempts, delivered %v", res.Attempts, res.Err, tc.attempts, tc.delivered)
			}
			if tc.errHas != "" && !strings.Contains(res.Err.Error(), tc.errHas) {
				t.Fatalf("error %q does not say %q", res.Err, tc.errHas)
			}
			if h.requests() != tc.attempts {
				t.Fatalf("the receiver saw %d requests, want %d", h.requests(), tc.attempts)
			}
			if time.Since(start) < tc.minWait {
				t.Fatalf("retried after %s, before Retry-After's %s", time.Since(start), tc.minWait)
			}
			// Every attempt carries the same delivery id and body, so the
			// receiver can drop a duplicate and the signature stays valid.
			for i := range h.bodies {
				if !bytes.Equal(h.bodies[i], h.bodies[0]) || h.headers[i].Get(notify.HeaderDelivery) != h.headers[0].Get(notify.HeaderDelivery) {
					t.Fatalf("attempt %d sent another body or id", i+1)
				}
			}
		})
	}
}

// TestWebhookErrorsHideTheURL: a Slack-style URL carries its token in the
// path; an unreachable one must not put it in the error that gets logged
// and recorded.
func TestWebhookErrorsHideTheURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	w, err := notify.NewWebhook("slack", "http://"+addr+"/services/T0/B0/XXXXsecretXXXX?token=abc", notify.WebhookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := notify.Deliver(context.Background(), []notify.Target{{Destination: w, Retry: notify.Retry{Attempts: 2, Backoff: time.Millisecond}}}, testMessage(), nil)[0]
	if res.Err == nil || res.Attempts != 2 {
		t.Fatalf("result %+v", res)
	}
	if msg := res.Err.Error(); strings.Contains(msg, "XXXXsecretXXXX") || strings.Contains(msg, "token=abc") || !strings.Contains(msg, addr) {
		t.Fatalf("error %q", msg)
	}
}

// TestDeliverSlowDestinationDoesNotBlock: one receiver that never answers
// in time does not delay another.
func TestDeliverSlowDestinationDoesNotBlock(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	var okAt time.Time
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { okAt = time.Now() }))
	defer ok.Close()
	ws, _ := notify.NewWebhook("slow", slow.URL, notify.WebhookOptions{})
	wo, _ := notify.NewWebhook("ok", ok.URL, notify.WebhookOptions{})
	start := time.Now()
	res := notify.Deliver(context.Background(), []notify.Target{
		{Destination: ws, Retry: notify.Retry{Attempts: 2, Backoff: time.Millisecond, Timeout: 300 * time.Millisecond}},
		{Destination: wo, Retry: fast},
	}, testMessage(), nil)
	if res[0].Err == nil || res[0].Attempts != 2 || res[1].Err != nil {
		t.Fatalf("results %+v", res)
	}
	if okAt.Sub(start) > 200*time.Millisecond {
		t.Fatalf("the fast destination was reached after %s", okAt.Sub(start))
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Fatalf("%s differs:\n got: %s\nwant: %s", path, got, want)
	}
}

// TestDeliverStoppedByShutdown: a shutdown while a failed delivery waits
// to retry ends it as interrupted (not failed), and the log says the
// retry was stopped by the shutdown rather than promising one.
func TestDeliverStoppedByShutdown(t *testing.T) {
	h := newHook(t, 500, 500)
	w, err := notify.NewWebhook("ops", h.srv.URL+"/hook", notify.WebhookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	retry := notify.Retry{Attempts: 3, Backoff: time.Hour, MaxBackoff: time.Hour, Timeout: 5 * time.Second}
	m := testMessage()
	done := make(chan notify.Result, 1)
	go func() { done <- notify.Deliver(ctx, []notify.Target{{Destination: w, Retry: retry}}, m, log)[0] }()
	for h.requests() == 0 { // the first attempt has reached the receiver
		time.Sleep(time.Millisecond)
	}
	cancel()
	res := <-done
	if !res.Interrupted || res.Err == nil || res.Attempts != 1 || !strings.Contains(res.Err.Error(), "stopped by shutdown") {
		t.Fatalf("result %+v", res)
	}
	if !strings.Contains(logs.String(), "delivery stopped by shutdown; it resumes after restart") {
		t.Fatalf("log:\n%s", logs.String())
	}
	// A deadline that passes is a failure, not an interruption.
	dctx, dcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer dcancel()
	if res := notify.Deliver(dctx, []notify.Target{{Destination: w, Retry: retry}}, m, nil)[0]; res.Interrupted || res.Err == nil {
		t.Fatalf("after a deadline: %+v", res)
	}
}
