package embedded

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// The gate's order, checked without timing: each test holds the gate, queues
// statements (waiting until the queue shows them), lets the holder leave and
// reads who was let in from the queue and the callers' answers.

// enterAsync enters g from a goroutine; the channel gets enter's answer.
func enterAsync(ctx context.Context, g *gate, interactive bool) chan error {
	ch := make(chan error, 1)
	go func() { ch <- g.enter(ctx, interactive) }()
	return ch
}

// queued waits until g's queues hold exactly i interactive and b background
// statements.
func queued(t *testing.T, g *gate, i, b int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.mu.Lock()
		gi, gb := len(g.waiting[interactiveLane]), len(g.waiting[backgroundLane])
		g.mu.Unlock()
		if gi == i && gb == b {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queues hold %d interactive and %d background statements, want %d and %d", gi, gb, i, b)
		}
		runtime.Gosched()
	}
}

// in expects ch's caller to have been let in.
func in(t *testing.T, ch chan error, who string) {
	t.Helper()
	select {
	case err := <-ch:
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s was not let in", who)
	}
}

// noLinger is a gate that never holds the engine for a reader.
func noLinger() *gate { g := newGate(); g.linger = 0; return g }

func TestGateOrder(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		queue  []bool   // interactive? in the order they queue
		expect []string // who is let in, in order, as "i0", "b1" (lane and queue index)
	}{
		{"interactive before background", []bool{false, true}, []string{"i1", "b0"}},
		{"FIFO among readers", []bool{true, true, true}, []string{"i0", "i1", "i2"}},
		{"FIFO among loads", []bool{false, false}, []string{"b0", "b1"}},
		{"readers first, then loads in order", []bool{false, true, false, true}, []string{"i1", "i3", "b0", "b2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := noLinger()
			if err := g.enter(ctx, false); err != nil { // the statement running
				t.Fatal(err)
			}
			chans := make([]chan error, len(tc.queue))
			ni, nb := 0, 0
			for k, interactive := range tc.queue {
				chans[k] = enterAsync(ctx, g, interactive)
				if interactive {
					ni++
				} else {
					nb++
				}
				queued(t, g, ni, nb) // queue in this order
			}
			holder := false
			for _, who := range tc.expect {
				g.leave(holder, nil)
				k, err := strconv.Atoi(who[1:])
				if err != nil {
					t.Fatal(err)
				}
				if want := who[0] == 'i'; want != tc.queue[k] {
					t.Fatalf("bad case %s", who)
				}
				in(t, chans[k], who)
				if tc.queue[k] {
					ni--
				} else {
					nb--
				}
				queued(t, g, ni, nb) // and nobody else
				holder = tc.queue[k]
			}
			g.leave(holder, nil)
			if g.busy {
				t.Fatal("the gate stays closed with nothing queued")
			}
		})
	}
}

func TestGateCancelWhileWaiting(t *testing.T) {
	g := noLinger()
	if err := g.enter(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	gone := enterAsync(ctx, g, true)
	queued(t, g, 1, 0)
	stays := enterAsync(context.Background(), g, false)
	queued(t, g, 1, 1)
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled caller got %v, want context.Canceled", err)
	}
	queued(t, g, 0, 1) // it left the queue
	g.leave(false, nil)
	in(t, stays, "the load behind it")
	g.leave(false, nil)
	if g.busy {
		t.Fatal("the gate stays closed")
	}
}

func TestGateLoadsAreNotStarved(t *testing.T) {
	ctx := context.Background()
	g := noLinger()
	if err := g.enter(ctx, true); err != nil {
		t.Fatal(err)
	}
	load := enterAsync(ctx, g, false)
	queued(t, g, 0, 1)
	// Readers keep coming, one always queued: maxPassed of them go first,
	// then the load.
	for k := range maxPassed {
		reader := enterAsync(ctx, g, true)
		queued(t, g, 1, 1)
		g.leave(true, nil)
		in(t, reader, "reader "+strconv.Itoa(k))
	}
	next := enterAsync(ctx, g, true)
	queued(t, g, 1, 1)
	g.leave(true, nil)
	in(t, load, "the load after maxPassed readers")
	queued(t, g, 1, 0)
	g.leave(false, nil)
	in(t, next, "the reader after the load")
	g.leave(true, nil)
}

func TestGateHoldsForTheReadersNextStatement(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		end  func(timer chan time.Time, request chan struct{})
	}{
		{"until the linger ends", func(timer chan time.Time, _ chan struct{}) { timer <- time.Time{} }},
		{"until the request ends", func(_ chan time.Time, request chan struct{}) { close(request) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGate()
			timers := make(chan chan time.Time, 4)
			g.after = func(time.Duration) <-chan time.Time {
				c := make(chan time.Time, 1)
				timers <- c
				return c
			}
			if err := g.enter(ctx, true); err != nil {
				t.Fatal(err)
			}
			load := enterAsync(ctx, g, false)
			queued(t, g, 0, 1)
			request := make(chan struct{})
			g.leave(true, request)
			<-timers
			// Held: the load still waits, and the reader's next statement
			// goes in at once.
			queued(t, g, 0, 1)
			if err := g.enter(ctx, true); err != nil {
				t.Fatal(err)
			}
			queued(t, g, 0, 1)
			g.leave(true, request)
			timer := <-timers
			tc.end(timer, request)
			in(t, load, "the load after the hold")
			g.leave(false, nil)
			if g.busy {
				t.Fatal("the gate stays closed")
			}
		})
	}
}
