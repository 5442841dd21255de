package checkpoints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/imscope/imscope"
)

// upStates are the mautrix bridge states in which a bridge (or one remote
// login of it) carries messages. Every other state is down: STARTING and
// CONNECTING have not connected yet, UNCONFIGURED has no login to carry
// anything, TRANSIENT_DISCONNECT is disconnected however briefly,
// BRIDGE_UNREACHABLE, BAD_CREDENTIALS, UNKNOWN_ERROR and LOGGED_OUT are broken.
var upStates = map[string]bool{"RUNNING": true, "CONNECTED": true, "BACKFILLING": true}

// knownStates are mautrix-go's status.BridgeStateEvent values. A state not
// listed still lands (mautrix may add states), as down, with a Problem.
var knownStates = map[string]bool{
	"STARTING": true, "UNCONFIGURED": true, "RUNNING": true, "BRIDGE_UNREACHABLE": true,
	"CONNECTING": true, "BACKFILLING": true, "CONNECTED": true, "TRANSIENT_DISCONNECT": true,
	"BAD_CREDENTIALS": true, "UNKNOWN_ERROR": true, "LOGGED_OUT": true,
}

// stateRE bounds what can become a bridge_states.state value (a
// LowCardinality column): mautrix states are upper-case words.
var stateRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// Free-text fields are kept as sent, but no longer than this.
const (
	maxErrorLen    = 256  // an error code, like "wa-logged-out"
	maxMessageLen  = 1024 // a human-readable message
	maxRemoteIDLen = 255
)

// wireState is the part of mautrix's BridgeState that imscope reads. Other
// fields (ttl, source, user_id, remote_name, remote_profile, user_action,
// reason, info) are ignored: user_id and remote_name identify people and are
// not stored.
type wireState struct {
	StateEvent string `json:"state_event"`
	// mautrix adds "stateEvent" beside state_event for BRIDGE_UNREACHABLE.
	StateEventCamel string `json:"stateEvent"`
	Timestamp       int64  `json:"timestamp"` // seconds since the epoch
	Error           string `json:"error"`
	Message         string `json:"message"`
	RemoteID        string `json:"remote_id"`
}

// decodeState reads one bridge state body into a row for bridge b; known is
// false when the state is not one mautrix defines (the row is still good).
func decodeState(body []byte, b *bridge, source string, now time.Time) (row imscope.BridgeState, known bool, err error) {
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		return row, false, errors.New("body must be a JSON object (a mautrix bridge state)")
	}
	var w wireState
	if err := json.Unmarshal(body, &w); err != nil {
		return row, false, errors.New(describeJSON("", err))
	}
	state := w.StateEvent
	if state == "" {
		state = w.StateEventCamel
	}
	switch {
	case state == "":
		return row, false, errors.New("state_event: missing")
	case !stateRE.MatchString(state):
		return row, false, fmt.Errorf("state_event: %q is not a bridge state (upper-case letters, digits and _, like CONNECTED)", clip(state, 32))
	case len(w.RemoteID) > maxRemoteIDLen:
		return row, false, fmt.Errorf("remote_id: longer than %d bytes", maxRemoteIDLen)
	}
	ts := now.UTC()
	if w.Timestamp != 0 { // mautrix always sends it; a sender that does not gets the arrival time
		if ts, err = checkTime(w.Timestamp, func(s int64) time.Time { return time.Unix(s, 0) }, "seconds", now); err != nil {
			return row, false, fmt.Errorf("timestamp: %w", err)
		}
	}
	row = imscope.BridgeState{
		TS:       ts,
		Source:   source,
		Bridge:   b.ID,
		RemoteID: w.RemoteID,
		State:    state,
		Up:       upStates[state],
		Error:    clip(w.Error, maxErrorLen),
		Message:  clip(w.Message, maxMessageLen),
	}
	return row, knownStates[state], nil
}
