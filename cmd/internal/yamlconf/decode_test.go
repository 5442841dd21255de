package yamlconf_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/cmd/internal/yamlconf"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// settings is a configuration as a program would declare it.
type settings struct {
	Name    string            `yaml:"name"`
	Port    int               `yaml:"port"`
	Verbose bool              `yaml:"verbose"`
	Timeout time.Duration     `yaml:"timeout"`
	Labels  map[string]string `yaml:"labels"`
	Server  serverSettings    `yaml:"server"`
	Hosts   []hostSettings    `yaml:"hosts"`
	Extra   *serverSettings   `yaml:"extra"`

	src yamlconf.Sources
}

type serverSettings struct {
	Address string `yaml:"address"`
	Retries int    `yaml:"retries"`
}

type hostSettings struct {
	ID   string   `yaml:"id"`
	Tags []string `yaml:"tags"`
}

func defaults() *settings {
	return &settings{Name: "default", Port: 80, Timeout: time.Second, Hosts: []hostSettings{{ID: "a"}, {ID: "b"}}}
}

// load decodes doc as file "test.yaml", then sets keys as "VAR"s would.
func load(doc string, set ...[2]string) (*settings, error) {
	s := defaults()
	p := yamlconf.NewProblems(&s.src)
	if doc != "" {
		yamlconf.Decode("test.yaml", []byte(doc), s, p)
	}
	for _, kv := range set {
		yamlconf.Set(s, kv[0], kv[1], "VAR_"+strings.ToUpper(strings.ReplaceAll(kv[0], ".", "_")), p)
	}
	return s, p.Err()
}

func TestDecode(t *testing.T) {
	s, err := load(`
name: imscope
port: 8443
verbose: true
timeout: 1m30s
labels: {team: ops}
server:
  address: "127.0.0.1:9000"
hosts:
  - id: x
    tags: [eu, prod]
extra: {retries: 3}
`)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "imscope" || s.Port != 8443 || !s.Verbose || s.Timeout != 90*time.Second || s.Labels["team"] != "ops" ||
		s.Server.Address != "127.0.0.1:9000" || len(s.Hosts) != 1 || s.Hosts[0].ID != "x" || len(s.Hosts[0].Tags) != 2 ||
		s.Extra == nil || s.Extra.Retries != 3 {
		t.Fatalf("decoded %+v", s)
	}
}

func TestDecodeKeepsDefaults(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":         "",
		"only comments": "# nothing here\n",
		"nulls":         "name:\nport: ~\nhosts: null\n",
	} {
		t.Run(name, func(t *testing.T) {
			s, err := load(doc)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != "default" || s.Port != 80 || s.Timeout != time.Second || len(s.Hosts) != 2 || s.Extra != nil {
				t.Fatalf("got %+v, want the defaults", s)
			}
		})
	}
}

func TestDecodeAliases(t *testing.T) {
	s, err := load("server: &srv {address: a:1, retries: 2}\nextra: *srv\n")
	if err != nil {
		t.Fatal(err)
	}
	if s.Extra == nil || *s.Extra != s.Server {
		t.Fatalf("extra %+v, want a copy of server %+v", s.Extra, s.Server)
	}
}

func TestSet(t *testing.T) {
	s, err := load("name: file\nport: 1\n", [2]string{"name", "null"}, [2]string{"server.retries", "4"}, [2]string{"timeout", "2s"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "null" || s.Port != 1 || s.Server.Retries != 4 || s.Timeout != 2*time.Second {
		t.Fatalf("got %+v: a string is kept literal, unset keys keep the file's value", s)
	}
}

// TestProblems: each problem names the file and line, or the variable,
// and every one comes back at once, in file order after the variables'.
func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		set  [][2]string
		want string
	}{
		{name: "unknown key with a suggestion", doc: "nme: x\n", want: `test.yaml:1: unknown key "nme" (did you mean "name"?)`},
		{name: "unknown nested key", doc: "server:\n  adress: x\n  shards: 2\n",
			want: `test.yaml:2: server: unknown key "adress" (did you mean "address"?)` + "\n" + `test.yaml:3: server: unknown key "shards"`},
		{name: "bad duration", doc: "timeout: soon\n", want: `test.yaml:1: timeout: "soon" is not a duration (like 30s, 2m or 1h30m)`},
		{name: "bad number", doc: "port: eighty\n", want: `test.yaml:1: port: "eighty" is not a valid int`},
		{name: "wrong shapes", doc: "server: x\nhosts: {a: 1}\nname: [a]\n",
			want: "test.yaml:1: server: must be a mapping of keys, not a single value\ntest.yaml:2: hosts: must be a list, not a mapping of keys\ntest.yaml:3: name: must be a single value, not a list"},
		{name: "repeated key", doc: "name: a\nport: 1\nname: b\n", want: `test.yaml:3: key "name" is repeated (first at line 1)`},
		{name: "key that is not a string", doc: "labels:\n  [a]: b\n", want: "test.yaml:2: labels: keys must be plain strings"},
		{name: "syntax error", doc: "name: a\n  port: 1\n", want: "test.yaml:2: mapping values are not allowed in this context"},
		{name: "variable blamed", set: [][2]string{{"timeout", "soon"}}, want: `VAR_TIMEOUT: "soon" is not a duration (like 30s, 2m or 1h30m)`},
		{name: "variable blamed over the file", doc: "port: x\n", set: [][2]string{{"port", "y"}},
			want: "VAR_PORT: \"y\" is not a valid int\ntest.yaml:1: port: \"x\" is not a valid int"},
		{name: "not a key", set: [][2]string{{"server.nope", "1"}}, want: `VAR_SERVER_NOPE: "server.nope" is not a key that can be set`},
		{name: "a section", set: [][2]string{{"server", "1"}}, want: `VAR_SERVER: "server" is a section, not a single value`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(tc.doc, tc.set...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestValidationBlamesLines: problems found after decoding, by the
// program's own rules, name the line of the value, the nearest ancestor's
// line for a missing key, the variable that set it, or nothing for a
// default. The golden file holds the whole message.
func TestValidationBlamesLines(t *testing.T) {
	data, err := os.ReadFile("testdata/hosts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := defaults()
	p := yamlconf.NewProblems(&s.src)
	yamlconf.Decode("testdata/hosts.yaml", data, s, p)
	yamlconf.Set(s, "server.address", "nowhere", "--address", p)
	seen := map[string]int{}
	for i, h := range s.Hosts {
		at := fmt.Sprintf("hosts[%d]", i)
		if h.ID == "" {
			p.Errorf(at+".id", "must not be empty")
		} else if first, dup := seen[h.ID]; dup {
			p.Errorf(at+".id", "%q is already the id of hosts[%d]%s", h.ID, first, p.LineNote(fmt.Sprintf("hosts[%d].id", first)))
		} else {
			seen[h.ID] = i
		}
	}
	if !strings.Contains(s.Server.Address, ":") {
		p.Errorf("server.address", "%q is not host:port", s.Server.Address)
	}
	if s.Timeout < time.Minute {
		p.Errorf("timeout", "must be at least 1m, not %s", s.Timeout)
	}
	p.Errorf("name", "is %q", s.Name)
	got := p.Err().Error() + "\n"
	golden := filepath.Join("testdata", "hosts.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("problems differ from %s (-update to accept):\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

func TestNoProblems(t *testing.T) {
	var src yamlconf.Sources
	if err := yamlconf.NewProblems(&src).Err(); err != nil {
		t.Fatalf("Err() = %v with no problems", err)
	}
	if note := src.LineNote("anything"); note != "" {
		t.Fatalf("LineNote = %q without a file", note)
	}
}
