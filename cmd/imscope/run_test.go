package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// sharedData is the one embedded data directory of this test process
// (libchdb allows one per process); tests isolate by database.
var sharedData = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "imscope-run-test-")
	if err != nil {
		panic(err)
	}
	return dir
})

// startServe runs `imscope serve` in-process on a free port and returns its
// base URL and a function that stops it and returns run's error.
func startServe(t *testing.T, database string, extra ...string) (string, func() error) {
	t.Helper()
	return startServeEnv(t, database, nil, extra...)
}

// startServeEnv is startServe with environment variables.
func startServeEnv(t *testing.T, database string, env map[string]string, extra ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--data", sharedData(), "--database", database, "--libchdb", projectLibrary(t)}, extra...)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if u, ok := strings.CutPrefix(strings.TrimSpace(stdout.String()), "imscope listening on "); ok {
			stop := func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(10 * time.Second):
					return errors.New("serve did not return 10 s after its context ended")
				}
			}
			t.Cleanup(func() { cancel() })
			return u, stop
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned early: %v\nstderr:\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start; stderr:\n%s", stderr.String())
	return "", nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := send(t, http.DefaultClient, req)
	return resp.StatusCode, body
}

// send runs req with client and returns the answer with its body read.
func send(t *testing.T, client *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := client.Do(req)
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

func TestServeEndToEnd(t *testing.T) {
	base, stop := startServe(t, "run_e2e")
	code, body := get(t, base+"/healthz")
	if code != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Fatalf("/healthz: %d %s", code, body)
	}
	code, body = get(t, base+"/readyz")
	var ready struct{ Status, Engine string }
	if err := json.Unmarshal([]byte(body), &ready); err != nil || code != http.StatusOK || ready.Status != "ready" || ready.Engine != "embedded" {
		t.Fatalf("/readyz: %d %s", code, body)
	}
	code, body = get(t, base+"/")
	if code != http.StatusOK || !strings.Contains(body, "No usage data in this window yet") {
		t.Fatalf("/: %d, want the overview's empty state on an empty database:\n%s", code, body)
	}
	code, body = get(t, base+"/api/v1/networks?lang=zh-CN")
	if code != http.StatusBadRequest {
		t.Errorf("/api/v1/networks?lang=zh-CN: %d, want 400 (the API takes no lang)", code)
	}
	code, body = get(t, base+"/api/v1/networks")
	if code != http.StatusOK || !strings.Contains(body, "腾讯QQ") || !strings.Contains(body, "Tencent QQ") {
		t.Fatalf("/api/v1/networks: %d, the network catalog is missing:\n%s", code, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after its context ended, want nil", err)
	}
}

func TestRunCommandLine(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		wantErr    error
		wantOut    string
		wantErrOut string
	}{
		{name: "help", args: []string{"help"}, wantOut: "Commands:"},
		{name: "--help", args: []string{"--help"}, wantOut: "migrate"},
		{name: "command help", args: []string{"migrate", "--help"}, wantOut: "-database"},
		{name: "unknown command", args: []string{"frobnicate"}, wantErr: errUsage, wantErrOut: `unknown command "frobnicate"`},
		{name: "unknown flag", args: []string{"serve", "--no-such-flag"}, wantErr: errUsage, wantErrOut: "flag provided but not defined"},
		{name: "stray argument", args: []string{"migrate", "extra"}, wantErr: errUsage, wantErrOut: `unexpected argument "extra"`},
		{name: "version", args: []string{"version"}, wantOut: "imscope "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, &out, &errOut)
			if !errors.Is(err, tc.wantErr) && !(err == nil && tc.wantErr == nil) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(out.String(), tc.wantOut) || !strings.Contains(errOut.String(), tc.wantErrOut) {
				t.Fatalf("stdout %q / stderr %q; want %q / %q", out.String(), errOut.String(), tc.wantOut, tc.wantErrOut)
			}
		})
	}
}

// TestBadConfigStopsStartup: a bad config file stops serve before the engine
// opens, with every problem named by file and line.
func TestBadConfigStopsStartup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "imscope.yaml")
	if err := os.WriteFile(path, []byte("lisen: \":8080\"\nengine:\n  query_timeout: soon\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "--config", path}, func(string) string { return "" }, &out, &errOut)
	if err == nil {
		t.Fatal("serve started with a bad config")
	}
	for _, want := range []string{path + `:1: unknown key "lisen" (did you mean "listen"?)`, path + ":3: engine.query_timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// Environment problems are named by variable.
	err = run(context.Background(), []string{"migrate"}, func(k string) string {
		if k == "IMSCOPE_DATABASE" {
			return "no-dashes"
		}
		return ""
	}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "IMSCOPE_DATABASE") {
		t.Fatalf("bad IMSCOPE_DATABASE: %v", err)
	}
}
