package ejabberd

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/imscope/imscope/collector/internal/golden"
)

var update = golden.NewFlag("update", "rewrite the golden files in testdata/ from the current output")

// replay is an HTTP server answering as the captured ejabberd did
// (testdata/ejabberd-23.01.json), so that the collector is tested where
// ejabberd is not installed too. It records the requests it gets.
type replay struct {
	*httptest.Server
	mu       sync.Mutex
	requests strings.Builder
	fail     map[string]bool // hosts whose stats_host answers 500, as ejabberd does for a command that crashes
}

func newReplay(t *testing.T) *replay {
	t.Helper()
	data, err := os.ReadFile("testdata/ejabberd-23.01.json")
	if err != nil {
		t.Fatal(err)
	}
	var captured []exchange
	if err := json.Unmarshal(data, &captured); err != nil {
		t.Fatal(err)
	}
	r := &replay{fail: map[string]bool{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		command := strings.TrimPrefix(req.URL.Path, "/api/")
		auth := authKind(req)
		r.mu.Lock()
		fmt.Fprintf(&r.requests, "%s %s (%s, %s)\n%s\n", req.Method, req.URL.Path, auth, req.Header.Get("Content-Type"), body)
		fail := r.fail
		r.mu.Unlock()
		var args map[string]string
		if err := json.Unmarshal(body, &args); err != nil {
			http.Error(w, "not JSON", http.StatusBadRequest)
			return
		}
		if auth == "token" {
			auth = "basic" // a good token is answered as a good password is
		}
		if command == "stats_host" && fail[args["host"]] {
			http.Error(w, `"internal_error"`, http.StatusInternalServerError)
			return
		}
		for _, x := range captured {
			if x.Auth == auth && x.Command == command && maps.Equal(x.Args, args) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(x.Status)
				io.WriteString(w, x.Answer)
				return
			}
		}
		t.Errorf("no captured answer to %s %s by %s", command, body, auth)
		http.Error(w, "not captured", http.StatusNotImplemented)
	}))
	t.Cleanup(r.Close)
	return r
}

// authKind names a request's credentials as the capture does.
func authKind(req *http.Request) string {
	if user, pw, ok := req.BasicAuth(); ok {
		if user == capturedAccount && pw == capturedPassword {
			return "basic"
		}
		return "wrong-password"
	}
	switch h := req.Header.Get("Authorization"); {
	case h == "Bearer "+replayToken:
		return "token"
	case h != "":
		return "wrong-token"
	}
	return "none"
}

var replayEnv = map[string]string{"EJABBERD_PASSWORD": capturedPassword, "EJABBERD_TOKEN": replayToken}

func replayGetenv(k string) string { return replayEnv[k] }

// TestReplayRequestsGolden: the requests a run sends — the list, then
// both statistics of each host, POST with a JSON body — are those of
// testdata/requests.golden, and the captured answers become exactly the
// rows the real server's did. `go test -run TestReplayRequestsGolden
// -update` rewrites the golden file.
func TestReplayRequestsGolden(t *testing.T) {
	r := newReplay(t)
	cfg := Config{URL: r.URL + "/api", BasicAuth: basicAuth(capturedAccount), Networks: map[string]string{"b.example.test": "xmpp-b"}}
	b, err := collectOnce(newSource(t, cfg, replayGetenv))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"a.example.test connections": 2, "a.example.test registered_users": 3, "xmpp-b connections": 1, "xmpp-b registered_users": 1}
	if got := rows(b); !maps.Equal(got, want) {
		t.Errorf("rows %v, want %v", sorted(got), sorted(want))
	}
	update.Check(t, "testdata/requests.golden", []byte(r.requests.String()))

	// A token is sent as a bearer token, and gets the same answers.
	cfg = Config{URL: r.URL + "/api/", BearerTokenEnv: "EJABBERD_TOKEN", Hosts: []string{"a.example.test"}}
	checkRowsReplay(t, cfg, map[string]float64{"a.example.test connections": 2, "a.example.test registered_users": 3})
}

func checkRowsReplay(t *testing.T, cfg Config, want map[string]float64) {
	t.Helper()
	b, err := collectOnce(newSource(t, cfg, replayGetenv))
	if err != nil || len(b.Problems) > 0 {
		t.Fatalf("err %v, problems %v", err, b.Problems)
	}
	if got := rows(b); !maps.Equal(got, want) {
		t.Errorf("rows %v, want %v", sorted(got), sorted(want))
	}
}

// TestReplayFailures: what fails a run, and what still lands.
func TestReplayFailures(t *testing.T) {
	r := newReplay(t)
	api := r.URL + "/api"
	basic := Config{URL: api, BasicAuth: basicAuth(capturedAccount)}
	withHosts := func(c Config, hosts ...string) Config { c.Hosts = hosts; return c }
	withNetworks := func(c Config, n map[string]string) Config { c.Networks = n; return c }
	cases := []struct {
		name     string
		cfg      Config
		env      map[string]string
		fail     string // a host whose requests fail
		err      string
		rows     map[string]float64
		problems []string
	}{
		{name: "a configured host the server does not serve", cfg: withHosts(basic, "a.example.test", "nope.example.test"),
			err:  `hosts: ejabberd at ` + api + ` does not serve "nope.example.test" (registered_vhosts: "a.example.test", "b.example.test"), so it is not collected`,
			rows: map[string]float64{"a.example.test connections": 2, "a.example.test registered_users": 3}},
		{name: "a networks host the server does not serve", cfg: withNetworks(basic, map[string]string{"b.example.test": "xmpp-b", "typo.example.test": "qq"}),
			err:  `networks: ejabberd at ` + api + ` does not serve "typo.example.test" (registered_vhosts: "a.example.test", "b.example.test"), so it is not collected`,
			rows: map[string]float64{"a.example.test connections": 2, "a.example.test registered_users": 3, "xmpp-b connections": 1, "xmpp-b registered_users": 1}},
		{name: "a host whose requests fail", cfg: basic, fail: "b.example.test",
			err: "cannot fetch " + api + `/stats_host [host=b.example.test]: the server answered 500 Internal Server Error: "\"internal_error\""; ` +
				"cannot fetch " + api + `/stats_host [host=b.example.test]: the server answered 500 Internal Server Error: "\"internal_error\""`,
			rows: map[string]float64{"a.example.test connections": 2, "a.example.test registered_users": 3}},
		{name: "a network one of whose hosts fails", cfg: withNetworks(basic, map[string]string{"a.example.test": "xmpp", "b.example.test": "xmpp"}), fail: "b.example.test",
			err: "cannot fetch " + api + `/stats_host [host=b.example.test]: the server answered 500 Internal Server Error: "\"internal_error\""; ` +
				"cannot fetch " + api + `/stats_host [host=b.example.test]: the server answered 500 Internal Server Error: "\"internal_error\""`,
			rows: map[string]float64{},
			problems: []string{
				api + ": connections of network xmpp not recorded this run: host a.example.test answered but b.example.test did not",
				api + ": registered_users of network xmpp not recorded this run: host a.example.test answered but b.example.test did not",
			}},
		{name: "a wrong token", cfg: Config{URL: api, BearerTokenEnv: "EJABBERD_TOKEN"}, env: map[string]string{"EJABBERD_TOKEN": "not-the-token"},
			err: "cannot fetch " + api + `/registered_vhosts: the server answered 401 Unauthorized: "{\"status\":\"error\",\"code\":10,\"message\":\"Oauth Token is invalid or expired.\"}" (sent: the bearer token in EJABBERD_TOKEN)`},
		{name: "a wrong password", cfg: basic, env: map[string]string{"EJABBERD_PASSWORD": "not-the-password"},
			err: "cannot fetch " + api + `/registered_vhosts: the server answered 401 Unauthorized: "{\"status\":\"error\",\"code\":10,\"message\":\"You are not authorized to call this command.\"}" (sent: Basic authentication as "imscope@a.example.test" with the password in EJABBERD_PASSWORD)`},
		{name: "no credentials", cfg: Config{URL: api},
			err: "cannot fetch " + api + `/registered_vhosts: the server answered 403 Forbidden: "{\"status\":\"error\",\"code\":32,\"message\":\"AccessRules: Account does not have the right to perform the operation.\"}" (sent: no credentials)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r.mu.Lock()
			r.fail = map[string]bool{tc.fail: tc.fail != ""}
			r.mu.Unlock()
			getenv := replayGetenv
			if tc.env != nil {
				getenv = func(k string) string { return tc.env[k] }
			}
			b, err := collectOnce(newSource(t, tc.cfg, getenv))
			if err == nil || err.Error() != tc.err {
				t.Fatalf("err = %v\nwant %s", err, tc.err)
			}
			if got := rows(b); !maps.Equal(got, tc.rows) && !(len(got) == 0 && len(tc.rows) == 0) {
				t.Errorf("rows %v, want %v", sorted(got), sorted(tc.rows))
			}
			var problems []string
			for _, p := range b.Problems {
				problems = append(problems, p.Error())
			}
			if strings.Join(problems, "\n") != strings.Join(tc.problems, "\n") {
				t.Errorf("problems\n got %q\nwant %q", problems, tc.problems)
			}
		})
	}
}
