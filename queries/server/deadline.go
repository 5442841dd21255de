package server

import (
	"context"
	"errors"
	"sync"
	"time"
)

// withTimeout bounds ctx by the engine's query timeout unless it already has
// a deadline of its own. The cancel func must always be called.
func (e *Engine) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok || e.cfg.queryTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, e.cfg.queryTimeout)
}

// batchContext is the context a clickhouse-go batch keeps from PrepareBatch
// to Send. The query timeout must bound those two round trips but not the
// time the caller spends appending rows in between, which a plain
// context.WithTimeout made at Insert would count; so the deadline is armed
// for one phase at a time. A deadline of the caller's own always applies.
type batchContext struct {
	context.Context // a cancelable child of the caller's context
	cancel          context.CancelCauseFunc
	timeout         time.Duration // 0: no timeout of ours

	mu       sync.Mutex
	deadline time.Time // zero while no phase is armed
}

func newBatchContext(parent context.Context, timeout time.Duration) *batchContext {
	ctx, cancel := context.WithCancelCause(parent)
	if _, ok := parent.Deadline(); ok {
		timeout = 0
	}
	return &batchContext{Context: ctx, cancel: cancel, timeout: max(timeout, 0)}
}

// arm starts the timeout for one phase; disarm stops it.
func (c *batchContext) arm() (disarm func()) {
	if c.timeout == 0 {
		return func() {}
	}
	c.mu.Lock()
	c.deadline = time.Now().Add(c.timeout)
	c.mu.Unlock()
	t := time.AfterFunc(c.timeout, func() { c.cancel(context.DeadlineExceeded) })
	return func() {
		t.Stop()
		c.mu.Lock()
		c.deadline = time.Time{}
		c.mu.Unlock()
	}
}

// Deadline reports the caller's deadline, or the armed phase's.
func (c *batchContext) Deadline() (time.Time, bool) {
	if d, ok := c.Context.Deadline(); ok {
		return d, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deadline, !c.deadline.IsZero()
}

// Err reports context.DeadlineExceeded when our timeout ended the context.
func (c *batchContext) Err() error {
	err := c.Context.Err()
	if err != nil && errors.Is(context.Cause(c.Context), context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return err
}

// release ends the context once the batch is done with it.
func (c *batchContext) release() { c.cancel(context.Canceled) }
