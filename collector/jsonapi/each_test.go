package jsonapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/imscope/imscope/collector"
)

// hostsAPI is a made-up API that answers one host at a time: GET /hosts
// lists the hosts, POST /stats {"host": …} answers {"stat": N}. What a
// host answers is set per test; a host it does not have answers
// {"stat": 0}, as ejabberd does.
type hostsAPI struct {
	*httptest.Server
	mu     sync.Mutex
	hosts  []string
	stat   map[string]string // host → the raw "stat" JSON, or "500" / "401" for an error
	asked  []string          // hosts asked, in order
	listed int
}

func newHostsAPI(t *testing.T, hosts []string, stat map[string]string) *hostsAPI {
	api := &hostsAPI{hosts: hosts, stat: stat}
	api.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		defer api.mu.Unlock()
		switch r.URL.Path {
		case "/hosts":
			api.listed++
			json.NewEncoder(w).Encode(api.hosts)
		case "/stats":
			var req struct{ Host string }
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.Method != http.MethodPost {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			api.asked = append(api.asked, req.Host)
			switch v := api.stat[req.Host]; v {
			case "500":
				http.Error(w, "internal_error", http.StatusInternalServerError)
			case "401":
				http.Error(w, `{"message":"Oauth Token is invalid or expired."}`, http.StatusUnauthorized)
			case "":
				w.Write([]byte(`{"stat":0}`))
			default:
				w.Write([]byte(`{"stat":` + v + `}`))
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(api.Close)
	return api
}

func (api *hostsAPI) config(values ...string) Config {
	return Config{URL: api.URL + "/stats", Method: "POST", Body: `{"host": "{host}"}`,
		Each:    &Each{Var: "host", Values: values, From: &List{URL: api.URL + "/hosts"}},
		Network: "={host}", Metric: "=connections", Value: "stat"}
}

// rowsOf is network=value of each sample, in order.
func rowsOf(b collector.Batch) []string {
	var out []string
	for _, s := range b.Samples {
		out = append(out, fmt.Sprintf("%s=%g", s.Network, s.Value))
	}
	return out
}

// TestEachListed: without values, every item the list names is asked, the
// list read again at every run, so an item added to the API is collected
// by the next run.
func TestEachListed(t *testing.T) {
	api := newHostsAPI(t, []string{"a.example.test", "b.example.test"}, map[string]string{"a.example.test": "4", "b.example.test": "1"})
	src, err := New("hosts", api.config(), withDefaults(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := collectOnce(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsOf(b); !slices.Equal(got, []string{"a.example.test=4", "b.example.test=1"}) {
		t.Fatalf("rows %v", got)
	}
	api.mu.Lock()
	api.hosts = append(api.hosts, "c.example.test")
	api.stat["c.example.test"] = "2"
	api.mu.Unlock()
	b, err = collectOnce(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsOf(b); !slices.Equal(got, []string{"a.example.test=4", "b.example.test=1", "c.example.test=2"}) {
		t.Fatalf("after a host was added: rows %v", got)
	}
	if api.listed != 2 {
		t.Errorf("listed %d times in 2 runs", api.listed)
	}
}

// TestEachMissingValue: a configured item the list lacks is never asked
// (the API would answer 0) and fails the run by name; the others land.
func TestEachMissingValue(t *testing.T) {
	api := newHostsAPI(t, []string{"a.example.test", "b.example.test"}, map[string]string{"a.example.test": "4"})
	src, err := New("hosts", api.config("a.example.test", "nope.example.test", "typo.example.test"), withDefaults(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := collectOnce(src)
	want := `each.values: host "nope.example.test", "typo.example.test" are not among the items ` + api.URL + `/hosts lists ("a.example.test", "b.example.test")`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	if got := rowsOf(b); !slices.Equal(got, []string{"a.example.test=4"}) {
		t.Fatalf("rows %v", got)
	}
	if !slices.Equal(api.asked, []string{"a.example.test"}) {
		t.Errorf("asked %v", api.asked)
	}
}

// TestEachItemFailures: an item whose request fails is named in the run's
// error and the other items land; a refusal of the credentials stops the
// run at once, since every item would be refused.
func TestEachItemFailures(t *testing.T) {
	hosts := []string{"a.example.test", "b.example.test", "c.example.test"}
	api := newHostsAPI(t, hosts, map[string]string{"a.example.test": "4", "b.example.test": "500", "c.example.test": `"n/a"`})
	src, err := New("hosts", api.config(), withDefaults(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := collectOnce(src)
	if err == nil || err.Error() != "cannot fetch "+api.URL+`/stats [host=b.example.test]: the server answered 500 Internal Server Error: "internal_error"` {
		t.Fatalf("err = %v", err)
	}
	if got := rowsOf(b); !slices.Equal(got, []string{"a.example.test=4"}) {
		t.Fatalf("rows %v", got)
	}
	checkProblems(t, b.Problems, []want{{api.URL + "/stats [host=c.example.test]: record 0 at $", `value (stat): "n/a" is not a number`}})

	api.stat = map[string]string{"a.example.test": "401", "b.example.test": "401", "c.example.test": "401"}
	api.asked = nil
	cfg := api.config()
	cfg.BearerTokenEnv = "HOSTS_TOKEN"
	src, err = New("hosts", cfg, withDefaults(Options{Getenv: func(string) string { return "wrong-token" }}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = collectOnce(src)
	if err == nil || !IsRefused(err) || !strings.Contains(err.Error(), "[host=a.example.test]: the server answered 401 Unauthorized") ||
		!strings.HasSuffix(err.Error(), "(sent: the bearer token in HOSTS_TOKEN)") || strings.Contains(err.Error(), "wrong-token") {
		t.Fatalf("err = %v", err)
	}
	if len(api.asked) != 1 {
		t.Errorf("asked %v after the first refusal", api.asked)
	}
}

// TestEachListErrors: a list that cannot be read as configured fails the
// run before any item is asked.
func TestEachListErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/objects":
			w.Write([]byte(`{"data": [{"name": "a.example.test"}, {"name": 7}, {"id": "c"}]}`))
		case "/mixed":
			w.Write([]byte(`["a.example.test", {"name": "b"}]`))
		case "/error":
			w.Write([]byte(`{"status": "error"}`))
		default:
			t.Errorf("asked %s", r.URL.Path)
		}
	}))
	defer srv.Close()
	cases := []struct {
		name string
		list List
		err  string
	}{
		{"an item that is not text", List{URL: srv.URL + "/mixed"}, "the list of " + srv.URL + "/mixed: item at $[1]: each.from.value (@): an object is not text"},
		{"a record without the value", List{URL: srv.URL + "/objects", Records: "data", Value: "name"}, `item at $.data[2]: each.from.value (name): missing: @ has no member "name" (it has "id")`},
		{"not the records path", List{URL: srv.URL + "/error", Records: "data"}, `the list of ` + srv.URL + `/error: records path data: $ has no member "data" (it has "status")`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{URL: srv.URL + "/stats/{host}", Each: &Each{Var: "host", From: &tc.list}, Network: "={host}", Metric: "=connections", Value: "stat"}
			_, err := collect(t, cfg, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v\nwant %s", err, tc.err)
			}
		})
	}
	// Numbers are items too, and a value path picks them out of objects.
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tenants" {
			w.Write([]byte(`{"tenants": {"x": {"id": 17}, "y": {"id": "qq"}}}`))
			return
		}
		w.Write([]byte(`{"stat": 1}`))
	}))
	defer srv2.Close()
	b, err := collect(t, Config{URL: srv2.URL + "/stats/{tenant}", Each: &Each{Var: "tenant", From: &List{URL: srv2.URL + "/tenants", Records: "tenants[*]", Value: "id"}},
		Network: "={tenant}", Metric: "=connections", Value: "stat"}, Options{})
	if err != nil || !slices.Equal(rowsOf(b), []string{"17=1", "qq=1"}) {
		t.Fatalf("err %v, rows %v", err, rowsOf(b))
	}
}
