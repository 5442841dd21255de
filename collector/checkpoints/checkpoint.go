package checkpoints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Accepted timestamps lie within this window around the receiver's clock:
// bridges report as things happen, so anything outside is a wrong unit
// (seconds for milliseconds) or a wrong clock, and would otherwise create
// rows in intervals nobody is looking at.
const (
	maxAge   = 24 * time.Hour
	maxAhead = time.Hour
)

// maxEventIDLen is the Matrix limit on an event ID (255 bytes).
const maxEventIDLen = 255

// step is where in the Matrix → remote pipeline a checkpoint was taken
// (mautrix status.MessageCheckpointStep).
type step uint8

const (
	stepClient     step = iota + 1 // the sending Matrix client
	stepHomeserver                 // the homeserver (hungryserv, asmux)
	stepBridge                     // the bridge received the event
	stepDecrypted                  // the bridge decrypted it
	stepRemote                     // the bridge sent it to the remote network
	stepCommand                    // a command to the bridge bot
)

var stepNames = [...]string{
	stepClient: "CLIENT", stepHomeserver: "HOMESERVER", stepBridge: "BRIDGE",
	stepDecrypted: "DECRYPTED", stepRemote: "REMOTE", stepCommand: "COMMAND",
}

func (s step) String() string {
	if s == 0 || int(s) >= len(stepNames) {
		return fmt.Sprintf("step(%d)", uint8(s))
	}
	return stepNames[s]
}

// status is how a step went (mautrix status.MessageCheckpointStatus).
type status uint8

const (
	statusSuccess status = iota + 1
	statusWillRetry
	statusPermFailure
	statusUnsupported
	statusTimeout
	statusDelivered
	statusDeliveryFailed
)

var statusNames = [...]string{
	statusSuccess: "SUCCESS", statusWillRetry: "WILL_RETRY", statusPermFailure: "PERM_FAILURE",
	statusUnsupported: "UNSUPPORTED", statusTimeout: "TIMEOUT", statusDelivered: "DELIVERED",
	statusDeliveryFailed: "DELIVERY_FAILED",
}

func (s status) String() string {
	if s == 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("status(%d)", uint8(s))
	}
	return statusNames[s]
}

func lookup[T ~uint8](names []string, s string) (T, bool) {
	for i, n := range names {
		if n != "" && n == s {
			return T(i), true
		}
	}
	return 0, false
}

// checkpoint is one accepted checkpoint: only what the mapping uses, every
// field checked.
type checkpoint struct {
	Index   int // position in the request's checkpoints array
	EventID string
	Step    step
	Status  status
	At      time.Time // UTC
}

// wireCheckpoint is the part of mautrix's MessageCheckpoint that imscope
// reads. Other fields (room_id, event_type, reported_by, retry_num,
// message_type, info, client_*, original_event_id, manual_retry_count) are
// ignored: a bridge is not refused for a field imscope does not use.
type wireCheckpoint struct {
	EventID   string `json:"event_id"`
	Step      string `json:"step"`
	Timestamp int64  `json:"timestamp"` // milliseconds since the epoch
	Status    string `json:"status"`
}

// rejection is one checkpoint refused, as the response and Problems name it.
type rejection struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// decodeCheckpoints reads a {"checkpoints": [...]} body. An error means the
// body as a whole is unusable; otherwise each element is either accepted or
// rejected (with its index), and the two lists together cover every element.
func decodeCheckpoints(body []byte, now time.Time) ([]checkpoint, []rejection, error) {
	var env struct {
		Checkpoints *[]json.RawMessage `json:"checkpoints"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field == "" {
			return nil, nil, errors.New(`body must be a JSON object {"checkpoints": [...]}`)
		}
		return nil, nil, errors.New(describeJSON("", err))
	}
	if env.Checkpoints == nil {
		return nil, nil, errors.New(`body has no "checkpoints" array`)
	}
	items := *env.Checkpoints
	var ok []checkpoint
	var bad []rejection
	for i, raw := range items {
		cp, err := decodeCheckpoint(raw, fmt.Sprintf("checkpoints[%d]", i), now)
		if err != nil {
			bad = append(bad, rejection{Index: i, Error: err.Error()})
			continue
		}
		cp.Index = i
		ok = append(ok, cp)
	}
	return ok, bad, nil
}

// decodeCheckpoint checks one element; at is its path ("checkpoints[3]"),
// which starts every error message.
func decodeCheckpoint(raw json.RawMessage, at string, now time.Time) (checkpoint, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return checkpoint{}, fmt.Errorf("%s: want an object", at)
	}
	var w wireCheckpoint
	if err := json.Unmarshal(raw, &w); err != nil {
		return checkpoint{}, errors.New(describeJSON(at, err))
	}
	var cp checkpoint
	switch {
	case w.EventID == "":
		return cp, fmt.Errorf("%s.event_id: missing", at)
	case len(w.EventID) > maxEventIDLen:
		return cp, fmt.Errorf("%s.event_id: %q is longer than %d bytes", at, clip(w.EventID, 32), maxEventIDLen)
	}
	cp.EventID = w.EventID
	var found bool
	if cp.Step, found = lookup[step](stepNames[:], w.Step); !found {
		return cp, fmt.Errorf("%s.step: %q is not a checkpoint step (want CLIENT, HOMESERVER, BRIDGE, DECRYPTED, REMOTE or COMMAND)", at, clip(w.Step, 32))
	}
	if cp.Status, found = lookup[status](statusNames[:], w.Status); !found {
		return cp, fmt.Errorf("%s.status: %q is not a checkpoint status (want SUCCESS, WILL_RETRY, PERM_FAILURE, UNSUPPORTED, TIMEOUT, DELIVERED or DELIVERY_FAILED)", at, clip(w.Status, 32))
	}
	t, err := checkTime(w.Timestamp, time.UnixMilli, "milliseconds", now)
	if err != nil {
		return cp, fmt.Errorf("%s.timestamp: %w", at, err)
	}
	cp.At = t
	return cp, nil
}

// checkTime converts an epoch timestamp in the given unit and checks that it
// lies in the accepted window around now.
func checkTime(v int64, conv func(int64) time.Time, unit string, now time.Time) (time.Time, error) {
	if v == 0 {
		return time.Time{}, fmt.Errorf("missing (want %s since the epoch)", unit)
	}
	if v < 0 {
		return time.Time{}, fmt.Errorf("%d is not a time (want %s since the epoch)", v, unit)
	}
	t := conv(v).UTC()
	if t.Before(now.Add(-maxAge)) || t.After(now.Add(maxAhead)) {
		return time.Time{}, fmt.Errorf("%d is not within a day before and an hour after the receiver's clock (want %s since the epoch)", v, unit)
	}
	return t, nil
}
