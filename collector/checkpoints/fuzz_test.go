package checkpoints

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// FuzzDecodeCheckpoints: the decoder never panics, accounts for every
// element exactly once, and everything it accepts maps to traffic without
// surprises (known step and status, a time in the window, rows whose counts
// add up and whose buckets are the fixed bounds).
func FuzzDecodeCheckpoints(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if !strings.HasPrefix(filepath.Base(name), "state_") {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	for _, s := range []string{``, `null`, `{}`, `{"checkpoints":null}`, `{"checkpoints":[null,1,"x",[],{}]}`,
		`{"checkpoints":[{"event_id":"$a","step":"REMOTE","status":"SUCCESS","timestamp":-1}]}`,
		`{"checkpoints":[{"event_id":"$a","step":"REMOTE","status":"SUCCESS","timestamp":9223372036854775807}]}`,
		`{"checkpoints":[{"event_id":"$a","step":"REMOTE","status":"SUCCESS","timestamp":1.7e12}]}`,
		`{"Checkpoints":[{"EVENT_ID":"$a","Step":"REMOTE","STATUS":"SUCCESS","timestamp":1700000000000}]}`} {
		f.Add([]byte(s))
	}
	bounds := map[uint64]bool{}
	for _, b := range latencyBounds {
		bounds[b] = true
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ok, bad, err := decodeCheckpoints(body, t0)
		if err != nil {
			if len(ok) != 0 || len(bad) != 0 {
				t.Fatalf("whole-body error %v, yet %d accepted and %d rejected", err, len(ok), len(bad))
			}
			return
		}
		checkDecodedCheckpoints(t, body, ok, bad)
		checkCheckpointTraffic(t, ok, bounds)
	})
}

// checkDecodedCheckpoints checks what decodeCheckpoints made of body: a body
// encoding/json refuses is not accepted, every element is either accepted
// (and then sound, see checkAcceptedCheckpoint) or rejected with its index,
// and exactly once.
func checkDecodedCheckpoints(t *testing.T, body []byte, ok []checkpoint, bad []rejection) {
	var env struct{ Checkpoints []json.RawMessage }
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("decoder accepted a body encoding/json refuses: %v", err)
	}
	seen := make([]int, len(env.Checkpoints))
	for _, cp := range ok {
		seen[cp.Index]++
		checkAcceptedCheckpoint(t, cp)
	}
	for _, rj := range bad {
		seen[rj.Index]++
		if !strings.HasPrefix(rj.Error, "checkpoints[") {
			t.Fatalf("rejection does not name its element: %q", rj.Error)
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("element %d accounted for %d times", i, n)
		}
	}
}

// checkAcceptedCheckpoint checks an accepted checkpoint: an event ID of a
// sane length, a known step and status, and a UTC time in the window.
func checkAcceptedCheckpoint(t *testing.T, cp checkpoint) {
	if cp.EventID == "" || len(cp.EventID) > maxEventIDLen {
		t.Fatalf("accepted event_id %q", cp.EventID)
	}
	if strings.HasPrefix(cp.Step.String(), "step(") || strings.HasPrefix(cp.Status.String(), "status(") {
		t.Fatalf("accepted unknown step or status: %+v", cp)
	}
	if cp.At.Before(t0.Add(-maxAge)) || cp.At.After(t0.Add(maxAhead)) || cp.At.Location() != time.UTC {
		t.Fatalf("accepted time %v outside the window", cp.At)
	}
}

// checkCheckpointTraffic maps the accepted checkpoints to traffic, as the
// receiver does, and checks that every outcome is counted once in rows that
// are sound (see checkTrafficRow).
func checkCheckpointTraffic(t *testing.T, ok []checkpoint, bounds map[uint64]bool) {
	b := &bridge{BridgeConfig: BridgeConfig{ID: "b", FromNetwork: "matrix", ToNetwork: "remote"}}
	tr, tf := newTracker(time.Minute, 16), newTraffic("fuzz", time.Minute)
	sortCheckpoints(ok)
	outcomes := 0
	for _, cp := range ok {
		o := tr.apply(eventKey(b.ID, cp.EventID), cp, t0)
		if o.Kind != outcomeNone {
			outcomes++
		}
		tf.add(b, o)
	}
	var total uint64
	for _, r := range tf.drain(time.Time{}, true) {
		total += r.Messages
		checkTrafficRow(t, r, bounds)
	}
	if total != uint64(outcomes) {
		t.Fatalf("%d outcomes became %d counts", outcomes, total)
	}
}

// checkTrafficRow checks one traffic row: non-empty buckets at the fixed
// bounds, no more failures than messages nor timed messages than successes,
// the bridge's network, and a UTC minute.
func checkTrafficRow(t *testing.T, r imscope.BridgeSample, bounds map[uint64]bool) {
	var timed uint64
	for k, n := range r.Latency {
		if !bounds[k] || n == 0 {
			t.Fatalf("bucket %d: %d", k, n)
		}
		timed += n
	}
	if r.Failures > r.Messages || timed > r.Messages-r.Failures || r.LatencySum < 0 || r.FromNetwork != "matrix" || r.TS.Location() != time.UTC ||
		r.TS.Truncate(time.Minute) != r.TS || r.Latency == nil {
		t.Fatalf("bad row %+v", r)
	}
}

// The mapping of a state is total too: any state_event the decoder accepts
// is a row with Up decided.
func TestDecodeStateNeverPanics(t *testing.T) {
	b := &bridge{BridgeConfig: BridgeConfig{ID: "b"}}
	for _, s := range []string{``, `{`, `{}`, `null`, `{"state_event":"X","timestamp":-5}`, `{"state_event":"X","timestamp":9223372036854775807}`,
		`{"state_event":1}`, `{"state_event":"CONNECTED","remote_id":null,"message":null}`} {
		row, _, err := decodeState([]byte(s), b, "s", t0)
		if err == nil && (row.State == "" || row.Bridge != "b") {
			t.Errorf("%s: accepted as %+v", s, row)
		}
	}
}
