package jsonapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// creds are the credentials of a request, read from the environment: the
// headers to send, and the secret values to keep out of messages.
type creds struct {
	headers map[string]string
	secrets []string
}

// secrets reads the bearer token, the Basic password and the header values
// from the environment, and says which variable is missing.
func (s *Source) secrets() (creds, error) {
	out := creds{headers: map[string]string{}}
	if env := s.cfg.BearerTokenEnv; env != "" {
		tok := s.getenv(env)
		if tok == "" {
			return creds{}, invalid("bearer_token_env", fmt.Sprintf("%s is not set; it should hold the API token", env))
		}
		if strings.ContainsAny(tok, "\r\n\x00") {
			return creds{}, invalid("bearer_token_env", fmt.Sprintf("%s holds a line break or NUL, which cannot be sent in a header", env))
		}
		out.headers["Authorization"] = "Bearer " + tok
		out.secrets = append(out.secrets, tok)
	}
	if ba := s.cfg.BasicAuth; ba.Username != "" {
		pw := s.getenv(ba.PasswordEnv)
		if pw == "" {
			return creds{}, invalid("basic_auth.password_env", fmt.Sprintf("%s is not set; it should hold the password of %s", ba.PasswordEnv, ba.Username))
		}
		out.headers["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte(ba.Username+":"+pw))
		out.secrets = append(out.secrets, pw, strings.TrimPrefix(out.headers["Authorization"], "Basic "))
	}
	for name, env := range s.cfg.HeadersEnv {
		v := s.getenv(env)
		if v == "" {
			return creds{}, invalid("headers_env", fmt.Sprintf("%s is not set; it should hold the value of the %s header", env, name))
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return creds{}, invalid("headers_env", fmt.Sprintf("%s holds a line break or NUL, which cannot be sent in the %s header", env, name))
		}
		out.headers[http.CanonicalHeaderKey(name)] = v
		out.secrets = append(out.secrets, v)
	}
	return out, nil
}

// sent says which credentials a request carried, by where they come from
// and never by value, for the message of an answer that refuses them.
func (s *Source) sent() string {
	var parts []string
	if s.cfg.BearerTokenEnv != "" {
		parts = append(parts, "the bearer token in "+s.cfg.BearerTokenEnv)
	}
	if ba := s.cfg.BasicAuth; ba.Username != "" {
		parts = append(parts, fmt.Sprintf("Basic authentication as %s with the password in %s", quote(ba.Username), ba.PasswordEnv))
	}
	names := make([]string, 0, len(s.cfg.HeadersEnv))
	for name := range s.cfg.HeadersEnv {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		parts = append(parts, fmt.Sprintf("%s from %s", http.CanonicalHeaderKey(name), s.cfg.HeadersEnv[name]))
	}
	if len(parts) == 0 {
		return "no credentials"
	}
	return strings.Join(parts, ", ")
}

// statusError is an answer other than 2xx.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

// IsRefused reports whether err is an answer refusing the credentials (401
// or 403). Every request of a source carries the same ones, so the other
// items would be refused too.
func IsRefused(err error) bool {
	var se *statusError
	return errors.As(err, &se) && (se.code == http.StatusUnauthorized || se.code == http.StatusForbidden)
}

// httpClient returns a copy of c (or a default client) that drops the
// secret headers when a redirect leaves the configured host. Go's client
// already drops Authorization across domains, but not an X-Api-Key.
func (s *Source) httpClient(c *http.Client) *http.Client {
	var cc http.Client
	if c != nil {
		cc = *c
	}
	next := cc.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if req.URL.Host != via[0].URL.Host {
			req.Header.Del("Authorization")
			for name := range s.cfg.HeadersEnv {
				req.Header.Del(name)
			}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &cc
}

// fetch sends a request and decodes the JSON response, numbers kept as
// json.Number so that large counts stay exact.
func (s *Source) fetch(ctx context.Context, c call) (any, time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout())
	defer cancel()
	cr, err := s.secrets()
	if err != nil {
		return nil, time.Time{}, err
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, c.url, body)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("cannot fetch %s: %w", c.where, withoutURL(err))
	}
	req.Header.Set("Accept", "application/json")
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	for k, v := range s.cfg.Headers {
		req.Header.Set(k, v)
	}
	for k, v := range cr.headers {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("cannot fetch %s: %w", c.where, withoutURL(err))
	}
	defer resp.Body.Close()
	max := s.cfg.maxBodyBytes()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		const reasonBytes = 200
		head, _ := io.ReadAll(io.LimitReader(resp.Body, reasonBytes))
		msg := fmt.Sprintf("cannot fetch %s: the server answered %s", c.where, resp.Status)
		if t := strings.TrimSpace(redact(string(head), cr.secrets)); t != "" {
			msg += ": " + quoteN(t, reasonBytes) // the server's reason: it says what to fix
		}
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			msg += " (sent: " + s.sent() + ")"
		}
		return nil, time.Time{}, &statusError{code: resp.StatusCode, msg: msg}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("cannot read the response of %s: %w", c.where, err)
	}
	if int64(len(data)) > max {
		return nil, time.Time{}, fmt.Errorf("the response of %s is larger than max_body_bytes (%d bytes)", c.where, max)
	}
	fetchedAt := s.now().UTC().Truncate(time.Millisecond)
	doc, err := decode(data)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("the response of %s %w", c.where, err)
	}
	return doc, fetchedAt, nil
}

// withoutURL drops the URL a url.Error repeats, query string included.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// decode parses one JSON value; its errors follow "the response of URL".
func decode(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		start := strings.TrimSpace(string(body[:min(len(body), 40)]))
		if start == "" {
			return nil, errors.New("is empty, not JSON")
		}
		return nil, fmt.Errorf("is not JSON (%v); it starts %s", err, quote(start))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("has more after its JSON value")
	}
	return doc, nil
}

// redact replaces the secrets' values in text a server sent back.
func redact(text string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			text = strings.ReplaceAll(text, v, "(redacted)")
		}
	}
	return text
}
