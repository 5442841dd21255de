package checkpoints

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestAuth(t *testing.T) {
	tests := []struct {
		name       string
		header     string // the whole Authorization header; "" sends none
		wantCode   int
		wantBridge string
	}{
		{"no token", "", http.StatusUnauthorized, ""},
		{"wrong token", "Bearer " + tokenWA + "x", http.StatusUnauthorized, ""},
		{"prefix of a token", "Bearer " + tokenWA[:len(tokenWA)-1], http.StatusUnauthorized, ""},
		{"right token, other scheme", "Basic " + tokenWA, http.StatusUnauthorized, ""},
		{"empty bearer", "Bearer ", http.StatusUnauthorized, ""},
		{"whatsapp token", "Bearer " + tokenWA, http.StatusOK, "whatsapp"},
		{"signal token, scheme in lower case", "bearer " + tokenSignal, http.StatusOK, "signal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			req, err := http.NewRequest(http.MethodPost, h.srv.URL+cpPath, bytes.NewReader(fixture(t, "success.json")))
			if err != nil {
				t.Fatal(err)
			}
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := h.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantCode {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tc.wantCode, body)
			}
			rows := h.flush(t).Bridges
			if tc.wantCode == http.StatusUnauthorized {
				if !strings.HasPrefix(string(body), `{"error":{"code":"unauthorized","message":"missing or unknown bearer token`) {
					t.Errorf("401 body = %s, want the API's error object", body)
				}
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				if len(rows) != 0 {
					t.Errorf("unauthenticated push landed: %+v", rows)
				}
			} else if len(rows) != 1 || rows[0].Bridge != tc.wantBridge || rows[0].ToNetwork != tc.wantBridge {
				t.Errorf("rows = %+v, want one row of bridge %s", rows, tc.wantBridge)
			}
			for _, tok := range []string{tokenWA, tokenSignal, tokenWA[:len(tokenWA)-1]} {
				if strings.Contains(h.logs.String(), tok) || strings.Contains(string(body), tok) {
					t.Errorf("a token appears in the log or the answer")
				}
			}
		})
	}
}

func TestCheckpointResponses(t *testing.T) {
	tests := []struct {
		name         string
		body         []byte
		wantCode     int
		wantAccepted int
		wantRejected []int    // indices
		wantError    []string // substrings of the error, or of each rejection in order
	}{
		{"all good", fixture(t, "success.json"), http.StatusOK, 3, nil, nil},
		{"empty list", []byte(`{"checkpoints": []}`), http.StatusOK, 0, nil, nil},
		{"bad ones among good ones are named by index", fixture(t, "mixed_bad.json"), http.StatusMultiStatus, 2,
			[]int{1, 3, 4, 5, 6, 7}, []string{
				`checkpoints[1].step: "TELEPORT" is not a checkpoint step`,
				`checkpoints[3]: want an object`,
				`checkpoints[4].timestamp: want an integer, got string`,
				`checkpoints[5].event_id: missing`,
				`checkpoints[6].timestamp: 1700000000 is not within a day`,
				`checkpoints[7].status: "MAYBE" is not a checkpoint status`,
			}},
		{"all bad", fixture(t, "all_bad.json"), http.StatusBadRequest, 0, []int{0, 1},
			[]string{`checkpoints[0].event_id: missing`, `checkpoints[1]: want an object`}},
		{"malformed JSON", fixture(t, "malformed.json"), http.StatusBadRequest, 0, nil, []string{"unexpected end of JSON"}},
		{"trailing garbage", []byte(`{"checkpoints": []} {}`), http.StatusBadRequest, 0, nil, []string{"invalid JSON at byte"}},
		{"array instead of object", fixture(t, "not_object.json"), http.StatusBadRequest, 0, nil, []string{`body must be a JSON object {"checkpoints": [...]}`}},
		{"no checkpoints key", []byte(`{"checkpoint": []}`), http.StatusBadRequest, 0, nil, []string{`no "checkpoints" array`}},
		{"checkpoints not an array", []byte(`{"checkpoints": {"event_id": "$x"}}`), http.StatusBadRequest, 0, nil, []string{"checkpoints: want an array, got object"}},
		{"empty body", nil, http.StatusBadRequest, 0, nil, []string{"unexpected end of JSON"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			code, resp := h.post(t, cpPath, tokenWA, tc.body)
			if code != tc.wantCode || resp.Accepted != tc.wantAccepted {
				t.Fatalf("status %d accepted %d, want %d and %d: %+v", code, resp.Accepted, tc.wantCode, tc.wantAccepted, resp)
			}
			var idx []int
			for _, rj := range resp.Rejected {
				idx = append(idx, rj.Index)
			}
			if !slices.Equal(idx, tc.wantRejected) || resp.RejectedCount != len(tc.wantRejected) {
				t.Fatalf("rejected %v (count %d), want %v", idx, resp.RejectedCount, tc.wantRejected)
			}
			problems := h.flush(t).Problems
			if tc.wantRejected != nil {
				for i, want := range tc.wantError {
					if !strings.Contains(resp.Rejected[i].Error, want) {
						t.Errorf("rejection %d = %q, want it to contain %q", i, resp.Rejected[i].Error, want)
					}
				}
				if len(problems) != len(tc.wantRejected) {
					t.Errorf("%d problems, want one per rejection: %v", len(problems), problems)
				}
			} else if tc.wantError != nil {
				if !strings.Contains(resp.Error, tc.wantError[0]) {
					t.Errorf("error = %q, want it to contain %q", resp.Error, tc.wantError[0])
				}
				if len(problems) != 1 || !strings.HasPrefix(problems[0].Where, "bridge whatsapp: checkpoints") {
					t.Errorf("problems = %v, want one naming the bridge", problems)
				}
			}
		})
	}
}

func TestManyRejectionsAreCapped(t *testing.T) {
	h := newHarness(t, testConfig())
	body := "{\"checkpoints\": [" + strings.Repeat("1,", 499) + "1]}"
	code, resp := h.post(t, cpPath, tokenWA, []byte(body))
	if code != http.StatusBadRequest || resp.RejectedCount != 500 || len(resp.Rejected) != maxRejectedShown {
		t.Fatalf("status %d, rejected_count %d, %d listed", code, resp.RejectedCount, len(resp.Rejected))
	}
	if n := len(h.flush(t).Problems); n != maxProblemsPerBody+1 {
		t.Errorf("%d problems, want %d and a summary", n, maxProblemsPerBody)
	}
}

func TestBodyLimit(t *testing.T) {
	cfg := testConfig()
	cfg.MaxBodyBytes = 1024
	big := []byte(`{"checkpoints": [], "pad": "` + strings.Repeat("x", 2000) + `"}`)
	tests := []struct {
		name string
		body io.Reader
	}{
		{"with Content-Length", bytes.NewReader(big)},
		{"chunked, no Content-Length", io.MultiReader(bytes.NewReader(big))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, cfg)
			code, resp := h.do(t, http.MethodPost, cpPath, tokenWA, tc.body)
			if code != http.StatusRequestEntityTooLarge || !strings.Contains(resp.Error, "larger than 1024 bytes") {
				t.Fatalf("status %d %+v, want 413", code, resp)
			}
		})
	}
	t.Run("just under the limit", func(t *testing.T) {
		h := newHarness(t, cfg)
		body := []byte(`{"checkpoints": [], "pad": "` + strings.Repeat("x", 1024-30) + `"}`)
		if code, resp := h.post(t, cpPath, tokenWA, body); code != http.StatusOK {
			t.Fatalf("%d-byte body: status %d %+v", len(body), code, resp)
		}
	})
}

func TestRouting(t *testing.T) {
	tests := []struct {
		name, method, path string
		wantCode           int
	}{
		{"GET checkpoints", http.MethodGet, cpPath, http.StatusMethodNotAllowed},
		{"PUT bridge_state", http.MethodPut, statePath, http.StatusMethodNotAllowed},
		{"unknown endpoint", http.MethodPost, "/api/v1/push/push/telemetry", http.StatusNotFound},
		{"other prefix works", http.MethodPost, "/hooks/mautrix/checkpoints", http.StatusOK},
		{"no prefix works", http.MethodPost, "/checkpoints", http.StatusOK},
		{"trailing slash works", http.MethodPost, cpPath + "/", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			code, _ := h.do(t, tc.method, tc.path, tokenWA, strings.NewReader(`{"checkpoints": []}`))
			if code != tc.wantCode {
				t.Fatalf("status %d, want %d", code, tc.wantCode)
			}
		})
	}
}

// TestErrorShape: every error answers in the shape of imscope's API,
// {"error": {"code", "message", "param"?, "request_id"?}} — one object, not
// a string — with nothing else beside it, except a 400 that lists the
// checkpoints it rejected. The request id is the one the server in front
// put in X-Request-Id. (A recorder, not a server: the shape is the
// receiver's; TestPushThroughServe in cmd/imscope covers the real server.)
func TestErrorShape(t *testing.T) {
	cfg := testConfig()
	cfg.MaxBodyBytes = 1024
	tests := []struct {
		name, method, path, token, body string
		wantStatus                      int
		wantCode, wantParam             string
		wantOther                       []string // keys beside "error"
	}{
		{"unknown token", http.MethodPost, cpPath, "nope-nope-nope-nope", `{"checkpoints": []}`, http.StatusUnauthorized, "unauthorized", "", nil},
		{"no such endpoint", http.MethodPost, "/api/v1/push/push/telemetry", tokenWA, `{}`, http.StatusNotFound, "not_found", "", nil},
		{"wrong method", http.MethodGet, cpPath, tokenWA, "", http.StatusMethodNotAllowed, "method_not_allowed", "", nil},
		{"too large", http.MethodPost, cpPath, tokenWA, `{"checkpoints": [], "pad": "` + strings.Repeat("x", 2000) + `"}`, http.StatusRequestEntityTooLarge, "request_too_large", "", nil},
		{"malformed checkpoints", http.MethodPost, cpPath, tokenWA, `{"checkpoints": [`, http.StatusBadRequest, "invalid_body", "", nil},
		{"malformed state", http.MethodPost, statePath, tokenWA, `[]`, http.StatusBadRequest, "invalid_body", "", nil},
		{"every checkpoint rejected", http.MethodPost, cpPath, tokenWA, `{"checkpoints": [1]}`, http.StatusBadRequest, "invalid_body", "checkpoints", []string{"accepted", "rejected", "rejected_count"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, cfg)
			front := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "req-1234")
				h.recv.ServeHTTP(w, r)
			})
			req, _ := http.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+tc.token)
			w := httptest.NewRecorder()
			front.ServeHTTP(w, req)
			var got map[string]json.RawMessage
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("not JSON: %s", w.Body.String())
			}
			var e struct {
				Code, Message, Param string
				RequestID            string `json:"request_id"`
			}
			if err := json.Unmarshal(got["error"], &e); err != nil {
				t.Fatalf("error is not an object: %s", w.Body.String())
			}
			if w.Code != tc.wantStatus || e.Code != tc.wantCode || e.Message == "" || e.Param != tc.wantParam || e.RequestID != "req-1234" {
				t.Errorf("status %d, error %+v; want %d, code %s, param %q and the request id", w.Code, e, tc.wantStatus, tc.wantCode, tc.wantParam)
			}
			var other []string
			for k := range got {
				if k != "error" {
					other = append(other, k)
				}
			}
			slices.Sort(other)
			if !slices.Equal(other, tc.wantOther) {
				t.Errorf("keys beside error: %v, want %v", other, tc.wantOther)
			}
		})
	}
}
