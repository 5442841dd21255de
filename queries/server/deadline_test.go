package server

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWithTimeout(t *testing.T) {
	e := &Engine{cfg: &config{queryTimeout: time.Hour}}
	ctx, cancel := e.withTimeout(context.Background())
	defer cancel()
	if d, ok := ctx.Deadline(); !ok || time.Until(d) < 59*time.Minute {
		t.Fatalf("no query timeout applied: %v %v", d, ok)
	}
	mine, cancelMine := context.WithTimeout(context.Background(), time.Minute)
	defer cancelMine()
	want, _ := mine.Deadline()
	ctx, cancel = e.withTimeout(mine)
	defer cancel()
	if d, _ := ctx.Deadline(); !d.Equal(want) {
		t.Fatalf("the caller's deadline was replaced: %v, want %v", d, want)
	}
	e.cfg.queryTimeout = 0
	ctx, cancel = e.withTimeout(context.Background())
	defer cancel()
	if _, ok := ctx.Deadline(); ok {
		t.Fatal("a deadline with no query timeout")
	}
}

func TestBatchContext(t *testing.T) {
	c := newBatchContext(context.Background(), 50*time.Millisecond)
	if _, ok := c.Deadline(); ok {
		t.Fatal("deadline before arm")
	}
	disarm := c.arm()
	if _, ok := c.Deadline(); !ok {
		t.Fatal("no deadline while armed")
	}
	disarm()
	time.Sleep(100 * time.Millisecond) // appending rows takes as long as it takes
	if err := c.Err(); err != nil {
		t.Fatalf("disarmed context ended: %v", err)
	}
	if _, ok := c.Deadline(); ok {
		t.Fatal("deadline after disarm")
	}
	c.arm()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("armed timeout did not fire")
	}
	if err := c.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err %v, want DeadlineExceeded", err)
	}
	if err := serverError(c, errors.New("i/o timeout")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("serverError %v, want DeadlineExceeded", err)
	}

	// The caller's own deadline wins and no timeout of ours is added.
	parent, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	c = newBatchContext(parent, time.Millisecond)
	c.arm()
	time.Sleep(20 * time.Millisecond)
	if err := c.Err(); err != nil {
		t.Fatalf("our timeout applied under the caller's deadline: %v", err)
	}
	want, _ := parent.Deadline()
	if d, ok := c.Deadline(); !ok || !d.Equal(want) {
		t.Fatalf("deadline %v, want the caller's %v", d, want)
	}
	c.release()
	if err := c.Err(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Err after release: %v", err)
	}
	cancel()

	// No timeout at all.
	c = newBatchContext(context.Background(), 0)
	c.arm()()
	if _, ok := c.Deadline(); ok {
		t.Fatal("deadline without a timeout")
	}
	c.release()
}
