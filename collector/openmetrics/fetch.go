package openmetrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// response is a scrape's answer, its body read as the parser asks for it:
// the parser works while the rest is still on its way, and no more than
// max_body_bytes is ever read.
type response struct {
	contentType string
	body        io.ReadCloser
	ctx         context.Context // the scrape's, with its timeout
	cancel      context.CancelFunc
	max         int64
	read        int64
	err         error // why reading failed, worded for the scrape's error
}

var errTooLarge = errors.New("body too large")

// Read reads the body, failing once it is longer than the limit.
func (r *response) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if left := r.max + 1 - r.read; int64(len(p)) > left {
		p = p[:left]
	}
	n, err := r.body.Read(p)
	r.read += int64(n)
	if r.read > r.max {
		r.err = errTooLarge
		return n, r.err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		r.err = err
	}
	return n, err
}

// Close closes the body and ends the scrape's timeout.
func (r *response) Close() error {
	err := r.body.Close()
	r.cancel()
	return err
}

// fetch GETs the target and returns its response with the body unread; the
// whole scrape, body included, must be done within s.timeout.
func (s *Source) fetch(parent context.Context) (*response, error) {
	ctx, cancel := context.WithTimeout(parent, s.timeout)
	fail := func(format string, args ...any) (*response, error) {
		cancel()
		return nil, fmt.Errorf("cannot scrape %s: %s", s.where, fmt.Sprintf(format, args...))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		cancel()
		return nil, s.scrapeError(ctx, parent, err)
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "imscope-openmetrics")
	if err := s.authorize(req); err != nil {
		return fail("%v", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		defer cancel()
		return nil, s.scrapeError(ctx, parent, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		return fail("HTTP %s", resp.Status)
	}
	if resp.ContentLength > s.maxBody {
		resp.Body.Close()
		return fail("body larger than %s limit (max_body_bytes)", sizeString(s.maxBody))
	}
	return &response{contentType: resp.Header.Get("Content-Type"), body: resp.Body, ctx: ctx, cancel: cancel, max: s.maxBody}, nil
}

// scrapeError words a failure to get the target's answer; ctx is the
// scrape's, parent the caller's.
func (s *Source) scrapeError(ctx, parent context.Context, err error) error {
	switch {
	case errors.Is(err, errTooLarge):
		return fmt.Errorf("cannot scrape %s: body larger than %s limit (max_body_bytes)", s.where, sizeString(s.maxBody))
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil:
		return fmt.Errorf("cannot scrape %s: no complete answer within %s (timeout)", s.where, s.timeout)
	}
	return fmt.Errorf("cannot scrape %s: %w", s.where, err)
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
