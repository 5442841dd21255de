package collector

import "slices"

// runBuffer holds a run's rows until there are enough for one store, so
// that a scrape's few rows and a file's chunks alike reach ClickHouse in
// batches of about FlushRows. Lines are kept per table while buffering:
// Batch.Lines runs table by table, so two batches' lines cannot simply be
// appended.
type runBuffer struct {
	b     Batch
	lines [5][]int // samples, bridges, panel, reports, states; 0 = unknown
}

// add buffers b's rows (not its problems: the run reports those).
func (rb *runBuffer) add(b Batch) {
	rb.b.Samples = append(rb.b.Samples, b.Samples...)
	rb.b.Bridges = append(rb.b.Bridges, b.Bridges...)
	rb.b.Panel = append(rb.b.Panel, b.Panel...)
	rb.b.Reports = append(rb.b.Reports, b.Reports...)
	rb.b.States = append(rb.b.States, b.States...)
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
func tableRows(b Batch) [5]int {
	return [5]int{len(b.Samples), len(b.Bridges), len(b.Panel), len(b.Reports), len(b.States)}
}
