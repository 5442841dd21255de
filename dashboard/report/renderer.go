package report

import "context"

// Renderer makes a run's artefacts. It is given the report as configured
// and the periods the run covers (in the report's zone), and must not
// deliver or write anything itself: the run writes the files, delivers them
// and records the outcome.
type Renderer interface {
	Render(ctx context.Context, def Definition, p Periods) (*Output, error)
}

// Output is what a Renderer makes for one run.
type Output struct {
	// HTML is the self-contained report; required.
	HTML []byte
	// PDF is the same as a PDF; nil when none could be made, and PDFNote
	// then says why (e.g. "Chromium is not installed"), for the run record.
	PDF     []byte
	PDFNote string
	// ZIP holds the CSV behind every chart and table, with a manifest; nil
	// for none.
	ZIP []byte
	// Summary is the written summary as plain text: the opening of e-mail
	// bodies and webhook text.
	Summary string
	// Data is the summary's numbers for webhook receivers (JSON-encodable),
	// sent as data.facts.
	Data any
}
