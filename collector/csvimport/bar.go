package csvimport

import "io"

// Bar is the import's progress bar for a command that watches an import
// run elsewhere — `imscope import` sending its file to a running server —
// so that it draws the same line as an import run in the command itself.
// Like the local bar it draws nothing unless the output is a terminal.
type Bar struct{ p *progress }

// NewBar starts a bar labelled label ("uploading panel.csv") for total
// bytes (<= 0: unknown). bytesOnly leaves rows out, for an upload.
func NewBar(w io.Writer, isTerminal bool, label string, total int64, bytesOnly bool) *Bar {
	p := newProgress(w, isTerminal, label, total)
	p.bytesOnly = bytesOnly
	return &Bar{p}
}

// Counter returns r counting the bytes read through it into the bar.
func (b *Bar) Counter(r io.Reader) io.Reader { return b.p.counter(r) }

// Update records how far the work is — bytes read, rows — and redraws if
// it is time to.
func (b *Bar) Update(read, rows int64) {
	b.p.read = read
	b.p.tick(rows)
}

// Done draws the final state and ends the line.
func (b *Bar) Done(rows int64) { b.p.done(rows) }
