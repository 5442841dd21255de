package csvimport

import (
	"strings"
	"testing"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector/internal/configtest"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{Kind: KindReports, Path: "x.csv"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		mod   func(*Config)
		param string
		msg   string
	}{
		{"no location", func(c *Config) { c.Path = "" }, "path", "set path"},
		{"both", func(c *Config) { c.URL = "https://example.org/x.csv" }, "url", "not both"},
		{"ftp", func(c *Config) { c.Path, c.URL = "", "ftp://example.org/x.csv" }, "url", "only http and https"},
		{"no host", func(c *Config) { c.Path, c.URL = "", "https:///x.csv" }, "url", "has no host"},
		{"bad url hides password", func(c *Config) { c.Path, c.URL = "", "https://u:hunter2@exa mple.org/x" }, "url", "not a valid URL"},
		{"no kind", func(c *Config) { c.Kind = "" }, "kind", "required"},
		{"bad kind", func(c *Config) { c.Kind = "shares" }, "kind", `"shares" is not one of reports, panel, usage`},
		{"bad encoding", func(c *Config) { c.Encoding = "latin1" }, "encoding", `"latin1" is not one of utf-8, gbk, gb18030`},
		{"bad key env", func(c *Config) { c.PanelKeyEnv = "MY KEY" }, "panel_key_env", "not an environment variable name"},
		{"negative chunk", func(c *Config) { c.ChunkRows = -1 }, "chunk_rows", "not between 1 and 1000000"},
		{"huge chunk", func(c *Config) { c.ChunkRows = MaxChunkRows + 1 }, "chunk_rows", "not between"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.mod(&c)
			configtest.Refused(t, c.Validate(), tc.param, tc.msg)
			if _, err := New("x", c, Options{Getenv: testEnv}); err == nil || !strings.Contains(err.Error(), tc.param) {
				t.Fatalf("New accepted it: %v", err)
			}
		})
	}
	for _, enc := range []string{"", "UTF-8", "utf8", "GBK", "cp936", "gb18030"} {
		c := ok
		c.Encoding = enc
		if err := c.Validate(); err != nil {
			t.Errorf("encoding %q: %v", enc, err)
		}
	}
}

func TestConfigFor(t *testing.T) {
	if c := ConfigFor(KindPanel, "https://example.org/p.csv"); c.URL != "https://example.org/p.csv" || c.Path != "" || c.Kind != KindPanel {
		t.Errorf("%+v", c)
	}
	if c := ConfigFor(KindUsage, "data/u.csv"); c.Path != "data/u.csv" || c.URL != "" {
		t.Errorf("%+v", c)
	}
}

// A panel import refuses to start without a hashing key, and says how to
// set one.
func TestPanelNeedsKey(t *testing.T) {
	cases := []struct {
		name   string
		cfg    Config
		env    map[string]string
		want   string
		wantOK bool
	}{
		{"unset", Config{}, nil, "IMSCOPE_PANEL_KEY is not set; set IMSCOPE_PANEL_KEY to a random secret of at least 16 characters, e.g. `export IMSCOPE_PANEL_KEY=$(openssl rand -hex 32)`", false},
		{"short", Config{}, map[string]string{"IMSCOPE_PANEL_KEY": "s3kr1t"}, "IMSCOPE_PANEL_KEY holds 6 characters, too short", false},
		{"other variable unset", Config{PanelKeyEnv: "VENDOR_PANEL_KEY"}, map[string]string{"IMSCOPE_PANEL_KEY": testKey}, "VENDOR_PANEL_KEY is not set", false},
		{"other variable", Config{PanelKeyEnv: "VENDOR_PANEL_KEY"}, map[string]string{"VENDOR_PANEL_KEY": testKey}, "", true},
		{"default variable", Config{}, map[string]string{"IMSCOPE_PANEL_KEY": testKey}, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Kind, cfg.Path = KindPanel, "testdata/panel.csv"
			_, err := New("panel", cfg, Options{Getenv: func(k string) string { return tc.env[k] }})
			if tc.wantOK {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !imscope.IsInvalid(err) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if v := tc.env["IMSCOPE_PANEL_KEY"]; v != "" && strings.Contains(err.Error(), v) {
				t.Fatalf("the error shows the key: %v", err)
			}
		})
	}
	// Other kinds need no key.
	if _, err := New("r", Config{Kind: KindReports, Path: "x.csv"}, Options{Getenv: func(string) string { return "" }}); err != nil {
		t.Fatal(err)
	}
}
