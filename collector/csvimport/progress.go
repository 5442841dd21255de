package csvimport

import (
	"fmt"
	"io"
	"time"
)

// progress draws a one-line progress bar — bytes read of the total, rows,
// rows per second — for a person watching a long import on a terminal. It
// redraws at most a few times a second, and draws nothing at all when the
// output is not a terminal, so logs and pipes stay clean.
type progress struct {
	w     io.Writer // nil: draw nothing
	label string
	total int64 // bytes; <= 0 when unknown (an HTTP body without a length)
	read  int64
	rows  int64
	start time.Time
	last  time.Time
	now   func() time.Time
	// bytesOnly leaves rows out of the line (a download has none yet).
	bytesOnly bool
	// onTick, when set, is told bytes read and rows at every tick and at
	// the end (Options.OnProgress), terminal or not.
	onTick func(read, rows int64)
}

const progressEvery = 250 * time.Millisecond

func newProgress(w io.Writer, isTerminal bool, label string, total int64) *progress {
	p := &progress{label: label, total: total, now: time.Now}
	if w != nil && isTerminal {
		p.w = w
	}
	p.start = p.now()
	p.last = p.start
	return p
}

// counter returns r counting the bytes read through it into p.
func (p *progress) counter(r io.Reader) io.Reader { return &countingReader{r: r, p: p} }

type countingReader struct {
	r io.Reader
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.read += int64(n)
	return n, err
}

// tick records the rows done so far and redraws if it is time to.
func (p *progress) tick(rows int64) {
	p.rows = rows
	if p.onTick != nil {
		p.onTick(p.read, rows)
	}
	if p.w == nil {
		return
	}
	if now := p.now(); now.Sub(p.last) >= progressEvery {
		p.last = now
		p.draw(now)
	}
}

// done draws the final state and ends the line.
func (p *progress) done(rows int64) {
	p.rows = rows
	if p.onTick != nil {
		p.onTick(p.read, rows)
	}
	if p.w == nil {
		return
	}
	p.draw(p.now())
	fmt.Fprintln(p.w)
}

func (p *progress) draw(now time.Time) {
	const width = 24
	line := p.label + " "
	if p.total > 0 {
		frac := float64(p.read) / float64(p.total)
		frac = min(max(frac, 0), 1)
		fill := int(frac * width)
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '-'
			if i < fill {
				bar[i] = '#'
			}
		}
		line += fmt.Sprintf("[%s] %3.0f%% %s / %s", bar, 100*frac, humanBytes(p.read), humanBytes(p.total))
	} else {
		line += humanBytes(p.read)
	}
	if !p.bytesOnly {
		rate := 0.0
		if secs := now.Sub(p.start).Seconds(); secs > 0 {
			rate = float64(p.rows) / secs
		}
		line += fmt.Sprintf(", %s rows, %s rows/s", groupDigits(p.rows), groupDigits(int64(rate)))
	}
	// \r returns to the line start and \x1b[K clears what a longer previous
	// line left behind.
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
}

// humanBytes formats n in decimal units (1.5 GB), as file managers do.
func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// groupDigits writes n with thousands separators: 1,234,567.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
