package ejabberd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/jsonapi"
)

// Options are the json collector's — logger, HTTP client, environment and
// clock — since every request is one of its. The logger gets a line per
// run, not per request.
type Options = jsonapi.Options

// Source is a configured ejabberd collector. It implements collector.Source.
type Source struct {
	name  string
	cfg   Config
	where string // the API root, as messages show it
	label string
	log   *slog.Logger
	now   func() time.Time
	// asks holds a json source per statistic; the first also lists the
	// hosts (its each.from is registered_vhosts).
	asks []ask
}

// ask is one statistic of every host, and the metric it becomes.
type ask struct {
	metric string
	src    *jsonapi.Source
}

var _ collector.Source = (*Source)(nil)

// New checks the configuration and that its secret is set, and returns the
// source.
func New(name string, cfg Config, opts Options) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ejabberd source %s: %w", name, err)
	}
	s := &Source{name: name, cfg: cfg, where: strings.TrimRight(cfg.URL, "/"), label: cfg.Source, log: opts.Logger, now: opts.Now}
	if s.label == "" {
		s.label = name
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	for _, st := range stats {
		// The json sources log nothing: this one logs a line per run,
		// not one per host and statistic.
		src, err := jsonapi.New(name, cfg.jsonConfig(st.name, st.metric), Options{HTTPClient: opts.HTTPClient, Getenv: getenv, Now: s.now})
		if err != nil {
			var ie *imscope.InvalidError
			if errors.As(err, &ie) {
				err = ie // the key at fault, without the json source's name
			}
			return nil, fmt.Errorf("ejabberd source %s: %w", name, err)
		}
		s.asks = append(s.asks, ask{metric: st.metric, src: src})
	}
	return s, nil
}

// Collect lists the virtual hosts, asks each statistic of each host to
// collect, and emits one row per network and metric. A configured host the
// server does not serve, and a host whose request failed, fail the run by
// name after the others are emitted; credentials the server refuses stop
// the run at once.
func (s *Source) Collect(ctx context.Context, emit collector.Emit) error {
	start := time.Now()
	served, err := s.asks[0].src.ListItems(ctx)
	if err != nil {
		s.log.Error("ejabberd hosts not listed", "source", s.name, "url", s.where, "err", err)
		return err
	}
	hosts, errs := s.hosts(served)
	at := s.now().UTC().Truncate(time.Millisecond)
	var sums sums
	var b collector.Batch
hosts:
	for _, h := range hosts {
		for _, a := range s.asks {
			var got collector.Batch
			err := a.src.CollectItems(ctx, func(_ context.Context, part collector.Batch) error {
				got = part
				return nil
			}, []string{h})
			b.Problems = append(b.Problems, got.Problems...)
			if err == nil && len(got.Problems) == 0 && len(got.Samples) == 1 {
				sums.add(s.cfg.network(h), a.metric, h, got.Samples[0].Value)
				continue
			}
			sums.fail(s.cfg.network(h), a.metric, h)
			if err != nil {
				errs = append(errs, err)
			}
			if jsonapi.IsRefused(err) || ctx.Err() != nil {
				break hosts // refused credentials (or the run's end) would stop every other request too
			}
		}
	}
	b.Samples, b.Problems = sums.rows(at, s.label, s.where, b.Problems)
	if b.Rows()+len(b.Problems) > 0 {
		if err := emit(ctx, b); err != nil {
			return fmt.Errorf("%s: cannot hand rows on: %w", s.where, err)
		}
	}
	attrs := []any{"source", s.name, "url", s.where, "hosts", len(hosts), "rows", b.Rows(), "problems", len(b.Problems), "seconds", time.Since(start).Seconds()}
	if len(errs) > 0 {
		s.log.Warn("ejabberd run incomplete", append(attrs, "err", join(errs))...)
	} else {
		s.log.Info("ejabberd collected", attrs...)
	}
	return join(errs)
}

// hosts returns the hosts to ask this run — the configured ones, or every
// one the server serves — and an error naming the configured hosts (in
// hosts, or in networks) that it does not serve: such a host is not asked,
// since ejabberd would answer 0 for it.
func (s *Source) hosts(served []string) ([]string, []error) {
	var errs []error
	unknown := func(key string, names []string) {
		var missing []string
		for _, h := range names {
			if !slices.Contains(served, h) {
				missing = append(missing, fmt.Sprintf("%q", h))
			}
		}
		if len(missing) > 0 {
			errs = append(errs, fmt.Errorf("%s: ejabberd at %s does not serve %s (registered_vhosts: %s), so it is not collected",
				key, s.where, strings.Join(missing, ", "), listHosts(served)))
		}
	}
	if len(s.cfg.Hosts) == 0 {
		unknown("networks", slices.Sorted(maps.Keys(s.cfg.Networks)))
		return served, errs
	}
	unknown("hosts", s.cfg.Hosts)
	var hosts []string
	for _, h := range s.cfg.Hosts {
		if slices.Contains(served, h) {
			hosts = append(hosts, h)
		}
	}
	return hosts, errs
}

// listHosts lists up to 10 hosts for a message.
func listHosts(hosts []string) string {
	if len(hosts) == 0 {
		return "none"
	}
	more := ""
	if len(hosts) > 10 {
		hosts, more = hosts[:10], fmt.Sprintf(" and %d more", len(hosts)-10)
	}
	q := make([]string, len(hosts))
	for i, h := range hosts {
		q[i] = fmt.Sprintf("%q", h)
	}
	return strings.Join(q, ", ") + more
}

// join is errs as one error of one line (a run's error is one line on the
// Collectors page), still matched by errors.Is and errors.As; nil for none.
func join(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	args := make([]any, len(errs))
	for i, err := range errs {
		args[i] = err
	}
	return fmt.Errorf(strings.TrimSuffix(strings.Repeat("%w; ", len(errs)), "; "), args...)
}
