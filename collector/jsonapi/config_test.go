package jsonapi

import (
	"strings"
	"testing"

	"github.com/imscope/imscope/collector/internal/configtest"
)

func TestConfigValidate(t *testing.T) {
	usage := Config{URL: "https://stats.example.org/v2", Records: "data[*]", Network: "id", Metric: "=messages", Value: "n"}
	bridges := Config{URL: "https://stats.example.org/v2", Kind: KindBridges, Bridge: "=b", FromNetwork: "from", ToNetwork: "to", Messages: "sent"}
	for _, ok := range []Config{usage, bridges} {
		if err := ok.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name  string
		base  Config
		mod   func(*Config)
		param string
		msg   string
	}{
		{"no url", usage, func(c *Config) { c.URL = "" }, "url", "required"},
		{"ftp", usage, func(c *Config) { c.URL = "ftp://x/y" }, "url", "only http and https"},
		{"bad url hides password", usage, func(c *Config) { c.URL = "https://u:hunter2@bad host/" }, "url", "not a valid URL"},
		{"bad kind", usage, func(c *Config) { c.Kind = "panel" }, "kind", `"panel" is not one of usage, bridges`},
		{"usage without value", usage, func(c *Config) { c.Value = "" }, "value", "required for kind usage"},
		{"usage without network", usage, func(c *Config) { c.Network = "" }, "network", "required for kind usage"},
		{"usage with bridge field", usage, func(c *Config) { c.Messages = "sent" }, "messages", "not used by kind usage"},
		{"bridges without messages", bridges, func(c *Config) { c.Messages = "" }, "messages", "required for kind bridges"},
		{"bridges with value", bridges, func(c *Config) { c.Value = "v" }, "value", "not used by kind bridges"},
		{"unknown fixed metric", usage, func(c *Config) { c.Metric = "=likes" }, "metric", `"likes" is not a metric of the catalog`},
		{"empty fixed value", usage, func(c *Config) { c.Network = "=" }, "network", `"=" needs the value after it`},
		{"bad records path", usage, func(c *Config) { c.Records = "data[" }, "records", "is not closed"},
		{"records from the record", usage, func(c *Config) { c.Records = "@.data" }, "records", "starts at the document"},
		{"wildcard field", usage, func(c *Config) { c.Value = "stats[*].n" }, "value", "picks many values"},
		{"bad field path", usage, func(c *Config) { c.Value = "stats..n" }, "value", "a name must follow the dot"},
		{"bad index", usage, func(c *Config) { c.Value = "stats[x]" }, "value", "is not an index"},
		{"bad ts_format", usage, func(c *Config) { c.TS, c.TSFormat = "t", "epoch" }, "ts_format", `"epoch" is not one of`},
		{"ts_format alone", usage, func(c *Config) { c.TSFormat = "unix" }, "ts_format", "set only with ts"},
		{"bad token env", usage, func(c *Config) { c.BearerTokenEnv = "MY TOKEN" }, "bearer_token_env", "not an environment variable name"},
		{"two authorizations", usage, func(c *Config) { c.BearerTokenEnv, c.Headers = "T", map[string]string{"authorization": "x"} }, "bearer_token_env", "not both"},
		{"bad header", usage, func(c *Config) { c.Headers = map[string]string{"X Y": "1"} }, "headers", `"X Y" is not a header name`},
		{"header injection", usage, func(c *Config) { c.Headers = map[string]string{"X-Y": "1\r\nEvil: 1"} }, "headers", "line break"},
		{"bad header env", usage, func(c *Config) { c.HeadersEnv = map[string]string{"X-Api-Key": "A-B"} }, "headers_env", "not an environment variable name"},
		{"negative timeout", usage, func(c *Config) { c.Timeout = -1 }, "timeout", "negative"},
		{"negative max body", usage, func(c *Config) { c.MaxBodyBytes = -1 }, "max_body_bytes", "negative"},
		{"bad method", usage, func(c *Config) { c.Method = "PUT" }, "method", `"PUT" is not GET or POST`},
		{"body with GET", usage, func(c *Config) { c.Body = "{}" }, "body", "sent only with method: POST"},
		{"body not JSON", usage, func(c *Config) {
			c.Method, c.Body = "POST", `{"host": {host}}`
			c.Each = &Each{Var: "host", Values: []string{"a"}}
		}, "body", "placeholders go between quotes"},
		{"placeholder typo", usage, func(c *Config) { c.URL += "/{hots}"; c.Each = &Each{Var: "host", Values: []string{"a"}} }, "url", "{hots} names no variable (each.var is host)"},
		{"placeholder without each", usage, func(c *Config) { c.URL += "/{host}" }, "url", "declare one under each"},
		{"fixed value placeholder typo", usage, func(c *Config) {
			c.URL += "/{host}"
			c.Network = "={hots}"
			c.Each = &Each{Var: "host", Values: []string{"a"}}
		}, "network", "{hots} names no variable"},
		{"bad each var", usage, func(c *Config) { c.Each = &Each{Var: "the host", Values: []string{"a"}} }, "each.var", "not a variable name"},
		{"each without items", usage, func(c *Config) { c.URL += "/{host}"; c.Each = &Each{Var: "host"} }, "each", "needs values, from, or both"},
		{"each unused", usage, func(c *Config) { c.Each = &Each{Var: "host", Values: []string{"a"}} }, "each.var", "{host} is in neither url nor body"},
		{"repeated item", usage, func(c *Config) { c.URL += "/{host}"; c.Each = &Each{Var: "host", Values: []string{"a", "a"}} }, "each.values[1]", `"a" is each.values[0] already`},
		{"empty item", usage, func(c *Config) { c.URL += "/{host}"; c.Each = &Each{Var: "host", Values: []string{" "}} }, "each.values[0]", "empty"},
		{"bad list url", usage, func(c *Config) { c.URL += "/{host}"; c.Each = &Each{Var: "host", From: &List{URL: "ftp://x/hosts"}} }, "each.from.url", "only http and https"},
		{"list url with placeholder", usage, func(c *Config) { c.URL += "/{host}"; c.Each = &Each{Var: "host", From: &List{URL: "https://x/{host}"}} }, "each.from.url", "names no variable"},
		{"list body with GET", usage, func(c *Config) {
			c.URL += "/{host}"
			c.Each = &Each{Var: "host", From: &List{URL: "https://x/", Body: "{}"}}
		}, "each.from.body", "only with method: POST"},
		{"list records from the record", usage, func(c *Config) {
			c.URL += "/{host}"
			c.Each = &Each{Var: "host", From: &List{URL: "https://x/", Records: "@.a"}}
		}, "each.from.records", "starts at the document"},
		{"list value fixed", usage, func(c *Config) {
			c.URL += "/{host}"
			c.Each = &Each{Var: "host", From: &List{URL: "https://x/", Value: "=a"}}
		}, "each.from.value", "not a fixed value"},
		{"basic auth without password", usage, func(c *Config) { c.BasicAuth = BasicAuth{Username: "admin"} }, "basic_auth.password_env", "required with basic_auth.username"},
		{"basic auth without user", usage, func(c *Config) { c.BasicAuth = BasicAuth{PasswordEnv: "PW"} }, "basic_auth.username", "required"},
		{"basic auth user with colon", usage, func(c *Config) { c.BasicAuth = BasicAuth{Username: "a:b", PasswordEnv: "PW"} }, "basic_auth.username", "colon"},
		{"basic auth bad env", usage, func(c *Config) { c.BasicAuth = BasicAuth{Username: "a", PasswordEnv: "P W"} }, "basic_auth.password_env", "not an environment variable name"},
		{"basic and bearer", usage, func(c *Config) { c.BasicAuth, c.BearerTokenEnv = BasicAuth{Username: "a", PasswordEnv: "PW"}, "T" }, "basic_auth", "not both"},
		{"basic and header", usage, func(c *Config) {
			c.BasicAuth, c.HeadersEnv = BasicAuth{Username: "a", PasswordEnv: "PW"}, map[string]string{"Authorization": "A"}
		}, "basic_auth", "not both"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.base
			tc.mod(&c)
			configtest.Refused(t, c.Validate(), tc.param, tc.msg)
			if _, err := New("x", c, Options{}); err == nil || !strings.Contains(err.Error(), "json source x: "+tc.param) {
				t.Fatalf("New: %v", err)
			}
		})
	}
}

// A source whose secret is not in the environment does not start.
func TestSecretsRequired(t *testing.T) {
	cfg := Config{URL: "https://stats.example.org/v2", Network: "id", Metric: "=messages", Value: "n", BearerTokenEnv: "VENDOR_TOKEN"}
	_, err := New("v", cfg, Options{Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "bearer_token_env: VENDOR_TOKEN is not set") {
		t.Fatalf("err = %v", err)
	}
	cfg.BearerTokenEnv, cfg.HeadersEnv = "", map[string]string{"X-Api-Key": "VENDOR_KEY"}
	_, err = New("v", cfg, Options{Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "headers_env: VENDOR_KEY is not set; it should hold the value of the X-Api-Key header") {
		t.Fatalf("err = %v", err)
	}
}
