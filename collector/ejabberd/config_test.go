package ejabberd

import (
	"strings"
	"testing"

	"github.com/imscope/imscope/collector/internal/configtest"
	"github.com/imscope/imscope/collector/jsonapi"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{URL: "http://127.0.0.1:5281/api", BearerTokenEnv: "EJABBERD_TOKEN", Hosts: []string{"xmpp.qq.example", "im.qq.example"},
		Networks: map[string]string{"xmpp.qq.example": "qq", "im.qq.example": "qq"}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Config{URL: "https://xmpp.example.org:5443/api/"}).Validate(); err != nil {
		t.Fatalf("no credentials, every host: %v", err)
	}
	cases := []struct {
		name       string
		mod        func(*Config)
		param, msg string
	}{
		{"no url", func(c *Config) { c.URL = "" }, "url", "required: the root of ejabberd's mod_http_api"},
		{"ftp", func(c *Config) { c.URL = "ftp://x/api" }, "url", "only http and https"},
		{"a command in a query", func(c *Config) { c.URL = "http://x/api?cmd=stats" }, "url", "takes no query"},
		{"credentials in the url", func(c *Config) { c.URL = "http://admin:hunter2@x/api" }, "url", "use basic_auth with password_env"},
		{"a host with a space", func(c *Config) { c.Hosts = []string{"xmpp.qq.example "} }, "hosts[0]", "is not a host name"},
		{"a URL as a host", func(c *Config) { c.Hosts = []string{"https://xmpp.qq.example"} }, "hosts[0]", "is not a host name"},
		{"a repeated host", func(c *Config) { c.Hosts = []string{"a", "b", "a"}; c.Networks = nil }, "hosts[2]", `"a" is hosts[0] already`},
		{"networks names a host not collected", func(c *Config) { c.Networks = map[string]string{"msn.example": "msn"} }, "networks.msn.example", "is not among hosts"},
		{"an empty network id", func(c *Config) { c.Networks = map[string]string{"xmpp.qq.example": " "} }, "networks.xmpp.qq.example", "is not a network id"},
		{"a password without its user", func(c *Config) { c.BearerTokenEnv, c.BasicAuth = "", jsonapi.BasicAuth{PasswordEnv: "PW"} }, "basic_auth.username", "required"},
		{"a token and a password", func(c *Config) { c.BasicAuth = jsonapi.BasicAuth{Username: "imscope@x", PasswordEnv: "PW"} }, "basic_auth", "not both"},
		{"a negative timeout", func(c *Config) { c.Timeout = -1 }, "timeout", "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.mod(&c)
			configtest.Refused(t, c.Validate(), tc.param, tc.msg)
			if _, err := New("x", c, Options{}); err == nil || !strings.HasPrefix(err.Error(), "ejabberd source x: "+tc.param+": ") {
				t.Fatalf("New: %v", err)
			}
		})
	}
}

// A source whose secret is not in the environment does not start, and
// says which variable to set.
func TestSecretRequired(t *testing.T) {
	_, err := New("ej", Config{URL: "http://127.0.0.1:5281/api", BearerTokenEnv: "EJABBERD_TOKEN"}, Options{Getenv: func(string) string { return "" }})
	if err == nil || err.Error() != "ejabberd source ej: bearer_token_env: EJABBERD_TOKEN is not set; it should hold the API token" {
		t.Fatalf("err = %v", err)
	}
	_, err = New("ej", Config{URL: "http://127.0.0.1:5281/api", BasicAuth: jsonapi.BasicAuth{Username: "imscope@x", PasswordEnv: "EJ_PW"}}, Options{Getenv: func(string) string { return "" }})
	if err == nil || err.Error() != "ejabberd source ej: basic_auth.password_env: EJ_PW is not set; it should hold the password of imscope@x" {
		t.Fatalf("err = %v", err)
	}
}
