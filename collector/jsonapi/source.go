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
	p      *plan
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
	p, err := cfg.parse()
	if err != nil {
		return nil, fmt.Errorf("json source %s: %w", name, err)
	}
	s := &Source{name: name, cfg: cfg, p: p, m: p.m, where: displayTemplate(cfg.URL), label: cfg.Source,
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

// Collect fetches the API once — once per item with Each — and emits the
// records as one batch.
func (s *Source) Collect(ctx context.Context, emit collector.Emit) error {
	if s.p.each == nil {
		return s.collect(ctx, emit, []string{""})
	}
	values, missing, err := s.items(ctx)
	if err != nil {
		s.log.Error("json list failed", "source", s.name, "url", s.where, "err", err)
		return err
	}
	err = s.collect(ctx, emit, values)
	if missing != nil {
		s.log.Error("json items missing", "source", s.name, "url", s.where, "err", missing)
		return joinErrors(missing, err)
	}
	return err
}

// CollectItems makes one request per value of Each's variable, whatever
// Each lists, and emits the records of all as one batch. It is for sources
// built on this one that choose the items themselves.
func (s *Source) CollectItems(ctx context.Context, emit collector.Emit, values []string) error {
	if s.p.each == nil {
		return fmt.Errorf("json source %s: no each: it makes one request, not one per item", s.name)
	}
	return s.collect(ctx, emit, values)
}

// collect makes the requests of values ("" alone: the one request without
// Each) and emits what they yield as one batch. An item whose request
// fails does not stop the others, except when the credentials are refused
// (every item would be); the run's error then names each failed item, and
// the good items' rows still land.
func (s *Source) collect(ctx context.Context, emit collector.Emit, values []string) error {
	start := time.Now()
	var b collector.Batch
	var st mapStats
	var errs []error
	for _, v := range values {
		c, m := s.call(v)
		doc, fetchedAt, err := s.fetch(ctx, c)
		if err != nil {
			s.log.Error("json fetch failed", "source", s.name, "url", c.where, "err", err)
			errs = append(errs, err)
			if IsRefused(err) || ctx.Err() != nil {
				break
			}
			continue
		}
		ib, ist, err := s.mapDocument(doc, fetchedAt, m, c.where)
		if err != nil {
			s.log.Error("json response not as configured", "source", s.name, "url", c.where, "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", c.where, err))
			continue
		}
		b.Samples = append(b.Samples, ib.Samples...)
		b.Bridges = append(b.Bridges, ib.Bridges...)
		b.Problems = append(b.Problems, ib.Problems...)
		st.add(ist)
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
	if len(errs) > 0 && len(errs) == len(values) {
		return joinErrors(errs...) // every request failed, and each was logged
	}
	attrs := []any{"source", s.name, "url", s.where, "records", st.records, "rows", b.Rows(), "problems", len(b.Problems), "seconds", time.Since(start).Seconds()}
	if s.p.each != nil {
		attrs = append(attrs, "items", len(values), "failed", len(errs))
	}
	if st.primed > 0 {
		attrs = append(attrs, "first_totals", st.primed)
	}
	if len(b.Problems) > 0 || len(errs) > 0 {
		s.log.Warn("json fetch skipped bad records", attrs...)
	} else {
		s.log.Info("json fetch done", attrs...)
	}
	return joinErrors(errs...)
}

// call fills the request and the fixed values in for item v, and says
// where in messages ("" is the one request without Each).
func (s *Source) call(v string) (call, *mappings) {
	if s.p.each == nil {
		return s.p.req.fill(nil, ""), s.m
	}
	vars := map[string]string{s.p.each.name: v}
	return s.p.req.fill(vars, itemTag(s.p.each.name, v)), s.m.forItem(vars)
}
