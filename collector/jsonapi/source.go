package jsonapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/imscope/imscope/collector"
)

// Options are what the caller provides besides the configuration. The zero
// value works.
type Options struct {
	// Logger receives one line per fetch; nil discards. Secrets and record
	// contents are never logged.
	Logger *slog.Logger
	// HTTPClient makes the requests; nil uses a default client. Its
	// Timeout, if any, applies besides Config.Timeout.
	HTTPClient *http.Client
	// Getenv reads the bearer token and header secrets; nil uses os.Getenv.
	Getenv func(string) string
	// Now is the clock for samples without a ts mapping; nil uses time.Now.
	Now func() time.Time
}

// Source is a configured JSON API collector. It implements collector.Source.
// It keeps the last totals between collections when Config.Cumulative is
// set, so one Source must not collect concurrently (the runner never does).
type Source struct {
	name   string
	cfg    Config
	m      *mappings
	where  string // the URL without credentials or query, as messages show it
	label  string
	log    *slog.Logger
	client *http.Client
	getenv func(string) string
	now    func() time.Time
	usage  totals[float64]
	bridge totals[uint64]
}

var _ collector.Source = (*Source)(nil)

// New checks the configuration and that its secrets are set, and returns
// the source.
func New(name string, cfg Config, opts Options) (*Source, error) {
	m, err := cfg.parse()
	if err != nil {
		return nil, fmt.Errorf("json source %s: %w", name, err)
	}
	s := &Source{name: name, cfg: cfg, m: m, where: displayURL(cfg.URL), label: cfg.Source,
		log: opts.Logger, getenv: opts.Getenv, now: opts.Now}
	if s.label == "" {
		s.label = name
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.getenv == nil {
		s.getenv = os.Getenv
	}
	if s.now == nil {
		s.now = time.Now
	}
	if _, err := s.secrets(); err != nil {
		return nil, fmt.Errorf("json source %s: %w", name, err)
	}
	s.client = s.httpClient(opts.HTTPClient)
	s.usage.init()
	s.bridge.init()
	return s, nil
}

// Collect fetches the API once and emits its records as one batch.
func (s *Source) Collect(ctx context.Context, emit collector.Emit) error {
	start := time.Now()
	doc, fetchedAt, err := s.fetch(ctx)
	if err != nil {
		s.log.Error("json fetch failed", "source", s.name, "url", s.where, "err", err)
		return err
	}
	b, st, err := s.mapDocument(doc, fetchedAt)
	if err != nil {
		s.usage.discard()
		s.bridge.discard()
		s.log.Error("json response not as configured", "source", s.name, "url", s.where, "err", err)
		return fmt.Errorf("%s: %w", s.where, err)
	}
	if b.Rows()+len(b.Problems) > 0 {
		if err := emit(ctx, b); err != nil {
			// The totals stay as they were, so the next fetch's increases
			// cover what this one could not hand on.
			s.usage.discard()
			s.bridge.discard()
			return fmt.Errorf("%s: cannot hand rows on: %w", s.where, err)
		}
	}
	s.usage.commit()
	s.bridge.commit()
	attrs := []any{"source", s.name, "url", s.where, "records", st.records, "rows", b.Rows(), "problems", len(b.Problems), "seconds", time.Since(start).Seconds()}
	if st.primed > 0 {
		attrs = append(attrs, "first_totals", st.primed)
	}
	if len(b.Problems) > 0 {
		s.log.Warn("json fetch skipped bad records", attrs...)
	} else {
		s.log.Info("json fetch done", attrs...)
	}
	return nil
}
