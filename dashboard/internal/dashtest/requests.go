package dashtest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/imscope/imscope/dashboard/respond"
)

// Get runs one GET against h, with header name/value pairs.
func Get(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	return Do(t, h, http.MethodGet, target, header...)
}

// Do runs one request against h.
func Do(t testing.TB, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// Decode parses a JSON answer into an envelope with generic data.
func Decode(t testing.TB, w *httptest.ResponseRecorder) (map[string]string, map[string]any) {
	t.Helper()
	var env struct {
		Query map[string]string `json:"query"`
		Data  map[string]any    `json:"data"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		t.Fatalf("not JSON (%v): %.300s", err, w.Body.String())
	}
	return env.Query, env.Data
}

// U builds a target from a path and parameter pairs.
func U(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// Objs returns data[key] as a list of objects.
func Objs(t testing.TB, data map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := data[key].([]any)
	if !ok {
		t.Fatalf("data.%s is %T, want a list", key, data[key])
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i], _ = r.(map[string]any)
	}
	return out
}

// Num returns m[key] as a number.
func Num(t testing.TB, m map[string]any, key string) float64 {
	t.Helper()
	v, ok := m[key].(float64)
	if !ok {
		t.Fatalf("%s is %T (%v), want a number", key, m[key], m[key])
	}
	return v
}

// GetJSON returns a JSON answer's data.
func GetJSON(t testing.TB, h http.Handler, target string) map[string]any {
	t.Helper()
	w := Get(t, h, target)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", target, w.Code, w.Body)
	}
	_, d := Decode(t, w)
	return d
}

// ReadCSV parses a CSV answer, every record as wide as the header.
func ReadCSV(t testing.TB, body []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = 0 // every record as wide as the header
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not RFC 4180 CSV (%v): %.300s", err, body)
	}
	return recs
}

// GetCSV returns a CSV answer's rows by column name.
func GetCSV(t testing.TB, h http.Handler, target string) []map[string]string {
	t.Helper()
	w := Get(t, h, target)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", target, w.Code, w.Body)
	}
	recs := ReadCSV(t, w.Body.Bytes())
	out := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// DecodeError parses an API error body, which must be complete.
func DecodeError(t testing.TB, body []byte) respond.Error {
	t.Helper()
	var e respond.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not JSON (%v): %s", err, body)
	}
	if e.Error.Code == "" || e.Error.Message == "" || e.Error.RequestID == "" {
		t.Fatalf("incomplete error body: %s", body)
	}
	return e.Error
}

// EscapedText is n as html/template escapes text (it writes &#34; for ", and
// &#39; for ').
func EscapedText(n string) string {
	r := strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;", `'`, "&#39;")
	return r.Replace(n)
}
