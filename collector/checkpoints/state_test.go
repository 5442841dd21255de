package checkpoints

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/imscope/imscope"
)

func TestBridgeStates(t *testing.T) {
	at := func(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
	tests := []struct {
		name        string
		token       string
		body        []byte
		wantCode    int
		want        *imscope.BridgeState
		wantProblem string
	}{
		{"CONNECTED is up; people's names are not kept", tokenWA, fixture(t, "state_connected.json"), http.StatusOK,
			&imscope.BridgeState{TS: at(1_700_000_000), Source: "push", Bridge: "whatsapp", RemoteID: "15551234567", State: "CONNECTED", Up: true}, ""},
		{"BAD_CREDENTIALS is down, with its error and message", tokenWA, fixture(t, "state_bad_credentials.json"), http.StatusOK,
			&imscope.BridgeState{TS: at(1_700_000_005), Source: "push", Bridge: "whatsapp", RemoteID: "15551234567", State: "BAD_CREDENTIALS",
				Error: "wa-logged-out", Message: "You were logged out from another device"}, ""},
		{"BRIDGE_UNREACHABLE is down; the token picks the bridge", tokenSignal, fixture(t, "state_unreachable.json"), http.StatusOK,
			&imscope.BridgeState{TS: at(1_700_000_010), Source: "push", Bridge: "signal", State: "BRIDGE_UNREACHABLE"}, ""},
		{"stateEvent alone is accepted", tokenWA, []byte(`{"stateEvent": "RUNNING", "timestamp": 1700000000}`), http.StatusOK,
			&imscope.BridgeState{TS: at(1_700_000_000), Source: "push", Bridge: "whatsapp", State: "RUNNING", Up: true}, ""},
		{"BACKFILLING is up", tokenWA, []byte(`{"state_event": "BACKFILLING", "timestamp": 1700000000}`), http.StatusOK,
			&imscope.BridgeState{TS: at(1_700_000_000), Source: "push", Bridge: "whatsapp", State: "BACKFILLING", Up: true}, ""},
		{"no timestamp means now", tokenWA, []byte(`{"state_event": "STARTING"}`), http.StatusOK,
			&imscope.BridgeState{TS: t0.Add(time.Second), Source: "push", Bridge: "whatsapp", State: "STARTING"}, ""},
		{"an unknown state lands as down, with a problem", tokenWA, fixture(t, "state_unknown.json"), http.StatusOK,
			&imscope.BridgeState{TS: at(1_700_000_020), Source: "push", Bridge: "whatsapp", State: "HIBERNATING"},
			`state_event "HIBERNATING" is not a known mautrix state; stored as down`},
		{"hostile strings are kept as data", tokenWA, fixture(t, "state_hostile.json"), http.StatusOK,
			&imscope.BridgeState{TS: at(1_700_000_030), Source: "push", Bridge: "whatsapp", RemoteID: `" OR 1=1 --`, State: "UNKNOWN_ERROR",
				Error: "'; DROP TABLE bridge_states; --", Message: "<img src=x onerror=alert(1)>\n\u202egnp.exe \x00 {{template \"x\"}}"}, ""},
		{"a long message is clipped on a rune boundary", tokenWA,
			[]byte(`{"state_event": "UNKNOWN_ERROR", "timestamp": 1700000000, "message": "` + strings.Repeat("é", 600) + `"}`), http.StatusOK,
			&imscope.BridgeState{TS: at(1_700_000_000), Source: "push", Bridge: "whatsapp", State: "UNKNOWN_ERROR", Message: strings.Repeat("é", 512) + "…"}, ""},
		{"a state that is not a word is refused", tokenWA, fixture(t, "state_bad.json"), http.StatusBadRequest, nil,
			`state_event: "connected; rm -rf /" is not a bridge state`},
		{"no state is refused", tokenWA, []byte(`{"timestamp": 1700000000}`), http.StatusBadRequest, nil, "state_event: missing"},
		{"milliseconds for seconds are refused", tokenWA, []byte(`{"state_event": "RUNNING", "timestamp": 1700000000000}`), http.StatusBadRequest, nil,
			"timestamp: 1700000000000 is not within a day before and an hour after the receiver's clock (want seconds since the epoch)"},
		{"a wrong type is named", tokenWA, []byte(`{"state_event": "RUNNING", "timestamp": "now"}`), http.StatusBadRequest, nil,
			"timestamp: want an integer, got string"},
		{"an array is refused", tokenWA, []byte(`[{"state_event": "RUNNING"}]`), http.StatusBadRequest, nil, "body must be a JSON object"},
		{"a huge remote_id is refused", tokenWA, []byte(`{"state_event": "RUNNING", "remote_id": "` + strings.Repeat("9", 300) + `"}`), http.StatusBadRequest, nil,
			"remote_id: longer than 255 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			code, resp := h.post(t, statePath, tc.token, tc.body)
			if code != tc.wantCode {
				t.Fatalf("status %d, want %d: %+v", code, tc.wantCode, resp)
			}
			b := h.flush(t)
			if tc.want == nil {
				if len(b.States) != 0 || !strings.Contains(resp.Error, tc.wantProblem) {
					t.Fatalf("states %+v, error %q; want none and an error containing %q", b.States, resp.Error, tc.wantProblem)
				}
			} else if len(b.States) != 1 || !sameState(b.States[0], *tc.want) {
				t.Fatalf("states:\n got  %+v\n want %+v", b.States, *tc.want)
			}
			if tc.wantProblem != "" {
				if len(b.Problems) != 1 || !strings.Contains(b.Problems[0].Message, tc.wantProblem) || b.Problems[0].Where != "bridge whatsapp: bridge_state" {
					t.Errorf("problems = %+v, want one containing %q", b.Problems, tc.wantProblem)
				}
			} else if len(b.Problems) != 0 {
				t.Errorf("unexpected problems: %+v", b.Problems)
			}
		})
	}
}

// sameState compares rows, times by instant.
func sameState(got, want imscope.BridgeState) bool {
	if !got.TS.Equal(want.TS) {
		return false
	}
	got.TS = want.TS
	return got == want
}
