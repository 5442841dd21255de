package openmetrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// fetched is one scrape's response.
type fetched struct {
	status      int
	contentType string
	body        []byte
}

// fetch GETs the target within s.timeout and reads at most s.maxBody bytes
// of it into s.buf, which is reused between scrapes.
func (s *Source) fetch(parent context.Context) (fetched, error) {
	ctx, cancel := context.WithTimeout(parent, s.timeout)
	defer cancel()
	fail := func(format string, args ...any) (fetched, error) {
		return fetched{}, fmt.Errorf("cannot scrape %s: %s", s.where, fmt.Sprintf(format, args...))
	}
	wrap := func(err error) (fetched, error) {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil {
			return fail("no complete answer within %s (timeout)", s.timeout)
		}
		return fetched{}, fmt.Errorf("cannot scrape %s: %w", s.where, err)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return wrap(err)
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "imscope-openmetrics")
	if err := s.authorize(req); err != nil {
		return fail("%v", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return wrap(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fail("HTTP %s", resp.Status)
	}
	if resp.ContentLength > s.maxBody {
		return fail("body larger than %s limit (max_body_bytes)", sizeString(s.maxBody))
	}
	s.buf.Reset()
	if resp.ContentLength > 0 {
		s.buf.Grow(int(resp.ContentLength))
	}
	if _, err := s.buf.ReadFrom(io.LimitReader(resp.Body, s.maxBody+1)); err != nil {
		return wrap(err)
	}
	if int64(s.buf.Len()) > s.maxBody {
		return fail("body larger than %s limit (max_body_bytes)", sizeString(s.maxBody))
	}
	return fetched{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: s.buf.Bytes()}, nil
}

// authorize adds the configured credentials, read from the environment at
// each scrape so that a rotated secret is picked up without a restart.
func (s *Source) authorize(req *http.Request) error {
	c := s.cfg
	switch {
	case c.BearerToken != "":
		req.Header.Set("Authorization", "Bearer "+c.BearerToken)
	case c.BearerTokenEnv != "":
		tok := s.getenv(c.BearerTokenEnv)
		if tok == "" {
			return fmt.Errorf("bearer_token_env: environment variable %s is empty or unset", c.BearerTokenEnv)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	case c.BasicAuth.Username != "":
		pw := s.getenv(c.BasicAuth.PasswordEnv)
		if pw == "" {
			return fmt.Errorf("basic_auth.password_env: environment variable %s is empty or unset", c.BasicAuth.PasswordEnv)
		}
		req.SetBasicAuth(c.BasicAuth.Username, pw)
	}
	return nil
}

// sizeString writes a byte count the way people configure it.
func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
