package exposition

import (
	"encoding/binary"
	"fmt"
	"io"
)

// maxFamilies bounds the families a Parser remembers between bodies, against
// a target that invents new names on every scrape.
const maxFamilies = 1 << 16

// Parser reads expositions. Reuse one for the scrapes of a target: it keeps
// its buffer and its families from one body to the next. It is not safe for
// concurrent use.
type Parser struct {
	format Format
	lr     lineReader
	line   int    // the line being read, from 1
	gen    uint64 // counts Resets: a Family belongs to this body when its gen is this
	done   bool   // OpenMetrics: # EOF read; text: the stream ended
	err    error  // the error that ended the body, returned again

	fams    map[string]*Family
	version uint64  // bumped when a family is made or typed: memo below goes stale
	cur     *Family // expfmt's current family
	series  int     // series started in this body
	groups  map[groupKey]group
	sample  Sample

	// The line's labels, decoded; arena holds the decoded text of those
	// that needed unescaping. Both are reset at each line.
	lbls  []labelTok
	arena []byte

	// The last sample name resolved to a family (setFamily), while no
	// family has been made or typed since.
	memoName    []byte
	memoFam     *Family
	memoVersion uint64
	memoCount   bool
	memoSum     bool

	text textState
}

// labelTok is one label of the line being read.
type labelTok struct {
	name, value []byte // decoded: into the line, or into arena
	kept        bool   // a label of the series (not le or quantile where they are Bound)
}

// groupKey finds the series a histogram, summary or OpenMetrics counter line
// joins. Text format: kind and the signature of expfmt's label map (fam is
// nil). OpenMetrics: the family and the signature of the line's labels.
type groupKey struct {
	fam  *Family
	kind uint8 // text format: 1 summary, 2 histogram
	sig  uint64
}

type group struct {
	id                   int
	fam                  *Family
	hasValue, hasCreated bool // OpenMetrics counters
}

// NewParser returns a Parser.
func NewParser() *Parser {
	return &Parser{fams: map[string]*Family{}, groups: map[groupKey]group{}}
}

// Reset starts a body read from r in format f.
func (p *Parser) Reset(r io.Reader, f Format) {
	p.format = f
	p.lr.reset(r)
	p.line, p.done, p.err, p.cur, p.series = 0, false, nil, nil, 0
	p.gen++
	p.memoFam = nil
	clear(p.groups)
	if len(p.fams) > maxFamilies {
		clear(p.fams)
	}
	p.text.reset()
}

// Next returns the next sample, io.EOF after the last, a *ParseError for
// input the format does not allow, or the reader's error. The Sample is
// valid until the next call.
func (p *Parser) Next() (*Sample, error) {
	for {
		if p.err != nil {
			return nil, p.err
		}
		if p.done {
			return nil, io.EOF
		}
		l, err := p.lr.next()
		if err != nil {
			p.err = err
			return nil, err
		}
		if l == nil {
			if p.format == OpenMetrics {
				p.line++
				p.err = p.fail("the exposition does not end with # EOF")
				return nil, p.err
			}
			p.done = true
			return nil, io.EOF
		}
		p.line++
		var ok bool
		if p.format == OpenMetrics {
			ok, err = p.omLine(l)
		} else {
			ok, err = p.textLine(l)
		}
		if err != nil {
			p.err = err
			return nil, err
		}
		if ok {
			return &p.sample, nil
		}
	}
}

func (p *Parser) fail(format string, args ...any) error {
	return &ParseError{Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

// lookup returns the family named name in this body, or nil.
func (p *Parser) lookup(name []byte) *Family {
	if f := p.fams[string(name)]; f != nil && f.gen == p.gen {
		return f
	}
	return nil
}

// newFamily makes the family named name for this body, reusing the one
// of an earlier body.
func (p *Parser) newFamily(name []byte) *Family {
	f := p.fams[string(name)]
	if f == nil {
		f = &Family{name: string(name)}
		p.fams[f.name] = f
	}
	*f = Family{name: f.name, Name: f.name, gen: p.gen, Data: f.Data,
		helpCache: f.helpCache, unitCache: f.unitCache, totalName: f.totalName}
	p.version++
	return f
}

// newSeries starts a series of fam.
func (p *Parser) newSeries() int {
	p.series++
	return p.series - 1
}

// setHelp sets f's help to text, allocating only when it changed.
func setHelp(f *Family, text []byte) {
	if string(text) != f.helpCache {
		f.helpCache = string(text)
	}
	f.Help, f.HasHelp = f.helpCache, true
}

// labels appends the line's kept labels to dst.
func (p *Parser) labels(dst []Label) []Label {
	for _, t := range p.lbls {
		if t.kept {
			dst = append(dst, Label{Name: string(t.name), Value: string(t.value)})
		}
	}
	return dst
}

// addLabel records a label of the line.
func (p *Parser) addLabel(name, value []byte, kept bool) {
	p.lbls = append(p.lbls, labelTok{name: name, value: value, kept: kept})
}

// duplicate reports whether a kept label before the last is named name.
func (p *Parser) duplicate(name []byte) bool {
	for _, t := range p.lbls[:len(p.lbls)-1] {
		if t.kept && string(t.name) == string(name) {
			return true
		}
	}
	return false
}

func blank(c byte) bool { return c == ' ' || c == '\t' }

// skipBlank returns the index of the first byte at or after i that is not a
// space or tab, or len(l).
func skipBlank(l []byte, i int) int {
	for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	return i
}

// isASCII reports whether b holds no byte above 0x7f, eight bytes at a time:
// a line that passes needs no UTF-8 validation of its parts.
func isASCII(b []byte) bool {
	var acc uint64
	for len(b) >= 8 {
		acc |= binary.LittleEndian.Uint64(b)
		b = b[8:]
	}
	for _, c := range b {
		acc |= uint64(c)
	}
	return acc&0x8080808080808080 == 0
}
