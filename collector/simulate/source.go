package simulate

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/imscope/imscope/collector"
)

// Source is the demo market. History emits the whole dataset once; Collect,
// called on a schedule, emits live rows for the time since its last call.
// Both are safe to call concurrently.
type Source struct {
	name string
	m    *model
	log  *slog.Logger
	now  func() time.Time

	mu sync.Mutex // guards the live cursor
	// last is the end of what Collect has emitted (exclusive); zero before
	// the first call.
	last time.Time
	// gaugeDay is the UTC day whose daily gauges were last emitted.
	gaugeDay time.Time
}

var _ collector.Source = (*Source)(nil)

// New returns the demo market named name (the collector's name, used in
// logs; rows carry cfg.Source). Zero config fields take their defaults.
func New(name string, cfg Config, opts Options) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("simulate %s: %w", name, err)
	}
	m, err := newModel(cfg.withDefaults())
	if err != nil {
		return nil, fmt.Errorf("simulate %s: %w", name, err)
	}
	s := &Source{name: name, m: m, log: opts.Logger, now: opts.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.log = s.log.With("collector", name, "kind", "simulate")
	return s, nil
}

// Window returns the history's span [start, end): the first instant of the
// first month and the first instant after the last.
func (s *Source) Window() (start, end time.Time) { return s.m.start, s.m.end }

// Bridges describes the simulated bridges, in order of opening.
func (s *Source) Bridges() []BridgeInfo {
	out := make([]BridgeInfo, len(s.m.bridges))
	for i, b := range s.m.bridges {
		out[i] = b.BridgeInfo
		out[i].Networks = append([]string(nil), b.Networks...)
	}
	return out
}

// Incidents lists the incident windows overlapping [from, to), both the
// history's and live mode's, in order of start within each.
func (s *Source) Incidents(from, to time.Time) []Incident {
	return s.m.incidentsBetween(from, to)
}

// PanelPeriods returns the starts of the panel's periods.
func (s *Source) PanelPeriods() []time.Time {
	return panelPeriods(s.m.panelGran, s.m.start, s.m.end)
}

// History emits the whole demo dataset, in chunks of at most 100,000 rows:
// the published market reports, daily usage, bridge traffic (hourly, and
// per minute for the final 48 hours), then the panel period by period. The
// same config always yields the same rows in the same order. It does not
// touch the live cursor.
func (s *Source) History(ctx context.Context, emit collector.Emit) error {
	began := time.Now()
	e := newEmitter(ctx, emit)
	steps := []struct {
		what string
		run  func(*emitter) error
	}{
		{"market reports", func(e *emitter) error {
			for _, r := range MarketReports() {
				if err := e.report(r); err != nil {
					return err
				}
			}
			return nil
		}},
		{"usage", s.m.usageHistory},
		{"bridge traffic", s.m.bridgeHistory},
		{"panel", s.m.panelHistory},
	}
	for _, st := range steps {
		if err := st.run(e); err != nil {
			return fmt.Errorf("simulate %s: %s: %w", s.name, st.what, err)
		}
		if err := e.flush(); err != nil {
			return fmt.Errorf("simulate %s: %s: %w", s.name, st.what, err)
		}
		s.log.Debug("simulated", "what", st.what, "rows", e.total(), "elapsed", time.Since(began))
	}
	s.log.Info("demo history emitted",
		"from", s.m.start.Format(time.DateOnly), "to", s.m.end.Format(time.DateOnly),
		"usage_samples", e.samples, "bridge_traffic", e.bridges, "panel_activity", e.panel,
		"market_reports", e.reports, "elapsed", time.Since(began).Round(time.Millisecond))
	return nil
}

// ResumeAfter makes the next Collect continue after the minute starting at
// t (the latest live minute stored, read back after a restart), still
// reaching back at most 48 hours: a restarted demo neither repeats nor
// skips a minute, and a first start fills the last two days. A t before
// the cursor changes nothing.
func (s *Source) ResumeAfter(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if next := t.UTC().Truncate(time.Minute).Add(time.Minute); next.After(s.last) {
		s.last = next
	}
}

// Collect emits live rows for the whole minutes between the previous call
// and now (Options.Now, truncated to the minute): per minute, every open
// bridge route's traffic and every network's and segment's messages,
// sessions, minutes and connections; and, with the first minute of each UTC
// day, that day's active and registered users. The first call emits the
// minute just completed. Nothing is emitted twice: a call in the same
// minute, or with a clock that went back, emits nothing; minutes before the
// end of the history are never emitted (History covers them); one call
// reaches back at most 48 hours. If emit fails, the cursor stays after the
// last batch that was taken, and the next call resumes from there.
//
// The cursor lives in this process only: after a restart the first call
// again emits one minute and that day's gauges (the same values, so a
// day's averages and last values are unchanged).
func (s *Source) Collect(ctx context.Context, emit collector.Emit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC().Truncate(time.Minute)
	from := s.last
	if from.IsZero() {
		from = now.Add(-time.Minute)
	}
	if !now.After(from) {
		return nil
	}
	if now.Sub(from) > maxCatchUp {
		// Expected on a first start (the cursor is the end of the history)
		// and after a long pause; the minutes before the limit stay empty.
		s.log.Info("live demo starts at the catch-up limit",
			"from", now.Add(-maxCatchUp), "limit", maxCatchUp, "skipped_from", from)
		from = now.Add(-maxCatchUp)
	}
	if from.Before(s.m.end) {
		from = s.m.end
	}
	if !now.After(from) {
		s.last = now
		return nil
	}
	// Rows are flushed at minute boundaries only, and the cursor (with the
	// day whose gauges went out) is committed after each flush, so a
	// failed emit loses nothing and repeats nothing.
	e := newEmitter(ctx, emit)
	e.manual = true
	gaugeDay := s.gaugeDay
	perMinute := liveRowsPerMinute(s.m)
	var ld liveDay
	for t := from; t.Before(now); t = t.Add(time.Minute) {
		day := t.Truncate(24 * time.Hour)
		gauges := !gaugeDay.Equal(day)
		if err := s.m.emitLiveMinute(e, t, &ld, gauges); err != nil {
			return fmt.Errorf("simulate %s: live: %w", s.name, err)
		}
		gaugeDay = day
		next := t.Add(time.Minute)
		if e.b.Rows()+perMinute > batchRows || !next.Before(now) {
			if err := e.flush(); err != nil {
				return fmt.Errorf("simulate %s: live: %w", s.name, err)
			}
			s.last, s.gaugeDay = next, gaugeDay
		}
	}
	s.log.Debug("live demo emitted", "from", from, "to", now, "rows", e.total())
	return nil
}

// liveRowsPerMinute bounds the rows one live minute adds (with gauges).
func liveRowsPerMinute(m *model) int {
	routes := 0
	for _, b := range m.bridges {
		routes += len(b.routes)
	}
	return routes + nNet*(len(m.segs)+1)*(len(liveMinuteMetrics)+len(liveDailyMetrics))
}
