package checkpoints

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// collect calls Collect and returns what it emitted (zero Batch if nothing).
func collect(t *testing.T, r *Receiver) collector.Batch {
	t.Helper()
	var got collector.Batch
	if err := r.Collect(context.Background(), func(_ context.Context, b collector.Batch) error {
		got = b
		return nil
	}); err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return got
}

func TestCollectHandsOverEndedIntervals(t *testing.T) {
	h := newHarness(t, testConfig()) // clock at 22:13:21, interval 1m
	h.post(t, cpPath, tokenWA, fixture(t, "success.json"))

	if b := collect(t, h.recv); len(b.Bridges) != 0 {
		t.Fatalf("open interval handed over: %+v", b.Bridges)
	}
	h.clock.Advance(39 * time.Second) // 22:14:00: ended, but within lateGrace
	if b := collect(t, h.recv); len(b.Bridges) != 0 {
		t.Fatalf("interval handed over within lateGrace: %+v", b.Bridges)
	}
	h.clock.Advance(lateGrace)
	sameRows(t, collect(t, h.recv).Bridges, []imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{250_000: 1}, 0.180)})
	if b := collect(t, h.recv); b.Rows() != 0 {
		t.Fatalf("rows handed over twice: %+v", b)
	}

	// An outcome for the interval already handed over makes a second row:
	// the interval's next revision, a millisecond later, so it has a key of
	// its own (rows are stored once by key).
	h.post(t, cpPath, tokenWA, cp("$late", "REMOTE", "PERM_FAILURE", 500))
	late := row("whatsapp", "whatsapp", 1, 1, nil, 0)
	late.TS = late.TS.Add(time.Millisecond)
	sameRows(t, collect(t, h.recv).Bridges, []imscope.BridgeSample{late})
}

// TestCollectAfterRestart: a receiver started after a restart asks which of
// its intervals are stored before it hands any over, so the interval whose
// row was stored at shutdown gets its further rows as a new revision; until
// it can ask, it keeps its traffic.
func TestCollectAfterRestart(t *testing.T) {
	h := newHarness(t, testConfig()) // clock at 22:13:21, interval 1m
	var asked []string
	answer := errors.New("ClickHouse is not up yet")
	h.recv.stored = func(_ context.Context, source string, since time.Time) ([]StoredInterval, error) {
		asked = append(asked, source+" since "+since.Format(time.TimeOnly))
		if answer != nil {
			return nil, answer
		}
		// Rows stored before the restart: the interval's first two
		// revisions, and another bridge's row.
		return []StoredInterval{{Bridge: "whatsapp", TS: minute}, {Bridge: "whatsapp", TS: minute.Add(time.Millisecond)}, {Bridge: "signal", TS: minute}}, nil
	}
	h.recv.loaded = false
	h.post(t, cpPath, tokenWA, fixture(t, "success.json"))
	h.clock.Advance(39*time.Second + lateGrace)
	err := h.recv.Collect(context.Background(), func(context.Context, collector.Batch) error {
		t.Fatal("traffic handed over before the stored intervals were known")
		return nil
	})
	if !errors.Is(err, answer) {
		t.Fatalf("Collect = %v, want the lookup's error", err)
	}
	answer = nil
	want := row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{250_000: 1}, 0.180)
	want.TS = minute.Add(2 * time.Millisecond)
	sameRows(t, collect(t, h.recv).Bridges, []imscope.BridgeSample{want})
	if len(asked) != 2 || asked[1] != "push since 21:14:30" {
		t.Fatalf("asked %v, want twice, for 25 hours back", asked)
	}
}

func TestCollectKeepsWhatEmitRefused(t *testing.T) {
	h := newHarness(t, testConfig())
	h.post(t, cpPath, tokenWA, fixture(t, "success.json"))
	h.post(t, statePath, tokenWA, fixture(t, "state_connected.json"))
	h.post(t, cpPath, tokenWA, fixture(t, "mixed_bad.json"))

	full := errors.New("pipeline full")
	err := h.recv.Flush(context.Background(), func(context.Context, collector.Batch) error { return full })
	if !errors.Is(err, full) || !strings.Contains(err.Error(), `"push"`) {
		t.Fatalf("Flush = %v, want the emit error wrapped with the receiver's name", err)
	}
	// Meanwhile more arrives for the same interval.
	h.post(t, cpPath, tokenWA, fixture(t, "perm_failure.json"))

	b := h.flush(t)
	sameRows(t, b.Bridges, []imscope.BridgeSample{row("whatsapp", "whatsapp", 3, 1, map[uint64]uint64{250_000: 1, 100_000: 1}, 0.270)})
	if len(b.States) != 1 || len(b.Problems) != 6 {
		t.Fatalf("after a refused emit: %d states, %d problems; want 1 and 6", len(b.States), len(b.Problems))
	}
}

func TestCollectStopsOnCancelledContext(t *testing.T) {
	h := newHarness(t, testConfig())
	h.post(t, cpPath, tokenWA, fixture(t, "success.json"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := h.recv.Flush(ctx, func(context.Context, collector.Batch) error {
		t.Fatal("emit called with a cancelled context")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Flush = %v, want context.Canceled", err)
	}
	if rows := h.flush(t).Bridges; len(rows) != 1 {
		t.Fatalf("rows lost after a cancelled Flush: %+v", rows)
	}
}

func TestPendingEventsAreBounded(t *testing.T) {
	t.Run("forgotten after pending_ttl", func(t *testing.T) {
		cfg := testConfig()
		cfg.PendingTTL = time.Minute
		h := newHarness(t, cfg)
		h.post(t, cpPath, tokenWA, cp("$slow", "BRIDGE", "SUCCESS", 0))
		h.clock.Advance(2 * time.Minute)
		h.post(t, cpPath, tokenWA, cp("$slow", "REMOTE", "SUCCESS", 2000))
		// Counted, but no longer timed: its start was forgotten.
		sameRows(t, h.flush(t).Bridges, []imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, nil, 0)})
		if !strings.Contains(h.logs.String(), "events forgotten without an outcome") {
			t.Error("expiry not logged")
		}
	})
	t.Run("the oldest forgotten beyond max_pending", func(t *testing.T) {
		cfg := testConfig()
		cfg.MaxPending = 2
		h := newHarness(t, cfg)
		for i, ev := range []string{"$a", "$b", "$c"} {
			h.post(t, cpPath, tokenWA, cp(ev, "BRIDGE", "SUCCESS", i))
		}
		h.post(t, cpPath, tokenWA, cp("$a", "REMOTE", "SUCCESS", 20)) // $a forgotten: untimed
		h.post(t, cpPath, tokenWA, cp("$c", "REMOTE", "SUCCESS", 20)) // $c remembered: 18 ms
		sameRows(t, h.flush(t).Bridges, []imscope.BridgeSample{row("whatsapp", "whatsapp", 2, 0, map[uint64]uint64{25_000: 1}, 0.018)})
		if !strings.Contains(h.logs.String(), "raise max_pending") {
			t.Error("eviction not logged")
		}
		if n := len(h.recv.events.events); n > 2 {
			t.Errorf("%d events remembered, max_pending 2", n)
		}
	})
}

func TestStateBufferFull(t *testing.T) {
	h := newHarness(t, testConfig())
	for range maxBufferedStates {
		h.recv.addState(imscope.BridgeState{State: "RUNNING"})
	}
	code, resp := h.post(t, statePath, tokenWA, fixture(t, "state_connected.json"))
	if code != http.StatusServiceUnavailable || !strings.Contains(resp.Error, "retry later") {
		t.Fatalf("status %d %+v, want 503", code, resp)
	}
	if n := len(h.flush(t).States); n != maxBufferedStates {
		t.Fatalf("%d states handed over, want %d", n, maxBufferedStates)
	}
	if code, _ := h.post(t, statePath, tokenWA, fixture(t, "state_connected.json")); code != http.StatusOK {
		t.Fatalf("after a collection: status %d, want 200", code)
	}
}

func TestConcurrentPushes(t *testing.T) {
	h := newHarness(t, testConfig())
	const workers, events = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for e := range events {
				id := fmt.Sprintf("$w%de%d", w, e)
				body := fmt.Appendf(nil, `{"checkpoints":[{"event_id":%q,"step":"BRIDGE","status":"SUCCESS","timestamp":%d},{"event_id":%q,"step":"REMOTE","status":"SUCCESS","timestamp":%d}]}`,
					id, t0.UnixMilli(), id, t0.UnixMilli()+int64(e))
				if code, resp := h.post(t, cpPath, tokenWA, body); code != http.StatusOK {
					t.Errorf("status %d %+v", code, resp)
				}
			}
		})
		wg.Go(func() { collect(t, h.recv) })
	}
	wg.Wait()
	b := h.flush(t)
	if len(b.Bridges) != 1 || b.Bridges[0].Messages != workers*events {
		t.Fatalf("rows %+v, want one row of %d messages", b.Bridges, workers*events)
	}
	var timed uint64
	for _, n := range b.Bridges[0].Latency {
		timed += n
	}
	if timed != workers*events {
		t.Errorf("%d messages timed, want %d", timed, workers*events)
	}
}
