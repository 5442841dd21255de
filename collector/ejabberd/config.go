package ejabberd

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector/jsonapi"
)

// Config is one ejabberd server, as written under a collector of kind
// ejabberd:
//
//	url: http://127.0.0.1:5281/api
//	bearer_token_env: EJABBERD_TOKEN
//	hosts: [xmpp.qq.example]          # default: every virtual host, read at each run
//	networks: {xmpp.qq.example: qq}   # default: the host name is the network id
//
// Credentials are a bearer token (an OAuth token of ejabberd's), HTTP Basic
// (an account's JID as the user name), or none (api_permissions open to
// the address imscope connects from). See the package README for the
// server's side.
type Config struct {
	// URL is the root of mod_http_api, without a command:
	// http://127.0.0.1:5281/api.
	URL string `yaml:"url"`
	// Hosts are the virtual hosts to collect. Empty means every host
	// registered_vhosts lists, read at each run.
	Hosts []string `yaml:"hosts"`
	// Networks maps a host name onto the network id its rows carry; a host
	// it does not name is its own network id. Several hosts may map to one
	// network: their figures are summed. (Until the network catalog has
	// aliases, this is where an XMPP domain becomes a network.)
	Networks map[string]string `yaml:"networks"`
	// BearerTokenEnv names the environment variable holding an OAuth token
	// (ejabberdctl oauth_issue_token), read at every request, never logged.
	BearerTokenEnv string `yaml:"bearer_token_env"`
	// BasicAuth is an account (user@host) and the variable holding its
	// password.
	BasicAuth jsonapi.BasicAuth `yaml:"basic_auth"`
	// Timeout bounds each request (default 10s); the collector's timeout
	// bounds the run.
	Timeout time.Duration `yaml:"timeout"`
	// Source is the label rows carry in their source column; the
	// collector's name when empty.
	Source string `yaml:"source"`
}

// stats are the statistics asked per host, and the metric each becomes.
var stats = []struct{ name, metric string }{
	{"onlineusers", "connections"},          // sessions: a user on a PC and a phone counts twice
	{"registeredusers", "registered_users"}, // accounts
}

// Validate checks the configuration without asking the server or reading
// the environment, and names the first bad key in an *imscope.InvalidError.
func (c Config) Validate() error {
	if err := c.checkURL(); err != nil {
		return err
	}
	if err := c.checkHosts(); err != nil {
		return err
	}
	for _, st := range stats {
		if err := c.jsonConfig(st.name, st.metric).Validate(); err != nil {
			return err // credentials and limits, checked as the json collector checks them
		}
	}
	return nil
}

// checkURL requires the http(s) root of the API: the commands are appended
// to it, so it cannot carry a query, and credentials have keys of their own.
func (c Config) checkURL() error {
	if c.URL == "" {
		return invalid("url", "required: the root of ejabberd's mod_http_api, e.g. http://127.0.0.1:5281/api")
	}
	if err := jsonapi.CheckURL("url", c.URL); err != nil {
		return err
	}
	u, _ := url.Parse(c.URL) // parsed by CheckURL
	switch {
	case u.User != nil:
		return invalid("url", "holds credentials; use basic_auth with password_env instead")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return invalid("url", "the API root takes no query: the collector appends the commands (…/api/stats_host)")
	}
	return nil
}

// checkHosts checks the hosts and the networks map: names, repeats, and
// that networks only names configured hosts.
func (c Config) checkHosts() error {
	for i, h := range c.Hosts {
		key := fmt.Sprintf("hosts[%d]", i)
		if !hostName(h) {
			return invalid(key, fmt.Sprintf("%q is not a host name", h))
		}
		if j := slices.Index(c.Hosts[:i], h); j >= 0 {
			return invalid(key, fmt.Sprintf("%q is hosts[%d] already", h, j))
		}
	}
	for _, h := range slices.Sorted(maps.Keys(c.Networks)) {
		key := "networks." + h
		if !hostName(h) {
			return invalid("networks", fmt.Sprintf("%q is not a host name", h))
		}
		if len(c.Hosts) > 0 && !slices.Contains(c.Hosts, h) {
			return invalid(key, fmt.Sprintf("%q is not among hosts, so it is never collected", h))
		}
		if n := c.Networks[h]; strings.TrimSpace(n) == "" || strings.ContainsFunc(n, badIDRune) {
			return invalid(key, fmt.Sprintf("%q is not a network id", n))
		}
	}
	return nil
}

// jsonConfig is the json collector's request for one statistic of every
// host: POST stats_host with the host in a JSON body, the hosts listed by
// registered_vhosts.
func (c Config) jsonConfig(stat, metric string) jsonapi.Config {
	root := strings.TrimRight(c.URL, "/")
	return jsonapi.Config{
		URL:            root + "/stats_host",
		Method:         "POST",
		Body:           `{"name": "` + stat + `", "host": "{host}"}`,
		BearerTokenEnv: c.BearerTokenEnv,
		BasicAuth:      c.BasicAuth,
		Timeout:        c.Timeout,
		Source:         c.Source,
		Each:           &jsonapi.Each{Var: "host", From: &jsonapi.List{URL: root + "/registered_vhosts", Method: "POST", Body: "{}"}},
		Network:        "={host}",
		Metric:         "=" + metric,
		Value:          "stat",
	}
}

// network is the network id of host's rows.
func (c Config) network(host string) string {
	if n, ok := c.Networks[host]; ok {
		return n
	}
	return host
}

// hostName accepts what ejabberd accepts as a virtual host closely enough
// to catch a pasted URL or a stray space: no spaces, slashes, colons or
// control characters.
func hostName(h string) bool {
	return h != "" && len(h) <= 1023 && !strings.ContainsFunc(h, func(r rune) bool {
		return badIDRune(r) || r == '/' || r == ':' || r == '@'
	})
}

func badIDRune(r rune) bool { return r <= ' ' || r == 0x7f }

func invalid(param, msg string) error {
	return &imscope.InvalidError{Param: param, Message: msg}
}
