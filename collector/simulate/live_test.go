package simulate

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/imscope/imscope/collector"
)

// clock is a settable Options.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// liveRun collects what each Collect call emitted.
type liveRun struct {
	t   *testing.T
	src *Source
	clk *clock
}

func newLive(t *testing.T, at time.Time) *liveRun {
	t.Helper()
	clk := &clock{t: at}
	s, err := New("live", Config{PanelUsers: 100}, Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	return &liveRun{t: t, src: s, clk: clk}
}

// collect runs one Collect and returns the rows it emitted.
func (l *liveRun) collect() collector.Batch {
	l.t.Helper()
	var all collector.Batch
	err := l.src.Collect(context.Background(), func(_ context.Context, b collector.Batch) error {
		if b.Rows() > batchRows {
			l.t.Errorf("live batch of %d rows", b.Rows())
		}
		all.Samples = append(all.Samples, b.Samples...)
		all.Bridges = append(all.Bridges, b.Bridges...)
		return nil
	})
	if err != nil {
		l.t.Fatal(err)
	}
	return all
}

// minutes returns the distinct minutes of the batch's rows.
func minutes(b collector.Batch) map[time.Time]bool {
	m := map[time.Time]bool{}
	for _, s := range b.Samples {
		m[s.TS] = true
	}
	for _, s := range b.Bridges {
		m[s.TS] = true
	}
	return m
}

// Live rows per minute: 8 bridge routes, and 4 metrics for 8 networks × 5
// segments (with ""); once a day 4 more metrics.
const (
	liveRoutes     = 8
	liveSamplesMin = nNet * 5 * 4
	liveSamplesDay = nNet * 5 * 4
)

var liveStart = time.Date(2026, 3, 4, 9, 30, 20, 0, time.UTC) // a Wednesday, 17:30 CST

func TestCollectEmitsElapsedMinutesOnce(t *testing.T) {
	l := newLive(t, liveStart)
	seen := map[string]bool{}
	check := func(b collector.Batch, from, to time.Time, gauges bool) {
		t.Helper()
		n := int(to.Sub(from) / time.Minute)
		if len(b.Bridges) != n*liveRoutes {
			t.Errorf("[%v, %v): %d bridge rows, want %d", from, to, len(b.Bridges), n*liveRoutes)
		}
		want := n * liveSamplesMin
		if gauges {
			want += liveSamplesDay
		}
		if len(b.Samples) != want {
			t.Errorf("[%v, %v): %d samples, want %d", from, to, len(b.Samples), want)
		}
		for m := range minutes(b) {
			if m.Before(from) || !m.Before(to) || !m.Equal(m.Truncate(time.Minute)) {
				t.Errorf("row at %v outside the elapsed whole minutes [%v, %v)", m, from, to)
			}
		}
		for _, s := range b.Samples {
			k := fmt.Sprint(s.TS, s.Network, s.Segment, s.Metric)
			if seen[k] {
				t.Errorf("sample %s emitted twice", k)
			}
			seen[k] = true
		}
		for _, s := range b.Bridges {
			k := fmt.Sprint(s.TS, s.Bridge, s.FromNetwork, s.ToNetwork)
			if seen[k] {
				t.Errorf("bridge row %s emitted twice", k)
			}
			seen[k] = true
		}
	}
	m0 := liveStart.Truncate(time.Minute)

	// First call: the minute just completed, and the day's gauges.
	check(l.collect(), m0.Add(-time.Minute), m0, true)
	// Same minute, later second: nothing.
	l.clk.t = liveStart.Add(30 * time.Second)
	check(l.collect(), m0, m0, false)
	// Five minutes on: exactly those five.
	l.clk.t = liveStart.Add(5 * time.Minute)
	check(l.collect(), m0, m0.Add(5*time.Minute), false)
	// The clock goes back: nothing, and nothing repeated after.
	l.clk.t = liveStart.Add(2 * time.Minute)
	check(l.collect(), m0, m0, false)
	l.clk.t = liveStart.Add(7 * time.Minute)
	check(l.collect(), m0.Add(5*time.Minute), m0.Add(7*time.Minute), false)
	// Across UTC midnight: the new day's gauges come with its first minute.
	mid := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	l.clk.t = mid.Add(-2 * time.Minute)
	l.collect()
	l.clk.t = mid.Add(3 * time.Minute)
	b := l.collect()
	check(b, mid.Add(-2*time.Minute), mid.Add(3*time.Minute), true)
	for _, s := range b.Samples {
		if s.Metric == "active_users_30d" && !s.TS.Equal(mid) {
			t.Errorf("daily gauge at %v, want with the day's first minute %v", s.TS, mid)
		}
	}
}

func TestCollectCatchUpLimit(t *testing.T) {
	l := newLive(t, liveStart)
	l.collect()
	l.clk.t = liveStart.Add(72 * time.Hour)
	b := l.collect()
	ms := minutes(b)
	if len(ms) != int(maxCatchUp/time.Minute) {
		t.Errorf("%d minutes after a 72-hour gap, want the %d-minute limit", len(ms), int(maxCatchUp/time.Minute))
	}
}

func TestCollectNeverOverlapsHistory(t *testing.T) {
	s, err := New("live", Config{PanelUsers: 100}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, end := s.Window()
	for _, at := range []time.Time{end.Add(-time.Hour), end, end.Add(30 * time.Second)} {
		l := newLive(t, at)
		if b := l.collect(); b.Rows() != 0 {
			t.Errorf("now=%v: %d rows at or before the history's end %v", at, b.Rows(), end)
		}
		l.clk.t = end.Add(3 * time.Minute)
		for m := range minutes(l.collect()) {
			if m.Before(end) {
				t.Errorf("live row at %v, before the history's end", m)
			}
		}
	}
}

func TestCollectIsDeterministic(t *testing.T) {
	a, b := newLive(t, liveStart), newLive(t, liveStart.Add(-time.Hour))
	b.collect()
	b.clk.t = liveStart
	rowsA, rowsB := a.collect(), b.collect()
	// b's second call covers the hour before liveStart; its last minute is a's.
	last := liveStart.Truncate(time.Minute).Add(-time.Minute)
	pick := func(batch collector.Batch) (out []string) {
		for _, s := range batch.Bridges {
			if s.TS.Equal(last) {
				out = append(out, fmt.Sprint(s.Bridge, s.FromNetwork, s.Messages, s.Failures, s.Bytes, s.LatencySum))
			}
		}
		for _, s := range batch.Samples {
			if s.TS.Equal(last) && s.Metric == "messages" {
				out = append(out, fmt.Sprint(s.Network, s.Segment, s.Value))
			}
		}
		return out
	}
	pa, pb := pick(rowsA), pick(rowsB)
	if len(pa) == 0 || fmt.Sprint(pa) != fmt.Sprint(pb) {
		t.Errorf("the same minute differs between runs:\n%v\n%v", pa, pb)
	}
}

func TestCollectResumesAfterEmitError(t *testing.T) {
	l := newLive(t, liveStart)
	l.collect()
	l.clk.t = liveStart.Add(10 * time.Minute)
	boom := errors.New("spool full")
	err := l.src.Collect(context.Background(), func(context.Context, collector.Batch) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Collect() = %v, want %v", err, boom)
	}
	// Nothing was taken, so the next call emits the ten minutes again, and
	// the day's gauges are not re-emitted.
	b := l.collect()
	if n := len(minutes(b)); n != 10 {
		t.Errorf("after a failed emit: %d minutes, want 10", n)
	}
	if want := 10 * liveSamplesMin; len(b.Samples) != want {
		t.Errorf("after a failed emit: %d samples, want %d", len(b.Samples), want)
	}
}

func TestCollectFollowsDayAndIncidents(t *testing.T) {
	// A whole CST day: the bridges' 10:00 and 21:00 peaks beat the 04:00
	// trough, and live incidents show as failures.
	// 2026-03-06 CST; with seed 1, fetion-msn has a live incident at 03:06 UTC.
	day := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	l := newLive(t, day)
	l.collect()
	l.clk.t = day.Add(24 * time.Hour)
	b := l.collect()
	incs := l.src.Incidents(day, day.Add(24*time.Hour))
	var peak, trough float64
	var fIn, mIn, fOut, mOut uint64
	for _, r := range b.Bridges {
		switch r.TS.In(cst).Hour() {
		case 10, 21:
			peak += float64(r.Messages)
		case 4:
			trough += float64(r.Messages)
		}
		if inIncident(incs, r.Bridge, r.TS) {
			fIn, mIn = fIn+r.Failures, mIn+r.Messages
		} else {
			fOut, mOut = fOut+r.Failures, mOut+r.Messages
		}
	}
	if peak/2 <= 2*trough {
		t.Errorf("live: %.0f messages per peak hour, %.0f in the trough hour", peak/2, trough)
	}
	if r := float64(fOut) / float64(mOut); r >= 0.01 {
		t.Errorf("live failure ratio outside incidents %.4f", r)
	}
	if len(incs) == 0 {
		t.Fatalf("no live incident on %v, seed 1 has one", day)
	}
	if r := float64(fIn) / float64(mIn); r <= 0.15 {
		t.Errorf("live failure ratio in incidents %v: %.4f", incs, r)
	}
	var messages float64
	for _, s := range b.Samples {
		if s.Metric == "messages" && s.Network == "qq" && s.Segment == "" {
			messages += s.Value
		}
	}
	if messages < 5e9 || messages > 20e9 {
		t.Errorf("QQ live messages over a day %.3g, want about the last history day's (~1e10)", messages)
	}
}

// TestTrafficOnlyLive: with TrafficOnlyLive the live minutes carry the
// same bridge traffic and no usage samples.
func TestTrafficOnlyLive(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	full := newLive(t, at)
	clk := &clock{t: at}
	s, err := New("live", Config{PanelUsers: 100, TrafficOnlyLive: true}, Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	only := &liveRun{t: t, src: s, clk: clk}
	full.collect()
	only.collect()
	full.clk.t, only.clk.t = at.Add(5*time.Minute), at.Add(5*time.Minute)
	a, b := full.collect(), only.collect()
	if len(a.Samples) == 0 || len(a.Bridges) == 0 {
		t.Fatalf("the default live mode emitted %d samples, %d bridge rows", len(a.Samples), len(a.Bridges))
	}
	if len(b.Samples) != 0 {
		t.Errorf("traffic-only live mode emitted %d usage samples", len(b.Samples))
	}
	if len(b.Bridges) != len(a.Bridges) {
		t.Errorf("traffic-only live mode emitted %d bridge rows, the default %d", len(b.Bridges), len(a.Bridges))
	}
}
