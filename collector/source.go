package collector

import (
	"context"

	"github.com/imscope/imscope"
)

// Batch is what a source yields: rows for any of the domain tables, and the
// problems met while producing them. Good rows land even when the same batch
// reports problems.
type Batch struct {
	Samples  []imscope.Sample
	Bridges  []imscope.BridgeSample
	Panel    []imscope.PanelRecord
	Reports  []imscope.MarketReport
	States   []imscope.BridgeState
	Problems []Problem
	// Nonce tells this batch apart from an earlier one with identical rows.
	// The pipeline deduplicates batches by their rows, so that re-running an
	// import or replaying the spool never counts twice; a source whose rows
	// can legitimately repeat (a push receiver handing over two identical
	// late rows) sets a fresh random Nonce on each batch. Deterministic
	// sources leave it empty.
	Nonce string
}

// Rows is the number of rows in the batch, all tables together.
func (b *Batch) Rows() int {
	return len(b.Samples) + len(b.Bridges) + len(b.Panel) + len(b.Reports) + len(b.States)
}

// Problem is bad input found while collecting — a malformed series, a CSV
// cell that does not parse — with where it was found.
type Problem struct {
	Where   string // "panel.csv:12:3", "https://im.example.org/metrics: prosody_mod_c2s__connections{...}"
	Message string
}

func (p Problem) Error() string {
	if p.Where == "" {
		return p.Message
	}
	return p.Where + ": " + p.Message
}

// Emit hands a batch to the pipeline. A streaming source calls it once per
// chunk; an error (the pipeline cannot take more) should end the collection.
type Emit func(ctx context.Context, b Batch) error

// Source is one configured collector of some kind. Collect fetches once; a
// source may keep state between calls (a scraper's last counter values).
type Source interface {
	Collect(ctx context.Context, emit Emit) error
}
