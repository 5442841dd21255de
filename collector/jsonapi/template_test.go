package jsonapi

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/imscope/imscope/collector/internal/golden"
)

var update = golden.NewFlag("update", "rewrite the golden files in testdata/ from the current output")

// hostileItems are item values that would break a request pasted together
// as text: spaces, URL and JSON syntax, a value that looks like a
// placeholder, non-ASCII.
var hostileItems = []string{"a.example.test", `a b/c?d&e=f#g`, `quote" back\slash`, "{host}", "即时通信.example", "100%"}

// TestRequestTemplatesGolden sends every kind of templated request to a
// recording server and compares what arrived — method, path and query,
// content type, body — with testdata/templates.golden: each item must
// reach the API as one path segment, one query value or one JSON string,
// whatever it holds. `go test -run TestRequestTemplatesGolden -update`
// rewrites the file.
func TestRequestTemplatesGolden(t *testing.T) {
	var mu sync.Mutex
	var got strings.Builder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		fmt.Fprintf(&got, "%s %s\n", r.Method, r.URL.RequestURI())
		if ct := r.Header.Get("Content-Type"); ct != "" {
			fmt.Fprintf(&got, "Content-Type: %s\n", ct)
		}
		if len(body) > 0 {
			fmt.Fprintf(&got, "%s\n", body)
		}
		mu.Unlock()
		w.Write([]byte(`{"n": 1}`))
	}))
	defer srv.Close()
	cases := []struct {
		name string
		cfg  Config
	}{
		{"GET, the item in the path and in the query", Config{URL: srv.URL + "/hosts/{host}/stats?host={host}&x=1"}},
		{"POST, the item in a JSON body", Config{URL: srv.URL + "/api/stats_host", Method: "POST", Body: `{"name": "onlineusers", "host": "{host}"}`}},
		{"POST, a +json body with the item twice", Config{URL: srv.URL + "/q", Method: "post", Body: `{"filter": {"host": "{host}", "label": "host {host}"}}`,
			Headers: map[string]string{"content-type": "application/vnd.api+json"}}},
		{"POST, a form body", Config{URL: srv.URL + "/form", Method: "POST", Body: "host={host}&stat=onlineusers",
			Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}},
		{"POST, a text body, as written", Config{URL: srv.URL + "/text", Method: "POST", Body: "stats for {host}\n",
			Headers: map[string]string{"Content-Type": "text/plain"}}},
	}
	var out strings.Builder
	for _, tc := range cases {
		got.Reset()
		cfg := tc.cfg
		cfg.Each = &Each{Var: "host", Values: hostileItems}
		cfg.Network, cfg.Metric, cfg.Value = "={host}", "=connections", "n"
		src, err := New("golden", cfg, withDefaults(Options{}))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b, err := collectOnce(src)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		fmt.Fprintf(&out, "## %s\n", tc.name)
		out.WriteString(got.String())
		// The fixed value ={host} is the item, as it is.
		for i, s := range b.Samples {
			if s.Network != hostileItems[i] {
				t.Errorf("%s: row %d network %q, want %q", tc.name, i, s.Network, hostileItems[i])
			}
		}
		out.WriteString("\n")
	}
	update.Check(t, "testdata/templates.golden", []byte(out.String()))
}

func TestParseTemplate(t *testing.T) {
	vars := []string{"host"}
	cases := []struct {
		in, err string
		uses    bool
	}{
		{in: "http://x/{host}", uses: true},
		{in: `{"a": {"b": "{host}"}}`, uses: true},
		{in: `{"a": {}}`},
		{in: "{ host }"},
		{in: "{1host}"},
		{in: "http://x/{hots}", err: `"http://x/{hots}": {hots} names no variable (each.var is host)`},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			tmpl, err := parseTemplate(tc.in, vars)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tmpl.uses("host") != tc.uses {
				t.Errorf("uses(host) = %v", !tc.uses)
			}
			if got := tmpl.fill(map[string]string{"host": "{host}"}, verbatim); tc.uses && strings.Count(got, "{host}") != strings.Count(tc.in, "{host}") {
				t.Errorf("fill = %q: a value that looks like a placeholder was expanded again", got)
			}
		})
	}
	if _, err := parseTemplate("http://x/{host}", nil); err == nil || !strings.Contains(err.Error(), "declare one under each") {
		t.Errorf("without each: %v", err)
	}
}
