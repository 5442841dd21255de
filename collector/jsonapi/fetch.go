package jsonapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// secrets reads the bearer token and the header values from the
// environment, and says which variable is missing.
func (s *Source) secrets() (map[string]string, error) {
	out := map[string]string{}
	if env := s.cfg.BearerTokenEnv; env != "" {
		tok := s.getenv(env)
		if tok == "" {
			return nil, invalid("bearer_token_env", fmt.Sprintf("%s is not set; it should hold the API token", env))
		}
		out["Authorization"] = "Bearer " + tok
	}
	for name, env := range s.cfg.HeadersEnv {
		v := s.getenv(env)
		if v == "" {
			return nil, invalid("headers_env", fmt.Sprintf("%s is not set; it should hold the value of the %s header", env, name))
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return nil, invalid("headers_env", fmt.Sprintf("%s holds a line break or NUL, which cannot be sent in the %s header", env, name))
		}
		out[http.CanonicalHeaderKey(name)] = v
	}
	return out, nil
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

// fetch GETs the URL and decodes the JSON response, numbers kept as
// json.Number so that large counts stay exact.
func (s *Source) fetch(ctx context.Context) (any, time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.timeout())
	defer cancel()
	secrets, err := s.secrets()
	if err != nil {
		return nil, time.Time{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.URL, nil)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("cannot fetch %s: %w", s.where, err)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range s.cfg.Headers {
		req.Header.Set(k, v)
	}
	for k, v := range secrets {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, query string included
		}
		return nil, time.Time{}, fmt.Errorf("cannot fetch %s: %w", s.where, err)
	}
	defer resp.Body.Close()
	max := s.cfg.maxBodyBytes()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		msg := fmt.Sprintf("cannot fetch %s: the server answered %s", s.where, resp.Status)
		if t := strings.TrimSpace(redact(string(head), secrets)); t != "" {
			msg += ": " + quote(t)
		}
		return nil, time.Time{}, errors.New(msg)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("cannot read the response of %s: %w", s.where, err)
	}
	if int64(len(body)) > max {
		return nil, time.Time{}, fmt.Errorf("the response of %s is larger than max_body_bytes (%d bytes)", s.where, max)
	}
	fetchedAt := s.now().UTC().Truncate(time.Millisecond)
	doc, err := decode(body)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("the response of %s %w", s.where, err)
	}
	return doc, fetchedAt, nil
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
func redact(text string, secrets map[string]string) string {
	for _, v := range secrets {
		v = strings.TrimPrefix(v, "Bearer ")
		if len(v) >= 4 {
			text = strings.ReplaceAll(text, v, "(redacted)")
		}
	}
	return text
}
