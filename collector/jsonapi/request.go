package jsonapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// BasicAuth is HTTP Basic authentication, as the openmetrics collector has
// it: the user name in the config, the password in the environment
// variable PasswordEnv — read at every request, never logged.
type BasicAuth struct {
	Username    string `yaml:"username"`
	PasswordEnv string `yaml:"password_env"`
}

// request is a parsed request template: the source's own, or the one that
// lists Each's items.
type request struct {
	method      string
	url, body   template
	urlEsc      escaper
	bodyEsc     escaper
	contentType string // of the body; "" without one
}

// defaultContentType is what a body is sent as unless the headers say
// otherwise: what POST-only JSON APIs expect.
const defaultContentType = "application/json"

// parseRequest checks and parses the url, method and body found under the
// config keys prefix+"url" (and so on); vars are the variables their
// placeholders may name.
func parseRequest(prefix, rawURL, method, body string, headers map[string]string, vars []string) (*request, error) {
	r := &request{method: strings.ToUpper(method)}
	switch r.method {
	case "":
		r.method = http.MethodGet
	case http.MethodGet, http.MethodPost:
	default:
		return nil, invalid(prefix+"method", fmt.Sprintf("%q is not GET or POST", method))
	}
	var err error
	if r.url, err = parseTemplate(rawURL, vars); err != nil {
		return nil, invalid(prefix+"url", err.Error())
	}
	r.urlEsc = urlEscaper(rawURL)
	// Checked with a stand-in value, so that a template is held to what
	// every filled-in URL must be.
	if err := CheckURL(prefix+"url", r.url.fill(nil, func(int, string) string { return "x" })); err != nil {
		return nil, err
	}
	if body == "" {
		return r, nil
	}
	if r.method != http.MethodPost {
		return nil, invalid(prefix+"body", "is sent only with method: POST")
	}
	if r.body, err = parseTemplate(body, vars); err != nil {
		return nil, invalid(prefix+"body", err.Error())
	}
	r.contentType = defaultContentType
	for k, v := range headers {
		if http.CanonicalHeaderKey(k) == "Content-Type" {
			r.contentType = v
		}
	}
	r.bodyEsc = bodyEscaper(r.contentType)
	if isJSON(r.contentType) {
		sample := r.body.fill(nil, func(_ int, _ string) string { return "x" })
		if !json.Valid([]byte(sample)) {
			return nil, invalid(prefix+"body", fmt.Sprintf("%s is not JSON (placeholders go between quotes: \"{name}\"); set headers: {Content-Type: …} to send another format", quote(body)))
		}
	}
	return r, nil
}

// call is a request filled in for one item, ready to send.
type call struct {
	method, url, body, contentType string
	where                          string // the URL as messages show it, and the item
}

// fill fills the request in with an item's variables; tag names the item
// in messages ("" without Each).
func (r *request) fill(vars map[string]string, tag string) call {
	c := call{method: r.method, url: r.url.fill(vars, r.urlEsc), contentType: r.contentType}
	if r.contentType != "" {
		c.body = r.body.fill(vars, r.bodyEsc)
	}
	c.where = displayURL(c.url) + tag
	return c
}
