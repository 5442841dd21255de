package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imscope/imscope/collector/ejabberd/ejabberdtest"
)

// TestCollectEjabberd runs `imscope collect` with a config file against a
// real ejabberd (Debian's 23.01, started here): the rows — sessions and
// registered accounts per virtual host, one host mapped onto a network id —
// are stored; a collector naming a host the server does not serve fails the
// command, names the host in its output, and still stores the served
// host's rows. Skipped when ejabberd is not installed.
func TestCollectEjabberd(t *testing.T) {
	srv := ejabberdtest.Start(t, "a.example.test", "b.example.test")
	srv.Populate(t) // a: 3 accounts, 2 sessions; b: 1 and 1

	const db = "collect_ejabberd"
	config := filepath.Join(t.TempDir(), "imscope.yaml")
	writeFile(t, config, fmt.Sprintf(`collectors:
  - name: ejabberd
    kind: ejabberd
    schedule: "@every 1m"
    ejabberd:
      url: %[1]q
      basic_auth: {username: %[2]q, password_env: EJABBERD_PASSWORD}
      networks: {b.example.test: xmpp-b}
  - name: ejabberd-typo
    kind: ejabberd
    ejabberd:
      url: %[1]q
      basic_auth: {username: %[2]q, password_env: EJABBERD_PASSWORD}
      hosts: [b.example.test, nope.example.test]
`, srv.API, srv.Account))
	env := map[string]string{"EJABBERD_PASSWORD": srv.Password}
	collect := func(name string) (string, error) {
		var out, errOut bytes.Buffer
		args := []string{"collect", name, "--config", config, "--data", sharedData(), "--database", db, "--libchdb", projectLibrary(t)}
		err := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
		t.Logf("imscope collect %s:\n%s%s", name, out.String(), errOut.String())
		return out.String() + errOut.String(), err
	}

	out, err := collect("ejabberd")
	if err != nil || !strings.Contains(out, "ejabberd: ok, 4 rows read: 4 new") {
		t.Fatalf("collect ejabberd: %v\n%s", err, out)
	}
	stored := func(network, metric string) uint64 {
		return countRows(t, db, fmt.Sprintf("SELECT toUInt64(sum(value)) FROM usage_samples WHERE source = 'ejabberd' AND network = '%s' AND metric = '%s'", network, metric))
	}
	for _, c := range []struct {
		network, metric string
		want            uint64
	}{
		{"a.example.test", "connections", 2}, // alice's two sessions
		{"a.example.test", "registered_users", 3},
		{"xmpp-b", "connections", 1},
		{"xmpp-b", "registered_users", 1},
	} {
		if got := stored(c.network, c.metric); got != c.want {
			t.Errorf("stored %s %s = %d, want %d", c.network, c.metric, got, c.want)
		}
	}

	out, err = collect("ejabberd-typo")
	if err == nil || !strings.Contains(out, `error: hosts: ejabberd at `+srv.API+` does not serve "nope.example.test"`) ||
		!strings.Contains(out, "ejabberd-typo: error, 2 rows read: 2 new") {
		t.Fatalf("collect ejabberd-typo: %v\n%s", err, out)
	}
	if got := countRows(t, db, "SELECT count() FROM usage_samples WHERE source = 'ejabberd-typo' AND network = 'b.example.test'"); got != 2 {
		t.Errorf("rows of b.example.test from the failed run: %d, want 2", got)
	}
	if got := countRows(t, db, "SELECT count() FROM usage_samples WHERE network = 'nope.example.test'"); got != 0 {
		t.Errorf("%d rows for the host the server does not serve", got)
	}
	if strings.Contains(out, srv.Password) {
		t.Errorf("the output shows the password:\n%s", out)
	}
}
