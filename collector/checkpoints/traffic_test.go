package checkpoints

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

// minute is the interval the fixtures fall in.
var minute = t0.Truncate(time.Minute)

func row(bridgeID, to string, messages, failures uint64, latency map[uint64]uint64, sum float64) imscope.BridgeSample {
	if latency == nil {
		latency = map[uint64]uint64{}
	}
	return imscope.BridgeSample{
		TS: minute, Source: "push", Bridge: bridgeID, FromNetwork: "matrix", ToNetwork: to,
		Messages: messages, Failures: failures, Latency: latency, LatencySum: sum,
	}
}

func sameRows(t *testing.T, got, want []imscope.BridgeSample) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n got  %+v\n want %+v", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.TS.Equal(w.TS) || g.Source != w.Source || g.Bridge != w.Bridge || g.FromNetwork != w.FromNetwork ||
			g.ToNetwork != w.ToNetwork || g.Messages != w.Messages || g.Failures != w.Failures || g.Bytes != w.Bytes ||
			!maps.Equal(g.Latency, w.Latency) || math.Abs(g.LatencySum-w.LatencySum) > 1e-9 {
			t.Errorf("row %d:\n got  %+v\n want %+v", i, g, w)
		}
	}
}

// push is one request of a scenario.
type push struct {
	token string
	body  []byte
}

func wa(body []byte) push     { return push{tokenWA, body} }
func signal(body []byte) push { return push{tokenSignal, body} }

// cp builds a one-checkpoint body; ms is milliseconds after t0.
func cp(eventID, step, status string, ms int) []byte {
	return fmt.Appendf(nil, `{"checkpoints":[{"event_id":%q,"room_id":"!r:example.org","step":%q,"timestamp":%d,"status":%q,"event_type":"m.room.message","reported_by":"BRIDGE","retry_num":0}]}`,
		eventID, step, t0.UnixMilli()+int64(ms), status)
}

func TestCheckpointsToTraffic(t *testing.T) {
	tests := []struct {
		name   string
		pushes []push
		want   []imscope.BridgeSample
	}{
		{"HOMESERVER, BRIDGE, REMOTE SUCCESS is one message timed from HOMESERVER",
			[]push{wa(fixture(t, "success.json"))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{250_000: 1}, 0.180)}},
		{"PERM_FAILURE is a failed message (counted in messages and failures)",
			[]push{wa(fixture(t, "perm_failure.json"))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 1, nil, 0)}},
		{"WILL_RETRY then SUCCESS is one message, timed across the retry",
			[]push{wa(fixture(t, "retry_then_success.json"))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{2_500_000: 1}, 1.2)}},
		{"WILL_RETRY alone is no failure",
			[]push{wa(cp("$r", "BRIDGE", "SUCCESS", 0)), wa(cp("$r", "REMOTE", "WILL_RETRY", 10))},
			nil},
		{"out of order and duplicate in one body pair by time",
			[]push{wa(fixture(t, "out_of_order.json"))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{50_000: 1}, 0.040)}},
		{"out of order across bodies: a late start does not re-time a counted message",
			[]push{wa(cp("$late", "REMOTE", "SUCCESS", 40)), wa(cp("$late", "BRIDGE", "SUCCESS", 0))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, nil, 0)}},
		{"the same body twice counts once",
			[]push{wa(fixture(t, "success.json")), wa(fixture(t, "success.json"))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{250_000: 1}, 0.180)}},
		{"the first outcome wins: PERM_FAILURE after SUCCESS changes nothing",
			[]push{wa(cp("$f", "BRIDGE", "SUCCESS", 0)), wa(cp("$f", "REMOTE", "SUCCESS", 3)), wa(cp("$f", "REMOTE", "PERM_FAILURE", 9))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{5_000: 1}, 0.003)}},
		{"UNSUPPORTED and TIMEOUT are failures; DECRYPTED failure too",
			[]push{wa(cp("$u", "REMOTE", "UNSUPPORTED", 0)), wa(cp("$t", "REMOTE", "TIMEOUT", 0)), wa(cp("$d", "DECRYPTED", "PERM_FAILURE", 0))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 3, 3, nil, 0)}},
		{"DELIVERED decides an unfinished event (untimed); a receipt of an unknown event is ignored",
			[]push{wa(fixture(t, "delivered.json"))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, nil, 0)}},
		{"DELIVERED after REMOTE SUCCESS is not a second message",
			[]push{wa(fixture(t, "success.json")), wa(cp("$success:example.org", "REMOTE", "DELIVERED", 5000))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{250_000: 1}, 0.180)}},
		{"DELIVERY_FAILED of an unfinished event is a failure",
			[]push{wa(cp("$df", "BRIDGE", "SUCCESS", 0)), wa(cp("$df", "REMOTE", "DELIVERY_FAILED", 10))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 1, nil, 0)}},
		{"REMOTE SUCCESS with no earlier step is a message, untimed",
			[]push{wa(cp("$alone", "REMOTE", "SUCCESS", 0))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, nil, 0)}},
		{"CLIENT and COMMAND steps are not traffic",
			[]push{wa(fixture(t, "ignored_steps.json"))},
			nil},
		{"the token picks the bridge and its route; one event id on two bridges is two crossings",
			[]push{wa(fixture(t, "success.json")), signal(fixture(t, "success.json"))},
			[]imscope.BridgeSample{
				row("signal", "signal", 1, 0, map[uint64]uint64{250_000: 1}, 0.180),
				row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{250_000: 1}, 0.180),
			}},
		{"hostile event ids are only keys",
			[]push{wa(fixture(t, "hostile.json"))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 2, 1, map[uint64]uint64{10_000: 1}, 0.007)}},
		{"good checkpoints among bad ones land",
			[]push{wa(fixture(t, "mixed_bad.json"))},
			[]imscope.BridgeSample{row("whatsapp", "whatsapp", 1, 0, map[uint64]uint64{100_000: 1}, 0.090)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			for i, p := range tc.pushes {
				if code, resp := h.post(t, cpPath, p.token, p.body); code != http.StatusOK && code != http.StatusMultiStatus {
					t.Fatalf("push %d: status %d %+v", i, code, resp)
				}
			}
			sameRows(t, h.flush(t).Bridges, tc.want)
		})
	}
}

func TestLatencyBucket(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want uint64
	}{
		{-time.Second, 5_000},
		{0, 5_000},
		{5 * time.Millisecond, 5_000},
		{5*time.Millisecond + time.Microsecond, 10_000},
		{180 * time.Millisecond, 250_000},
		{time.Second, 1_000_000},
		{10 * time.Second, 10_000_000},
		{10*time.Second + time.Microsecond, imscope.LatencyInf},
		{time.Hour, imscope.LatencyInf},
	}
	for _, tc := range tests {
		t.Run(tc.d.String(), func(t *testing.T) {
			if got := latencyBucket(tc.d); got != tc.want {
				t.Errorf("latencyBucket(%s) = %d, want %d", tc.d, got, tc.want)
			}
		})
	}
}
