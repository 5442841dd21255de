package simulate

import (
	"context"
	"fmt"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// batchRows is the most rows handed to emit at once: big enough for the
// batch writer to be efficient, small enough that the history streams
// instead of sitting in memory.
const batchRows = 100_000

// emitter accumulates rows and hands them to emit in chunks. Each chunk is
// a fresh Batch: the pipeline may keep what it is given.
type emitter struct {
	ctx  context.Context
	emit collector.Emit
	b    collector.Batch
	// manual leaves flushing to the caller (live mode flushes at minute
	// boundaries only).
	manual bool
	// Counts of rows emitted so far, per table.
	samples, bridges, panel, reports int
}

func newEmitter(ctx context.Context, emit collector.Emit) *emitter {
	return &emitter{ctx: ctx, emit: emit}
}

func (e *emitter) sample(s imscope.Sample) error {
	if e.b.Samples == nil && !e.manual {
		e.b.Samples = make([]imscope.Sample, 0, batchRows) // history batches fill up: skip the regrowth
	}
	e.b.Samples = append(e.b.Samples, s)
	e.samples++
	return e.maybeFlush()
}

func (e *emitter) bridge(s imscope.BridgeSample) error {
	if e.b.Bridges == nil && !e.manual {
		e.b.Bridges = make([]imscope.BridgeSample, 0, batchRows) // history batches fill up: skip the regrowth
	}
	e.b.Bridges = append(e.b.Bridges, s)
	e.bridges++
	return e.maybeFlush()
}

func (e *emitter) panelRecord(r imscope.PanelRecord) error {
	if e.b.Panel == nil && !e.manual {
		e.b.Panel = make([]imscope.PanelRecord, 0, batchRows) // history batches fill up: skip the regrowth
	}
	e.b.Panel = append(e.b.Panel, r)
	e.panel++
	return e.maybeFlush()
}

func (e *emitter) report(r imscope.MarketReport) error {
	e.b.Reports = append(e.b.Reports, r)
	e.reports++
	return e.maybeFlush()
}

func (e *emitter) maybeFlush() error {
	if e.manual || e.b.Rows() < batchRows {
		return nil
	}
	return e.flush()
}

// flush emits what has accumulated, if anything.
func (e *emitter) flush() error {
	if e.b.Rows() == 0 {
		return nil
	}
	if err := e.ctx.Err(); err != nil {
		return err
	}
	b := e.b
	e.b = collector.Batch{}
	if err := e.emit(e.ctx, b); err != nil {
		return fmt.Errorf("cannot emit %d rows: %w", b.Rows(), err)
	}
	return nil
}

// total is the number of rows emitted or pending.
func (e *emitter) total() int { return e.samples + e.bridges + e.panel + e.reports }
