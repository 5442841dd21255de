package checkpoints

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

// Tokens of the test bridges: whatsapp (matrix → whatsapp) and signal
// (matrix → signal).
const (
	tokenWA     = "wa-token-0123456789abcdef"
	tokenSignal = "signal-token-0123456789abcdef"
)

// The endpoints as imscope serve mounts a receiver named "push".
const (
	cpPath    = "/api/v1/push/push/" + CheckpointsEndpoint
	statePath = "/api/v1/push/push/" + BridgeStateEndpoint
)

// t0 is the time of the fixtures: 2023-11-14T22:13:20Z, 1700000000000 ms.
var t0 = time.UnixMilli(1_700_000_000_000).UTC()

func testConfig() Config {
	return Config{Bridges: []BridgeConfig{
		{ID: "whatsapp", FromNetwork: "matrix", ToNetwork: "whatsapp", TokenEnv: "TEST_WA_TOKEN"},
		{ID: "signal", FromNetwork: "matrix", ToNetwork: "signal", TokenEnv: "TEST_SIGNAL_TOKEN"},
	}}
}

func testEnv(name string) string {
	return map[string]string{"TEST_WA_TOKEN": tokenWA, "TEST_SIGNAL_TOKEN": tokenSignal}[name]
}

// clock is a settable time source shared by a receiver and its test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a receiver behind a loopback HTTP server, its clock and its log.
type harness struct {
	recv  *Receiver
	srv   *httptest.Server
	clock *clock
	logs  *syncBuffer
}

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

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{clock: &clock{t: t0.Add(time.Second)}, logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	recv, err := New("push", cfg, Options{Logger: logger, Getenv: testEnv, Now: h.clock.Now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.recv = recv
	h.srv = httptest.NewServer(recv)
	t.Cleanup(h.srv.Close)
	return h
}

// answer is an answer as a test reads it: Error is the error's message and
// Code its code ("" when the answer has no error).
type answer struct {
	Accepted      int
	Rejected      []rejection
	RejectedCount int
	Error, Code   string
}

// post sends body to path with token ("" for no Authorization header) and
// returns the status and the decoded answer.
func (h *harness) post(t *testing.T, path, token string, body []byte) (int, answer) {
	t.Helper()
	return h.do(t, http.MethodPost, path, token, bytes.NewReader(body))
}

func (h *harness) do(t *testing.T, method, path, token string, body io.Reader) (int, answer) {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q, want JSON", ct)
	}
	var r response
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v", method, path, err)
	}
	a := answer{Accepted: r.Accepted, Rejected: r.Rejected, RejectedCount: r.RejectedCount}
	if r.Error != nil {
		a.Error, a.Code = r.Error.Message, r.Error.Code
	}
	return resp.StatusCode, a
}

// flush drains everything the receiver holds.
func (h *harness) flush(t *testing.T) collector.Batch {
	t.Helper()
	var got collector.Batch
	calls := 0
	err := h.recv.Flush(context.Background(), func(_ context.Context, b collector.Batch) error {
		calls++
		got = b
		return nil
	})
	if err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if calls > 1 {
		t.Fatalf("Flush emitted %d batches, want at most 1", calls)
	}
	return got
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
