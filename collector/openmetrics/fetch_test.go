package openmetrics

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestScrapeFailures(t *testing.T) {
	chunk := bytes.Repeat([]byte("im_online{net=\"qq\"} 1\n"), 4096)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		cfg     Config
		want    string
		within  time.Duration
	}{
		{
			name:    "a 500 names the status",
			handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) },
			want:    "HTTP 500 Internal Server Error",
		},
		{
			name:    "a 403 (Prosody outside openmetrics_allow_ips) names the status",
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) },
			want:    "HTTP 403 Forbidden",
		},
		{
			name: "a 50 MB body without a length is cut at the limit",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for written := 0; written < 50<<20; written += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			want: "body larger than 10 MiB limit (max_body_bytes)",
		},
		{
			name: "a body announced larger than the limit is refused before reading",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "52428800")
				_, _ = w.Write(chunk)
			},
			cfg:  Config{MaxBodyBytes: 1 << 20},
			want: "body larger than 1 MiB limit (max_body_bytes)",
		},
		{
			name: "a target that hangs times out after the configured timeout",
			handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
			cfg:    Config{Timeout: 200 * time.Millisecond},
			want:   "no complete answer within 200ms (timeout)",
			within: 3 * time.Second,
		},
		{
			name: "a body that stops halfway times out too",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", textCT)
				_, _ = w.Write([]byte("# TYPE im_online gauge\n"))
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			},
			cfg:    Config{Timeout: 200 * time.Millisecond},
			want:   "no complete answer within 200ms (timeout)",
			within: 3 * time.Second,
		},
		{
			name: "an unparsable body is a parse error",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", textCT)
				_, _ = w.Write([]byte("im_online{net=\"qq\" 1\n"))
			},
			want: "cannot parse http://",
		},
		{
			name: "OpenMetrics without # EOF is a parse error",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", omCT)
				_, _ = w.Write([]byte("# TYPE im_online gauge\nim_online{net=\"qq\"} 1\n"))
			},
			want: "does not end with # EOF",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			cfg := tc.cfg
			cfg.URL = srv.URL + "/metrics"
			cfg.Rules = []Rule{usageGauge}
			s := newSource(t, cfg, &clock{t: t0})
			start := time.Now()
			b, err := tryCollect(s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Collect error = %v, want one containing %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), srv.URL+"/metrics") {
				t.Errorf("error %q does not name the target", err)
			}
			if b.Rows() != 0 {
				t.Errorf("a failed scrape emitted %d rows", b.Rows())
			}
			if tc.within > 0 && time.Since(start) > tc.within {
				t.Errorf("took %s, want under %s", time.Since(start), tc.within)
			}
		})
	}
}

// TestFailedScrapeKeepsState: an interval whose scrape failed is covered by
// the next good one.
func TestFailedScrapeKeepsState(t *testing.T) {
	fail := true
	body := "# TYPE im_messages_total counter\nim_messages_total{net=\"qq\"} 10\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	c := &clock{t: t0}
	s := newSource(t, Config{URL: srv.URL, Rules: []Rule{usageCounter}}, c)
	fail = false
	collect(t, s)
	fail = true
	if _, err := tryCollect(s); err == nil {
		t.Fatal("want an error from the 502")
	}
	fail, body = false, "# TYPE im_messages_total counter\nim_messages_total{net=\"qq\"} 25\n"
	if v := values(collect(t, s)); v != "qq=15" {
		t.Errorf("after a failed scrape: %q, want qq=15", v)
	}
}

func TestAuthAndHeaders(t *testing.T) {
	const secret = "s3cr3t-t0ken"
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Content-Type", textCT)
		_, _ = w.Write([]byte("# TYPE im_online gauge\nim_online{net=\"qq\"} 1\n"))
	}))
	defer srv.Close()
	env := map[string]string{"IM_TOKEN": secret, "IM_PASS": "pa55"}
	tests := []struct {
		name string
		cfg  Config
		env  map[string]string
		want func(r *http.Request) bool
		err  string
	}{
		{"bearer from the environment", Config{BearerTokenEnv: "IM_TOKEN"}, env,
			func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+secret }, ""},
		{"bearer inline", Config{BearerToken: secret}, env,
			func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+secret }, ""},
		{"basic auth", Config{BasicAuth: BasicAuth{Username: "imscope", PasswordEnv: "IM_PASS"}}, env,
			func(r *http.Request) bool { u, p, ok := r.BasicAuth(); return ok && u == "imscope" && p == "pa55" }, ""},
		{"no auth", Config{}, env,
			func(r *http.Request) bool { return r.Header.Get("Authorization") == "" }, ""},
		{"unset variable", Config{BearerTokenEnv: "IM_MISSING"}, env, nil, "environment variable IM_MISSING is empty or unset"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			var logs bytes.Buffer
			cfg := tc.cfg
			cfg.URL, cfg.Rules = srv.URL+"/metrics", []Rule{usageGauge}
			s, err := New("auth", cfg, Options{
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
				Getenv: func(k string) string { return tc.env[k] },
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = tryCollect(s)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.want(got) {
				t.Errorf("request headers %v do not carry the expected credentials", got.Header)
			}
			accept := got.Header.Get("Accept")
			if !strings.Contains(accept, "text/plain;version=0.0.4") || !strings.Contains(accept, "application/openmetrics-text;version=1.0.0") {
				t.Errorf("Accept %q should offer the text format and OpenMetrics", accept)
			}
			if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), "pa55") || !strings.Contains(logs.String(), "scraped") {
				t.Errorf("log should record the scrape without secrets:\n%s", logs.String())
			}
		})
	}
}

func TestCredentialsInURLAreRedacted(t *testing.T) {
	s := newSource(t, Config{URL: "http://user:hunter2@127.0.0.1:1/metrics", Rules: []Rule{usageGauge}, Timeout: time.Second}, &clock{t: t0})
	_, err := tryCollect(s)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v should exist and hide the password", err)
	}
}
