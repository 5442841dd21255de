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
	Events   []imscope.Event // market events (imports); stored by ID, a stored ID replaced
	Problems []Problem
	// Where and Lines say where the rows were read, for a source that
	// reads a file: Lines[i] is the line of the i-th row, counted in the
	// order Rows counts them (samples, bridges, panel, reports, states,
	// events),
	// and Where the file. A row the pipeline does not store (its key is
	// stored with other figures) is then reported as Where:line. Optional.
	Where string
	Lines []int
}

// Rows is the number of rows in the batch, all tables together.
func (b *Batch) Rows() int {
	return len(b.Samples) + len(b.Bridges) + len(b.Panel) + len(b.Reports) + len(b.States) + len(b.Events)
}

// Problem is bad input found while collecting — a malformed series, a CSV
// cell that does not parse, a row whose key is stored with other figures —
// with where it was found. A Warning is worth telling but loses nothing (a
// row repeated in a file, a published share replaced by a correction): it
// is listed without making the run partial.
type Problem struct {
	Where   string // "panel.csv:12:3", "https://im.example.org/metrics: prosody_mod_c2s__connections{...}"
	Message string
	Warning bool
	// Line, Column and Field say where in a file the problem is, for a
	// source that knows (a CSV import): the line, the field's position
	// from 1 and its column name. Zero or empty when not known; Where says
	// it for people either way.
	Line   int    `json:",omitempty"`
	Column int    `json:",omitempty"`
	Field  string `json:",omitempty"`
}

func (p Problem) Error() string {
	msg := p.Message
	if p.Warning {
		msg = "warning: " + msg
	}
	if p.Where == "" {
		return msg
	}
	return p.Where + ": " + msg
}

// Emit hands a batch to the pipeline. A streaming source calls it once per
// chunk; an error (the pipeline cannot take more) should end the collection.
type Emit func(ctx context.Context, b Batch) error

// Source is one configured collector of some kind. Collect fetches once; a
// source may keep state between calls (a scraper's last counter values).
type Source interface {
	Collect(ctx context.Context, emit Emit) error
}
