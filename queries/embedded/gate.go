package embedded

import (
	"context"
	"slices"
	"sync"
	"time"
)

// The two lanes of the gate: statements marked queries.Interactive, and
// every other.
const (
	interactiveLane = iota
	backgroundLane
)

// maxPassed is how many interactive statements may go before a waiting
// background one: readers go first, but a steady stream of them cannot
// stop a load for good.
const maxPassed = 8

// defaultLinger is how long the engine is kept for a reader between two of
// its statements (see gate.leave).
const defaultLinger = 5 * time.Millisecond

// gate lets one statement at a time into libchdb, which runs one at a time
// on its one connection. When the running statement ends, the next is the
// longest-waiting interactive one if any, else the longest-waiting
// background one (FIFO within a lane), except that a background statement
// that has watched maxPassed interactive ones go first goes next. A caller
// whose context ends while waiting leaves the queue and is never let in.
//
// A page or an answer asks several statements one after the other; a
// background statement let in between two of them would hold the reader
// for its whole length each time. So when an interactive statement ends
// with background work waiting and no reader queued, the gate stays closed
// for up to linger, or until the request ends (its context is done), for
// the reader's next statement. This is anticipatory scheduling, as in
// Linux's old disk scheduler: idling a few milliseconds is cheaper than a
// seek — here, than a wait behind a 100 ms chunk of an import.
type gate struct {
	linger time.Duration
	after  func(time.Duration) <-chan time.Time // time.After; tests drive their own

	mu      sync.Mutex
	busy    bool       // a statement holds the engine, or the gate is held for a reader
	waiting [2][]*turn // by lane, oldest first
	passed  int        // interactive statements let in while a background one waited
	hold    uint64     // the hold for a reader in force (0: none)
	holds   uint64     // holds so far, to tell one from the next
}

// turn is one waiting statement's place in the queue.
type turn struct {
	ready   chan struct{} // closed when the statement holds the engine
	granted bool          // guarded by gate.mu
}

func newGate() *gate { return &gate{linger: defaultLinger, after: time.After} }

// enter waits until the caller may run one statement, or ctx ends (then
// ctx.Err() is returned and the caller holds nothing).
func (g *gate) enter(ctx context.Context, interactive bool) error {
	lane := backgroundLane
	if interactive {
		lane = interactiveLane
	}
	g.mu.Lock()
	if !g.busy {
		g.busy = true
		g.mu.Unlock()
		return nil
	}
	if interactive && g.hold != 0 { // held for a reader: this one
		g.hold = 0
		g.grantedLocked(lane)
		g.mu.Unlock()
		return nil
	}
	t := &turn{ready: make(chan struct{})}
	g.waiting[lane] = append(g.waiting[lane], t)
	g.mu.Unlock()
	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	if t.granted { // let in as ctx ended: pass the turn on
		g.mu.Unlock()
		g.leave(false, nil)
		return ctx.Err()
	}
	g.waiting[lane] = slices.DeleteFunc(g.waiting[lane], func(w *turn) bool { return w == t })
	g.mu.Unlock()
	return ctx.Err()
}

// leave ends the caller's statement and lets the next one in. An
// interactive caller passes its request's end (ctx.Done()), for which the
// gate may be held (see gate).
func (g *gate) leave(interactive bool, requestDone <-chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if interactive && g.linger > 0 && len(g.waiting[interactiveLane]) == 0 && len(g.waiting[backgroundLane]) > 0 && g.passed < maxPassed {
		g.holds++
		id := g.holds
		g.hold = id
		timeout := g.after(g.linger)
		go func() {
			select {
			case <-timeout:
			case <-requestDone:
			}
			g.mu.Lock()
			defer g.mu.Unlock()
			if g.hold == id {
				g.hold = 0
				g.handOnLocked()
			}
		}()
		return
	}
	g.handOnLocked()
}

// handOnLocked lets the next waiting statement in, or opens the gate.
func (g *gate) handOnLocked() {
	lane := interactiveLane
	switch {
	case len(g.waiting[backgroundLane]) > 0 && (len(g.waiting[interactiveLane]) == 0 || g.passed >= maxPassed):
		lane = backgroundLane
	case len(g.waiting[interactiveLane]) == 0:
		g.busy = false
		return
	}
	t := g.waiting[lane][0]
	g.waiting[lane] = g.waiting[lane][1:]
	g.grantedLocked(lane)
	t.granted = true
	close(t.ready)
}

// grantedLocked counts a statement let in against the starvation bound.
func (g *gate) grantedLocked(lane int) {
	switch {
	case lane == backgroundLane:
		g.passed = 0
	case len(g.waiting[backgroundLane]) > 0:
		g.passed++
	}
}
