package collector

import (
	"context"
	"fmt"
	"slices"
)

// runBuffer holds a run's rows until there are enough for one store, so
// that a scrape's few rows and a file's chunks alike reach ClickHouse in
// batches of about FlushRows. Lines are kept per table while buffering:
// Batch.Lines runs table by table, so two batches' lines cannot simply be
// appended.
type runBuffer struct {
	b     Batch
	lines [6][]int // samples, bridges, panel, reports, states, events; 0 = unknown
}

// add buffers b's rows (not its problems: the run reports those).
func (rb *runBuffer) add(b Batch) {
	rb.b.Samples = append(rb.b.Samples, b.Samples...)
	rb.b.Bridges = append(rb.b.Bridges, b.Bridges...)
	rb.b.Panel = append(rb.b.Panel, b.Panel...)
	rb.b.Reports = append(rb.b.Reports, b.Reports...)
	rb.b.States = append(rb.b.States, b.States...)
	rb.b.Events = append(rb.b.Events, b.Events...)
	if b.Where != "" {
		rb.b.Where = b.Where
	}
	off := 0
	for t, n := range tableRows(b) {
		if off+n <= len(b.Lines) {
			rb.lines[t] = append(rb.lines[t], b.Lines[off:off+n]...)
		} else {
			rb.lines[t] = append(rb.lines[t], make([]int, n)...)
		}
		off += n
	}
}

// take returns the buffered rows as one batch and empties the buffer.
func (rb *runBuffer) take() Batch {
	b := rb.b
	if slices.ContainsFunc(rb.lines[:], func(l []int) bool { return slices.ContainsFunc(l, func(n int) bool { return n != 0 }) }) {
		b.Lines = slices.Concat(rb.lines[:]...)
	}
	*rb = runBuffer{}
	return b
}

// tableRows counts b's rows per table, in the order Batch.Lines runs.
func tableRows(b Batch) [6]int {
	return [6]int{len(b.Samples), len(b.Bridges), len(b.Panel), len(b.Reports), len(b.States), len(b.Events)}
}

// storing stores a run's batches in the background, one after another in
// the order they filled, while the source reads on: a source is never more
// than one batch ahead of the store, so a run holds at most two batches (the
// one being stored, the one filling) whatever the size of its input, and
// reading, parsing and storing overlap instead of taking turns. Outcomes are
// counted into the run by the run's goroutine, when it hands over the next
// batch or ends, so a run's counts and its list of problems come out the
// same whatever the timing.
type storing struct {
	w    *Writer
	ctx  context.Context // the caller's: rows read before a run's timeout are still stored
	done chan stored     // the outcome of the batch being stored; nil when none is
	err  error           // the first store that failed: nothing more is stored
}

type stored struct {
	o   Outcome
	err error
}

// hand waits for the batch being stored, counting its outcome into run, and
// starts storing b. It returns the error of a store that failed, which ends
// the run: b is then not stored.
func (s *storing) hand(b Batch, run *Run) error {
	if err := s.wait(run); err != nil {
		return err
	}
	if b.Rows() == 0 {
		return nil
	}
	done := make(chan stored, 1)
	s.done = done
	go func() {
		// A bug in storing must fail the run, as it did when the source's
		// own goroutine stored, not the process.
		defer func() {
			if p := recover(); p != nil {
				done <- stored{err: fmt.Errorf("storing a batch panicked: %v", p)}
			}
		}()
		o, err := s.w.Store(s.ctx, b)
		done <- stored{o, err}
	}()
	return nil
}

// wait waits for the batch being stored, if any, and counts its outcome
// into run.
func (s *storing) wait(run *Run) error {
	if s.done != nil {
		r := <-s.done
		s.done = nil
		run.count(r.o)
		if r.err != nil && s.err == nil {
			s.err = r.err
		}
	}
	return s.err
}
