package openmetrics

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/openmetrics/exposition"
)

// Options are what a Source takes from its surroundings; every field may be
// left zero.
type Options struct {
	Logger     *slog.Logger        // default: discard
	HTTPClient *http.Client        // default: a client of its own; timeouts come from Config.Timeout
	Now        func() time.Time    // default: time.Now
	Getenv     func(string) string // default: os.Getenv; reads bearer_token_env and basic_auth.password_env
}

// Source scrapes one endpoint and maps it with its rules. It keeps counter
// state between Collect calls, which it serialises.
type Source struct {
	name    string
	cfg     Config
	url     string // as configured, credentials included
	where   string // redacted, for messages and logs
	timeout time.Duration
	maxBody int64
	client  *http.Client
	log     *slog.Logger
	now     func() time.Time
	getenv  func(string) string

	mu     sync.Mutex
	parser *exposition.Parser
	mapper *mapper
}

var _ collector.Source = (*Source)(nil)

// New validates cfg and returns the collector called name (the Source of
// every row it makes).
func New(name string, cfg Config, opts Options) (*Source, error) {
	if name == "" {
		return nil, fmt.Errorf("openmetrics collector: a name is required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("openmetrics collector %s: %w", name, err)
	}
	rules, err := compileRules(cfg)
	if err != nil {
		return nil, fmt.Errorf("openmetrics collector %s: %w", name, err)
	}
	u, _ := url.Parse(cfg.URL) // Validate parsed it
	s := &Source{
		name: name, cfg: cfg, url: cfg.URL, where: u.Redacted(),
		timeout: cfg.Timeout, maxBody: cfg.MaxBodyBytes,
		client: opts.HTTPClient, log: opts.Logger, now: opts.Now, getenv: opts.Getenv,
	}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.maxBody == 0 {
		s.maxBody = DefaultMaxBodyBytes
	}
	if s.client == nil {
		s.client = &http.Client{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.getenv == nil {
		s.getenv = os.Getenv
	}
	s.parser = exposition.NewParser()
	s.mapper = newMapper(name, s.where, rules)
	return s, nil
}

// Name is the collector's name, the Source of its rows.
func (s *Source) Name() string { return s.name }

// Collect scrapes the endpoint once and emits what it maps to: one batch,
// or none when the scrape yields neither rows nor problems. The body is
// parsed and mapped as it arrives. A failed scrape (network, status, size,
// parse) returns an error and leaves the counter state as it was, so the
// next good scrape covers both intervals.
func (s *Source) Collect(ctx context.Context, emit collector.Emit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	start, began := s.now(), time.Now()
	resp, err := s.fetch(ctx)
	if err != nil {
		return err
	}
	defer resp.Close()
	format, err := formatOf(resp.contentType)
	if err != nil {
		return fmt.Errorf("cannot parse %s: %w", s.where, err)
	}
	b, err := s.mapBody(resp, format, start)
	switch {
	case resp.err != nil:
		return s.scrapeError(resp.ctx, ctx, resp.err)
	case err != nil:
		return fmt.Errorf("cannot parse %s: %w", s.where, err)
	}
	s.log.Debug("scraped", "collector", s.name, "url", s.where, "bytes", resp.read,
		"content_type", resp.contentType, "samples", len(b.Samples),
		"bridges", len(b.Bridges), "problems", len(b.Problems), "took", time.Since(began))
	if b.Rows() == 0 && len(b.Problems) == 0 {
		return nil
	}
	return emit(ctx, b)
}

// mapBody parses and maps the body. A bug must fail one scrape, not take
// the collector down.
func (s *Source) mapBody(body io.Reader, format exposition.Format, now time.Time) (b collector.Batch, err error) {
	defer func() {
		if p := recover(); p != nil {
			// The parser's state is unknown after a panic: start afresh.
			s.parser, s.mapper = exposition.NewParser(), newMapper(s.name, s.where, s.mapper.rules)
			b, err = collector.Batch{}, fmt.Errorf("the exposition parser panicked: %v", p)
		}
	}()
	return s.mapper.mapBody(s.parser, body, format, now)
}
