package ejabberd

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/ejabberd/ejabberdtest"
	"github.com/imscope/imscope/collector/jsonapi"
)

// TestEjabberdLive collects from a real ejabberd (Debian's 23.01, started
// here): sessions and registered accounts per virtual host land exactly,
// by Basic authentication and by an OAuth token; a host added to the
// running server is collected by the next run; hosts map onto networks and
// add up; a host the server does not serve, a wrong token, a wrong
// password and no credentials fail the run, each named; no credentials
// work once the API is open to loopback. The json collector, configured by
// hand for one statistic, reads the same server. Skipped when ejabberd is
// not installed.
func TestEjabberdLive(t *testing.T) {
	srv := ejabberdtest.Start(t, "a.example.test", "b.example.test")
	srv.Populate(t) // alice on a PC and a phone is two sessions: connections count sessions

	env := map[string]string{"EJABBERD_PASSWORD": srv.Password}
	getenv := func(k string) string { return env[k] }
	basic := Config{URL: srv.API, BasicAuth: basicAuth(srv.Account)}
	src := newSource(t, basic, getenv)
	want := map[string]float64{
		"a.example.test connections": 2, "a.example.test registered_users": 3, // alice, bob and imscope
		"b.example.test connections": 1, "b.example.test registered_users": 1,
	}
	checkRows(t, "basic auth", src, want)

	t.Run("token", func(t *testing.T) {
		env["EJABBERD_TOKEN"] = srv.Token(t)
		checkRows(t, "token", newSource(t, Config{URL: srv.API + "/", BearerTokenEnv: "EJABBERD_TOKEN"}, getenv), want)
	})

	t.Run("a host added to the server", func(t *testing.T) {
		srv.AddHost(t, "c.example.test")
		srv.Register(t, "dave", "c.example.test", "dave-pw")
		want["c.example.test connections"], want["c.example.test registered_users"] = 0, 1
		checkRows(t, "the next run", src, want)
	})

	t.Run("hosts mapped to one network add up", func(t *testing.T) {
		cfg := basic
		cfg.Networks = map[string]string{"a.example.test": "xmpp-demo", "b.example.test": "xmpp-demo"}
		checkRows(t, "networks", newSource(t, cfg, getenv), map[string]float64{
			"xmpp-demo connections": 3, "xmpp-demo registered_users": 4,
			"c.example.test connections": 0, "c.example.test registered_users": 1,
		})
	})

	t.Run("the json collector, configured by hand as its README shows", func(t *testing.T) {
		src, err := jsonapi.New("ejabberd-live", jsonapi.Config{
			URL: srv.API + "/stats_host", Method: "POST", Body: `{"name": "onlineusers", "host": "{host}"}`,
			BasicAuth: basicAuth(srv.Account),
			Each: &jsonapi.Each{Var: "host", Values: []string{"b.example.test", "a.example.test"},
				From: &jsonapi.List{URL: srv.API + "/registered_vhosts", Method: "POST", Body: "{}"}},
			Network: "={host}", Metric: "=connections", Value: "stat",
		}, jsonapi.Options{Getenv: getenv})
		if err != nil {
			t.Fatal(err)
		}
		var b collector.Batch
		err = src.Collect(context.Background(), func(_ context.Context, got collector.Batch) error { b = got; return nil })
		if got := rows(b); err != nil || !maps.Equal(got, map[string]float64{"b.example.test connections": 1, "a.example.test connections": 2}) {
			t.Fatalf("err %v, rows %v", err, got)
		}
	})

	t.Run("a host the server does not serve", func(t *testing.T) {
		cfg := basic
		cfg.Hosts = []string{"b.example.test", "nope.example.test"}
		b, err := collectOnce(newSource(t, cfg, getenv))
		wantErr := `hosts: ejabberd at ` + srv.API + ` does not serve "nope.example.test" (registered_vhosts: "a.example.test", "b.example.test", "c.example.test"), so it is not collected`
		if err == nil || err.Error() != wantErr {
			t.Fatalf("err = %v\nwant %s", err, wantErr)
		}
		if got := rows(b); !maps.Equal(got, map[string]float64{"b.example.test connections": 1, "b.example.test registered_users": 1}) {
			t.Errorf("rows %v: want b.example.test's, and nothing for nope.example.test", got)
		}
	})

	refused := []struct {
		name string
		cfg  Config
		env  map[string]string
		want string
	}{
		{"a wrong token", Config{URL: srv.API, BearerTokenEnv: "EJABBERD_TOKEN"}, map[string]string{"EJABBERD_TOKEN": "not-the-token-1234"},
			`the server answered 401 Unauthorized: "{\"status\":\"error\",\"code\":10,\"message\":\"Oauth Token is invalid or expired.\"}" (sent: the bearer token in EJABBERD_TOKEN)`},
		{"a wrong password", basic, map[string]string{"EJABBERD_PASSWORD": "not-the-password"},
			`the server answered 401 Unauthorized: "{\"status\":\"error\",\"code\":10,\"message\":\"You are not authorized to call this command.\"}" (sent: Basic authentication as "imscope@a.example.test" with the password in EJABBERD_PASSWORD)`},
		{"no credentials", Config{URL: srv.API}, nil,
			`the server answered 403 Forbidden: "{\"status\":\"error\",\"code\":32,\"message\":\"AccessRules: Account does not have the right to perform the operation.\"}" (sent: no credentials)`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			b, err := collectOnce(newSource(t, tc.cfg, func(k string) string { return tc.env[k] }))
			prefix := "cannot fetch " + srv.API + "/registered_vhosts: "
			if err == nil || err.Error() != prefix+tc.want {
				t.Fatalf("err = %v\nwant %s%s", err, prefix, tc.want)
			}
			for _, secret := range tc.env {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error shows the secret: %v", err)
				}
			}
			if b.Rows() != 0 {
				t.Errorf("rows %v", rows(b))
			}
		})
	}

	t.Run("no credentials, the API open to loopback", func(t *testing.T) {
		srv.OpenToLoopback(t)
		checkRows(t, "no credentials", newSource(t, Config{URL: srv.API}, getenv), want)
		// A wrong token is still refused where none is needed.
		wrong := newSource(t, refused[0].cfg, func(k string) string { return refused[0].env[k] })
		if _, err := collectOnce(wrong); err == nil || !strings.Contains(err.Error(), "401 Unauthorized") {
			t.Errorf("a wrong token with the API open to loopback: %v", err)
		}
	})
}

func basicAuth(account string) jsonapi.BasicAuth {
	return jsonapi.BasicAuth{Username: account, PasswordEnv: "EJABBERD_PASSWORD"}
}

func newSource(t *testing.T, cfg Config, getenv func(string) string) *Source {
	t.Helper()
	src, err := New("ejabberd-live", cfg, Options{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// collectOnce collects once and returns what was emitted.
func collectOnce(src *Source) (collector.Batch, error) {
	var got collector.Batch
	err := src.Collect(context.Background(), func(_ context.Context, b collector.Batch) error {
		got.Samples = append(got.Samples, b.Samples...)
		got.Problems = append(got.Problems, b.Problems...)
		return nil
	})
	return got, err
}

// rows is the batch's samples as "network metric" → value.
func rows(b collector.Batch) map[string]float64 {
	out := map[string]float64{}
	for _, s := range b.Samples {
		out[s.Network+" "+s.Metric] = s.Value
	}
	return out
}

// checkRows collects once and wants exactly the rows want, without
// problems, all from one run's instant and labelled with the source.
func checkRows(t *testing.T, what string, src *Source, want map[string]float64) {
	t.Helper()
	b, err := collectOnce(src)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(b.Problems) > 0 {
		t.Errorf("%s: problems %v", what, b.Problems)
	}
	if got := rows(b); !maps.Equal(got, want) || len(b.Samples) != len(want) {
		t.Errorf("%s: rows\n got %v\nwant %v", what, sorted(got), sorted(want))
	}
	for _, s := range b.Samples {
		if !s.TS.Equal(b.Samples[0].TS) || s.Source != "ejabberd-live" || s.Segment != "" {
			t.Errorf("%s: row %+v: every row of a run has its time, the collector's name and no segment", what, s)
		}
	}
}

func sorted(m map[string]float64) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%g", k, v))
	}
	slices.Sort(out)
	return out
}
