package checkpoints

import (
	"cmp"
	"container/list"
	"slices"
	"time"
)

// role is what one checkpoint means for its event's outcome.
type role uint8

const (
	roleIgnored        role = iota // CLIENT and COMMAND steps: not bridge traffic
	roleProgress                   // the event is on its way (a step passed, or will be retried)
	roleSuccess                    // REMOTE SUCCESS: the remote network took the message
	roleFailure                    // PERM_FAILURE, UNSUPPORTED, TIMEOUT: the bridge gave up
	roleDelivered                  // DELIVERED: the recipient's device has it (a receipt, later)
	roleDeliveryFailed             // DELIVERY_FAILED: the remote network could not deliver it
)

// classify is total over every step and status the decoder accepts; the
// fuzz test holds it to that.
func classify(cp checkpoint) role {
	switch cp.Step {
	case stepHomeserver, stepBridge, stepDecrypted, stepRemote:
	default:
		return roleIgnored
	}
	switch cp.Status {
	case statusSuccess:
		if cp.Step == stepRemote {
			return roleSuccess
		}
		return roleProgress
	case statusWillRetry:
		return roleProgress
	case statusPermFailure, statusUnsupported, statusTimeout:
		return roleFailure
	case statusDelivered:
		return roleDelivered
	case statusDeliveryFailed:
		return roleDeliveryFailed
	}
	return roleIgnored
}

// sortCheckpoints orders one request's checkpoints as they happened, so that
// a bridge that batches them out of order (or a proxy that reorders) pairs
// the same way: by time, then by role (a step before the outcome it leads to
// when both carry the same millisecond), then by position in the request.
func sortCheckpoints(cps []checkpoint) {
	slices.SortStableFunc(cps, func(a, b checkpoint) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(classify(a), classify(b)), cmp.Compare(a.Step, b.Step))
	})
}

type outcomeKind uint8

const (
	outcomeNone outcomeKind = iota
	outcomeSuccess
	outcomeFailure
)

// outcome is what an event came to, once: the checkpoint that decided it
// gives the time it counts at.
type outcome struct {
	Kind    outcomeKind
	At      time.Time
	Latency time.Duration // from the event's first step to REMOTE SUCCESS
	Timed   bool          // false when no earlier step was seen to time from
}

// eventState is what is remembered of one event while its checkpoints come in.
type eventState struct {
	key   string
	seen  time.Time // the receiver's clock when first seen: expiry counts from here
	start time.Time // the earliest progress checkpoint; zero if none yet
	done  bool      // an outcome was counted; later checkpoints change nothing
}

// tracker pairs the checkpoints of each event, remembering an event for ttl
// after it is first seen and at most max events (the oldest is forgotten
// first). Remembering finished events too is what makes duplicates and late
// receipts harmless.
type tracker struct {
	ttl    time.Duration
	max    int
	events map[string]*list.Element
	order  *list.List // *eventState, oldest first

	expired int // events forgotten unfinished because ttl passed
	evicted int // events forgotten unfinished because max was reached
}

func newTracker(ttl time.Duration, max int) *tracker {
	return &tracker{ttl: ttl, max: max, events: map[string]*list.Element{}, order: list.New()}
}

// eventKey keeps events of different bridges apart: one Matrix event in a
// room bridged twice is two crossings.
func eventKey(bridgeID, eventID string) string {
	return bridgeID + "\x00" + eventID
}

// apply takes one checkpoint of the event key and returns the outcome it
// decides, if any. The first outcome wins: a duplicate, a receipt after
// REMOTE SUCCESS or a late step changes nothing.
func (t *tracker) apply(key string, cp checkpoint, now time.Time) outcome {
	r := classify(cp)
	if r == roleIgnored {
		return outcome{}
	}
	t.sweep(now)
	ev := t.get(key)
	switch r {
	case roleProgress:
		if ev == nil {
			ev = t.add(key, now)
		}
		if !ev.done && (ev.start.IsZero() || cp.At.Before(ev.start)) {
			ev.start = cp.At
		}
		return outcome{}
	case roleSuccess, roleFailure:
		if ev == nil {
			ev = t.add(key, now)
		}
		if ev.done {
			return outcome{}
		}
		ev.done = true
		o := outcome{Kind: outcomeFailure, At: cp.At}
		if r == roleSuccess {
			o.Kind = outcomeSuccess
			if !ev.start.IsZero() {
				// Steps are stamped by different hosts; a skewed clock must
				// not give a negative latency.
				o.Latency, o.Timed = max(0, cp.At.Sub(ev.start)), true
			}
		}
		return o
	case roleDelivered, roleDeliveryFailed:
		// A receipt decides only an event seen on its way whose REMOTE
		// outcome has not arrived. For an unknown event it is a late receipt
		// of a message counted before (or forgotten): counting it would
		// count that message twice.
		if ev == nil || ev.done {
			return outcome{}
		}
		ev.done = true
		if r == roleDelivered {
			// Untimed: the receipt's time includes the recipient being offline.
			return outcome{Kind: outcomeSuccess, At: cp.At}
		}
		return outcome{Kind: outcomeFailure, At: cp.At}
	}
	return outcome{}
}

func (t *tracker) get(key string) *eventState {
	if e, ok := t.events[key]; ok {
		return e.Value.(*eventState)
	}
	return nil
}

func (t *tracker) add(key string, now time.Time) *eventState {
	for len(t.events) >= t.max {
		if t.drop(t.order.Front()) {
			t.evicted++
		}
	}
	ev := &eventState{key: key, seen: now}
	t.events[key] = t.order.PushBack(ev)
	return ev
}

// sweep forgets the events first seen ttl or more before now.
func (t *tracker) sweep(now time.Time) {
	for e := t.order.Front(); e != nil; e = t.order.Front() {
		if now.Sub(e.Value.(*eventState).seen) < t.ttl {
			return
		}
		if t.drop(e) {
			t.expired++
		}
	}
}

// drop forgets one event and reports whether it was unfinished.
func (t *tracker) drop(e *list.Element) bool {
	ev := t.order.Remove(e).(*eventState)
	delete(t.events, ev.key)
	return !ev.done
}

// takeCounts returns and resets the counts of events forgotten unfinished.
func (t *tracker) takeCounts() (expired, evicted int) {
	expired, evicted = t.expired, t.evicted
	t.expired, t.evicted = 0, 0
	return expired, evicted
}
