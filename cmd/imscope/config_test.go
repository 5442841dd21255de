package main

import (
	"bytes"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope/cmd/internal/yamlconf"
)

// The flag name is long because package main's tests share one flag set.
var updateConfigGolden = flag.Bool("update-config-golden", false, "rewrite testdata/config/*.golden")

const cfgTestDir = "testdata/config"

func cfgTestEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigDefaults(t *testing.T) {
	for _, path := range []string{"", filepath.Join(cfgTestDir, "empty.yaml")} {
		t.Run(fmt.Sprintf("path=%q", path), func(t *testing.T) {
			c, err := loadConfig(path, cfgTestEnv(nil))
			if err != nil {
				t.Fatal(err)
			}
			if c.Listen != ":8080" || c.Log.Level != "info" || c.Log.Format != "text" ||
				c.Engine.Data != "./data" || c.Engine.Database != "imscope" || c.Engine.Libchdb != "" ||
				c.Engine.ClickHouse != "" || c.Engine.QueryTimeout != 30*time.Second {
				t.Errorf("defaults = %+v", c)
			}
			if got := c.EngineKind(); got != "embedded" {
				t.Errorf("EngineKind() = %q, want embedded", got)
			}
			if got := c.Log.SlogLevel(); got != slog.LevelInfo {
				t.Errorf("SlogLevel() = %v, want INFO", got)
			}
		})
	}
}

func TestConfigDefaultNetworks(t *testing.T) {
	// From shared/data/networks.csv.
	want := []struct{ id, en, zh, vendor string }{
		{"qq", "Tencent QQ", "腾讯QQ", "Tencent"},
		{"wangwang", "Ali Wangwang", "阿里旺旺", "Alibaba"},
		{"fetion", "Fetion", "飞信", "China Mobile"},
		{"msn", "MSN Messenger", "MSN", "Microsoft"},
		{"skype", "Skype", "Skype", "Skype"},
		{"sinauc", "Sina UC", "新浪UC", "Sina"},
		{"popo", "NetEase POPO", "网易泡泡", "NetEase"},
		{"yahoo", "Yahoo Messenger", "雅虎通", "Yahoo"},
	}
	ns := defaultConfig().Networks
	if len(ns) != len(want) {
		t.Fatalf("%d default networks, want %d", len(ns), len(want))
	}
	colors := map[string]string{}
	for i, w := range want {
		t.Run(w.id, func(t *testing.T) {
			n := ns[i]
			if n.ID != w.id || n.Name["en"] != w.en || n.Name["zh-CN"] != w.zh || n.Vendor != w.vendor {
				t.Errorf("networks[%d] = %+v, want %+v", i, n, w)
			}
			if !configColorRE.MatchString(n.Color) {
				t.Errorf("colour %q is not #rrggbb", n.Color)
			}
			if other, dup := colors[n.Color]; dup {
				t.Errorf("colour %s is also %s's", n.Color, other)
			}
			colors[n.Color] = n.ID
		})
	}
	if got := defaultConfig().NetworkCatalog()[1]; got.ID != "wangwang" || got.Name("zh-CN") != "阿里旺旺" || got.Color != "#ff6a00" {
		t.Errorf("NetworkCatalog()[1] = %+v", got)
	}
	if ns[0].Color != "#12b7f5" {
		t.Errorf("QQ colour = %s, want its brand blue #12b7f5", ns[0].Color)
	}
}

// The example documents the defaults, so it must load and equal them.
func TestConfigExampleLoads(t *testing.T) {
	c, err := loadConfig("../../imscope.example.yaml", cfgTestEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	c.src = yamlconf.Sources{}
	if want := defaultConfig(); !reflect.DeepEqual(c, want) {
		t.Errorf("example differs from defaults:\n got %+v\nwant %+v", c, want)
	}
}

func TestConfigOverrides(t *testing.T) {
	file := filepath.Join(cfgTestDir, "env.yaml")
	env := cfgTestEnv(map[string]string{
		"IMSCOPE_LISTEN":        "127.0.0.1:7000",
		"IMSCOPE_LOG_FORMAT":    "json",
		"IMSCOPE_DATABASE":      "imscope_test",
		"IMSCOPE_CLICKHOUSE":    "clickhouse://u:p@ch:9000/x",
		"IMSCOPE_QUERY_TIMEOUT": "1m",
		"IMSCOPE_LIBCHDB":       "", // empty is unset
	})
	tests := []struct {
		name  string
		env   func(string) string
		flags []configFlag
		check func(t *testing.T, c *Config)
	}{
		{"file only", cfgTestEnv(nil), nil, func(t *testing.T, c *Config) {
			cfgTestEqual(t, "listen", c.Listen, ":9000")
			cfgTestEqual(t, "log.level", c.Log.Level, "debug")
			cfgTestEqual(t, "log.format", c.Log.Format, "text") // default kept
			cfgTestEqual(t, "engine.data", c.Engine.Data, "/var/lib/imscope")
			cfgTestEqual(t, "engine.query_timeout", c.Engine.QueryTimeout, 5*time.Second)
			if len(c.Networks) != 1 || c.Networks[0].ID != "matrix" {
				t.Errorf("networks = %+v, want the file's list only", c.Networks)
			}
		}},
		{"env over file", env, nil, func(t *testing.T, c *Config) {
			cfgTestEqual(t, "listen", c.Listen, "127.0.0.1:7000")
			cfgTestEqual(t, "log.level", c.Log.Level, "debug") // file kept
			cfgTestEqual(t, "log.format", c.Log.Format, "json")
			cfgTestEqual(t, "engine.database", c.Engine.Database, "imscope_test")
			cfgTestEqual(t, "engine.clickhouse", string(c.Engine.ClickHouse), "clickhouse://u:p@ch:9000/x")
			cfgTestEqual(t, "engine.query_timeout", c.Engine.QueryTimeout, time.Minute)
			cfgTestEqual(t, "EngineKind", c.EngineKind(), "server")
		}},
		{"cluster from env", cfgTestEnv(map[string]string{"IMSCOPE_CLICKHOUSE": "clickhouse://u:p@ch:9000/x", "IMSCOPE_CLUSTER": "imscope", "IMSCOPE_REPLICATED": "true"}), nil, func(t *testing.T, c *Config) {
			cfgTestEqual(t, "engine.cluster", c.Engine.Cluster, "imscope")
			cfgTestEqual(t, "engine.replicated", c.Engine.Replicated, true)
			cfgTestEqual(t, "engine.ddl_timeout", c.Engine.DDLTimeout, 3*time.Minute) // default
		}},
		{"flags over env", env, []configFlag{
			{Key: "listen", Name: "--listen", Value: ":0"},
			{Key: "engine.clickhouse", Name: "--clickhouse", Value: ""},
		}, func(t *testing.T, c *Config) {
			cfgTestEqual(t, "listen", c.Listen, ":0")
			cfgTestEqual(t, "EngineKind", c.EngineKind(), "embedded")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(file, tc.env, tc.flags...)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func cfgTestEqual[T comparable](t *testing.T, key string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", key, got, want)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		file  string // under testdata/config; "" for none
		env   map[string]string
		flags []configFlag
		want  string
	}{
		{name: "unknown key with suggestion", file: "unknown_key.yaml",
			want: `testdata/config/unknown_key.yaml:3: unknown key "lisen" (did you mean "listen"?)`},
		{name: "unknown nested keys", file: "unknown_nested_key.yaml",
			want: `testdata/config/unknown_nested_key.yaml:3: engine: unknown key "dta" (did you mean "data"?)` + "\n" +
				`testdata/config/unknown_nested_key.yaml:4: engine: unknown key "shards"`},
		{name: "bad listen", file: "bad_listen.yaml",
			want: `testdata/config/bad_listen.yaml:1: listen: ":99999" is not a valid listen address (want host:port, like ":8080")`},
		{name: "bad duration", file: "bad_duration.yaml",
			want: `testdata/config/bad_duration.yaml:2: engine.query_timeout: "30 seconds" is not a duration (like 30s, 2m or 1h30m)`},
		{name: "empty data", file: "empty_data.yaml",
			want: `testdata/config/empty_data.yaml:3: engine.data: must not be empty`},
		{name: "bad colour", file: "bad_color.yaml",
			want: `testdata/config/bad_color.yaml:7: networks[2].color: "#12345" is not a #rrggbb colour`},
		{name: "duplicate network id", file: "duplicate_id.yaml",
			want: `testdata/config/duplicate_id.yaml:6: networks[2].id: "qq" is already the id of networks[0] (line 2)`},
		{name: "missing en name", file: "missing_en.yaml",
			want: `testdata/config/missing_en.yaml:5: networks[1].name.en: must not be empty`},
		{name: "bad database name", file: "bad_database.yaml",
			want: `testdata/config/bad_database.yaml:2: engine.database: "imscope-dev" is not a valid database name (letters, digits and _, not starting with a digit, at most 64)`},
		{name: "bad clickhouse scheme", file: "bad_scheme.yaml",
			want: `testdata/config/bad_scheme.yaml:2: engine.clickhouse: scheme "http" is not supported (want clickhouse://user:pass@host:9000/db)`},
		{name: "yaml syntax error", file: "syntax.yaml",
			want: `testdata/config/syntax.yaml:4: mapping values are not allowed in this context`},
		{name: "wrong shapes", file: "wrong_shape.yaml",
			want: `testdata/config/wrong_shape.yaml:1: engine: must be a mapping of keys, not a single value` + "\n" +
				`testdata/config/wrong_shape.yaml:3: networks: must be a list, not a mapping of keys`},
		{name: "duplicate key", file: "duplicate_key.yaml",
			want: `testdata/config/duplicate_key.yaml:4: key "listen" is repeated (first at line 1)`},
		{name: "empty network list", file: "empty_networks.yaml",
			want: `testdata/config/empty_networks.yaml:1: networks: must list at least one network (leave the key out for the default catalog)`},
		{name: "env bad listen", env: map[string]string{"IMSCOPE_LISTEN": ":99999"},
			want: `IMSCOPE_LISTEN: ":99999" is not a valid listen address (want host:port, like ":8080")`},
		{name: "env bad duration", env: map[string]string{"IMSCOPE_QUERY_TIMEOUT": "soon"},
			want: `IMSCOPE_QUERY_TIMEOUT: "soon" is not a duration (like 30s, 2m or 1h30m)`},
		{name: "env blamed over file line", file: "env.yaml", env: map[string]string{"IMSCOPE_LOG_LEVEL": "trace"},
			want: `IMSCOPE_LOG_LEVEL: "trace" is not one of debug, info, warn, error`},
		{name: "cluster on the embedded engine", env: map[string]string{"IMSCOPE_CLUSTER": "prod"},
			want: `IMSCOPE_CLUSTER: needs ClickHouse servers (engine.clickhouse); the embedded engine is one process`},
		{name: "replicated without a cluster", env: map[string]string{"IMSCOPE_CLICKHOUSE": "clickhouse://ch:9000/x", "IMSCOPE_REPLICATED": "true"},
			want: `IMSCOPE_REPLICATED: needs a cluster (engine.cluster)`},
		{name: "bad cluster name", env: map[string]string{"IMSCOPE_CLICKHOUSE": "clickhouse://ch:9000/x", "IMSCOPE_CLUSTER": "prod-1"},
			want: `IMSCOPE_CLUSTER: "prod-1" is not a valid cluster name (letters, digits and _, not starting with a digit, at most 64)`},
		{name: "env fixes file", file: "bad_listen.yaml", env: map[string]string{"IMSCOPE_LISTEN": ":8081"}},
		{name: "flag blamed", flags: []configFlag{{Key: "engine.database", Name: "--database", Value: "a b"}},
			want: `--database: "a b" is not a valid database name (letters, digits and _, not starting with a digit, at most 64)`},
		{name: "env and file problems together", file: "bad_color.yaml",
			env: map[string]string{"IMSCOPE_LOG_FORMAT": "yaml", "IMSCOPE_CLICKHOUSE": "clickhouse:///db"},
			want: `IMSCOPE_LOG_FORMAT: "yaml" is not one of text, json` + "\n" +
				`IMSCOPE_CLICKHOUSE: "clickhouse:///db" names no host (want clickhouse://user:pass@host:9000/db)` + "\n" +
				`testdata/config/bad_color.yaml:7: networks[2].color: "#12345" is not a #rrggbb colour`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = cfgTestDir + "/" + tc.file
			}
			c, err := loadConfig(path, cfgTestEnv(tc.env), tc.flags...)
			got := ""
			if err != nil {
				got = err.Error()
				if c != nil {
					t.Error("loadConfig returned a config with an error")
				}
			}
			if got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// checkConfigGolden compares got with testdata/config/name, or rewrites it
// with -update-config-golden.
func checkConfigGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join(cfgTestDir, name)
	if *updateConfigGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("errors differ from %s (-update-config-golden to accept):\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

// Every problem in a file comes back in one error, in file order, so a
// user fixes them in one pass; the golden file holds the whole message.
func TestConfigMultipleErrors(t *testing.T) {
	_, err := loadConfig(cfgTestDir+"/multi.yaml", cfgTestEnv(nil))
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error() + "\n"
	checkConfigGolden(t, "multi.golden", got)
	if n := strings.Count(got, "\n"); n < 10 {
		t.Errorf("%d problems reported, want every one of them", n)
	}
	if strings.Contains(got, "hunter2") {
		t.Error("error message leaks the ClickHouse password")
	}
}

func TestConfigRedaction(t *testing.T) {
	const secret = "s3cr3t-pw"
	tests := []struct {
		name, url, want string
	}{
		{"user info", "clickhouse://default:" + secret + "@ch:9000/imscope", "clickhouse://default:xxxxx@ch:9000/imscope"},
		{"query parameter", "clickhouse://ch:9000/imscope?username=u&password=" + secret, "clickhouse://ch:9000/imscope?password=xxxxx&username=u"},
		{"no password", "clickhouse://ch:9000/imscope", "clickhouse://ch:9000/imscope"},
		{"unparsable", "clickhouse://u:" + secret + "@ch:9000/%zz", "(unparsable URL hidden)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig("", cfgTestEnv(map[string]string{"IMSCOPE_CLICKHOUSE": tc.url}))
			if tc.name == "unparsable" {
				if err == nil || strings.Contains(err.Error(), secret) {
					t.Fatalf("error = %v, want one without the password", err)
				}
				c = defaultConfig()
				c.Engine.ClickHouse = SecretURL(tc.url)
			} else if err != nil {
				t.Fatal(err)
			}
			if got := c.Engine.ClickHouse.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			var text, js bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("start", "config", c, "url", c.Engine.ClickHouse)
			slog.New(slog.NewJSONHandler(&js, nil)).Info("start", "config", *c)
			outputs := map[string]string{
				"slog text": text.String(),
				"slog json": js.String(),
				"%v":        fmt.Sprintf("%v", c),
				"%+v":       fmt.Sprintf("%+v", *c),
				"%#v":       fmt.Sprintf("%#v", c.Engine),
				"%s":        fmt.Sprintf("%s", c.Engine.ClickHouse),
			}
			for how, out := range outputs {
				if strings.Contains(out, secret) {
					t.Errorf("%s leaks the password: %s", how, out)
				}
			}
			if !strings.Contains(text.String(), "config.engine=server") {
				t.Errorf("slog output lacks the config group: %s", text.String())
			}
		})
	}
}
