package jsonapi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

const okBody = `{"data":[{"id":"qq","n":1}]}`

// Credentials go to the API and nowhere else: not into errors, not into
// logs, not to another host after a redirect.
func TestAuthAndSecrets(t *testing.T) {
	env := map[string]string{"VENDOR_TOKEN": "tok-0123456789", "VENDOR_KEY": "key-9876543210"}
	var elsewhere http.Header
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere = r.Header.Clone()
		w.Write([]byte(okBody))
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-0123456789" || r.Header.Get("X-Api-Key") != "key-9876543210" ||
			r.Header.Get("X-Tenant") != "imscope" || r.Header.Get("Accept") != "application/json" {
			http.Error(w, "bad credentials: got "+r.Header.Get("Authorization"), http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, other.URL+"/stats", http.StatusFound)
		case "/echo-denied":
			http.Error(w, "token "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")+" is revoked", http.StatusForbidden)
		default:
			w.Write([]byte(okBody))
		}
	}))
	defer api.Close()

	var logs bytes.Buffer
	opts := Options{Getenv: func(k string) string { return env[k] }, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	base := Config{Records: "data", Network: "id", Metric: "=messages", Value: "n", BearerTokenEnv: "VENDOR_TOKEN",
		HeadersEnv: map[string]string{"X-Api-Key": "VENDOR_KEY"}, Headers: map[string]string{"X-Tenant": "imscope"}}

	cfg := base
	cfg.URL = api.URL + "/stats"
	b, err := collect(t, cfg, opts)
	if err != nil || len(b.Samples) != 1 {
		t.Fatalf("err %v, batch %+v", err, b)
	}

	cfg.URL = api.URL + "/moved"
	if b, err = collect(t, cfg, opts); err != nil || len(b.Samples) != 1 {
		t.Fatalf("redirect: err %v, batch %+v", err, b)
	}
	if elsewhere.Get("Authorization") != "" || elsewhere.Get("X-Api-Key") != "" || elsewhere.Get("X-Tenant") != "imscope" {
		t.Errorf("the other host got %v", elsewhere)
	}

	cfg.URL = api.URL + "/echo-denied"
	_, err = collect(t, cfg, opts)
	if err == nil || !strings.Contains(err.Error(), `the server answered 403 Forbidden: "token (redacted) is revoked"`) {
		t.Fatalf("err = %v", err)
	}

	// A token rotated in the environment is used at the next fetch.
	src, err := New("rot", Config{URL: api.URL + "/stats", Records: "data", Network: "id", Metric: "=messages", Value: "n",
		BearerTokenEnv: "VENDOR_TOKEN", HeadersEnv: base.HeadersEnv, Headers: base.Headers}, opts)
	if err != nil {
		t.Fatal(err)
	}
	env["VENDOR_TOKEN"] = "tok-rotated-000"
	if _, err := collectOnce(src); err == nil || !strings.Contains(err.Error(), "401 Unauthorized") || strings.Contains(err.Error(), "tok-rotated") {
		t.Fatalf("err = %v", err)
	}

	for _, secret := range []string{"tok-0123456789", "key-9876543210", "tok-rotated"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log shows %s:\n%s", secret, logs.String())
		}
	}
}

// A response that cannot be mapped at all fails the fetch with an error
// that says why, and nothing is emitted.
func TestFetchErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html":
			w.Write([]byte("<html><body>Maintenance</body></html>"))
		case "/empty":
		case "/big":
			w.Write([]byte(`{"data":[` + strings.Repeat(`{"id":"qq","n":1},`, 1000) + `{}]}`))
		case "/trailing":
			w.Write([]byte(okBody + ` {"more":1}`))
		case "/error-shape":
			w.Write([]byte(`{"error":"rate limited","retry_after":30}`))
		case "/not-array":
			w.Write([]byte(`{"data":{"id":"qq","n":1}}`))
		case "/scalar":
			w.Write([]byte(`{"data":3}`))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/gone":
			http.Error(w, "no such endpoint", http.StatusNotFound)
		default:
			w.Write([]byte(okBody))
		}
	}))
	defer srv.Close()
	cases := []struct {
		path string
		mod  func(*Config)
		err  string
	}{
		{"/gone?token=s3cr3t", nil, "cannot fetch " + srv.URL + `/gone: the server answered 404 Not Found: "no such endpoint"`},
		{"/html", nil, "the response of " + srv.URL + `/html is not JSON (invalid character '<' looking for beginning of value); it starts "<html><body>Maintenance</body></html>"`},
		{"/empty", nil, "/empty is empty, not JSON"},
		{"/big", func(c *Config) { c.MaxBodyBytes = 1000 }, "/big is larger than max_body_bytes (1000 bytes)"},
		{"/trailing", nil, "/trailing has more after its JSON value"},
		{"/error-shape", nil, `/error-shape: records path data: $ has no member "data" (it has "error", "retry_after")`},
		{"/slow", func(c *Config) { c.Timeout = 100 * time.Millisecond }, "cannot fetch " + srv.URL + "/slow: context deadline exceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			cfg := Config{URL: srv.URL + tc.path, Records: "data", Network: "id", Metric: "=messages", Value: "n"}
			if tc.mod != nil {
				tc.mod(&cfg)
			}
			src, err := New("e", cfg, withDefaults(Options{}))
			if err != nil {
				t.Fatal(err)
			}
			emitted := false
			err = src.Collect(context.Background(), func(context.Context, collector.Batch) error { emitted = true; return nil })
			if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "s3cr3t") {
				t.Fatalf("err = %v\nwant it to contain %s", err, tc.err)
			}
			if emitted {
				t.Error("emitted a batch")
			}
		})
	}

	// An object where the array was expected is one record; a number is a
	// record whose fields are all missing.
	b, err := collect(t, Config{URL: srv.URL + "/not-array", Records: "data", Network: "id", Metric: "=messages", Value: "n"}, Options{})
	if err != nil || len(b.Samples) != 1 {
		t.Fatalf("err %v, batch %+v", err, b)
	}
	b, err = collect(t, Config{URL: srv.URL + "/scalar", Records: "data", Network: "id", Metric: "=messages", Value: "n"}, Options{})
	if err != nil || len(b.Problems) != 2 || b.Problems[0].Message != "network (id): missing: @ is the number 3, not an object" {
		t.Fatalf("err %v, batch %+v", err, b)
	}

	// An emit error ends the collection with it.
	src, _ := New("e", Config{URL: srv.URL + "/ok", Records: "data", Network: "id", Metric: "=messages", Value: "n"}, withDefaults(Options{}))
	full := errors.New("spool full")
	if err := src.Collect(context.Background(), func(context.Context, collector.Batch) error { return full }); !errors.Is(err, full) {
		t.Fatalf("err = %v", err)
	}
}

// Basic credentials: the user from the config and the password from the
// environment reach the API, a refusal names the user and the variable but
// never the password (not even echoed back by the server), and they do not
// follow a redirect to another host.
func TestBasicAuth(t *testing.T) {
	env := map[string]string{"EJ_PASSWORD": "pw-0123456789"}
	var elsewhere http.Header
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere = r.Header.Clone()
		w.Write([]byte(okBody))
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pw, ok := r.BasicAuth()
		if !ok || user != "admin@a.example.test" || pw != "pw-0123456789" {
			http.Error(w, "no such user or password: "+user+":"+pw, http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, other.URL+"/stats", http.StatusFound)
			return
		}
		w.Write([]byte(okBody))
	}))
	defer api.Close()
	opts := Options{Getenv: func(k string) string { return env[k] }}
	cfg := Config{URL: api.URL + "/stats", Records: "data", Network: "id", Metric: "=messages", Value: "n",
		BasicAuth: BasicAuth{Username: "admin@a.example.test", PasswordEnv: "EJ_PASSWORD"}}
	if b, err := collect(t, cfg, opts); err != nil || len(b.Samples) != 1 {
		t.Fatalf("err %v, batch %+v", err, b)
	}
	moved := cfg
	moved.URL = api.URL + "/moved"
	if b, err := collect(t, moved, opts); err != nil || len(b.Samples) != 1 || elsewhere.Get("Authorization") != "" {
		t.Fatalf("redirect: err %v, batch %+v, the other host got %v", err, b, elsewhere)
	}
	env["EJ_PASSWORD"] = "pw-wrong-000"
	_, err := collect(t, cfg, opts)
	want := `the server answered 401 Unauthorized: "no such user or password: admin@a.example.test:(redacted)" (sent: Basic authentication as "admin@a.example.test" with the password in EJ_PASSWORD)`
	if err == nil || !strings.HasSuffix(err.Error(), want) || !IsRefused(err) {
		t.Fatalf("err = %v\nwant it to end %s", err, want)
	}
	env["EJ_PASSWORD"] = ""
	if _, err := New("b", cfg, opts); err == nil || !strings.Contains(err.Error(), "basic_auth.password_env: EJ_PASSWORD is not set; it should hold the password of admin@a.example.test") {
		t.Fatalf("New without the password: %v", err)
	}
}
