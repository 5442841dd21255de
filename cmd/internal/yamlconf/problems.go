package yamlconf

import (
	"errors"
	"fmt"
	"slices"
)

// Problems collects what is wrong with a configuration, formatted as
//
//	file:line: key.path: message   (a value from the file)
//	IMSCOPE_X: message             (a value from the environment or a flag)
//	key.path: message              (a default)
//
// and sorted by line (environment and flags first), so a user reading
// them walks the file top to bottom and fixes everything in one pass.
type Problems struct {
	src  *Sources
	list []problem
}

type problem struct {
	line int // 0 when the problem is not at a line of the file
	msg  string
}

// NewProblems returns an empty collection that blames keys by what src
// records of them. Decode and Set record into the same src.
func NewProblems(src *Sources) *Problems { return &Problems{src: src} }

// Errorf adds a problem with the value at path: it names the variable or
// flag that set it, else the file's line (its nearest ancestor's when the
// key is missing), else only the path, for a default.
func (p *Problems) Errorf(path, format string, args ...any) {
	p.errorfAt(path, 0, format, args...)
}

// LineNote is the source's LineNote for path.
func (p *Problems) LineNote(path string) string { return p.src.LineNote(path) }

// Err joins the problems, one a line in order of line, or is nil when there
// are none.
func (p *Problems) Err() error {
	slices.SortStableFunc(p.list, func(a, b problem) int { return a.line - b.line })
	errs := make([]error, len(p.list))
	for i, pr := range p.list {
		errs[i] = errors.New(pr.msg)
	}
	return errors.Join(errs...)
}

func (p *Problems) add(line int, msg string) {
	p.list = append(p.list, problem{line, msg})
}

// errorfAt is Errorf with an explicit line, for problems about a key that
// has no path of its own (an unknown key is reported on its parent's path).
func (p *Problems) errorfAt(path string, line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if by := p.src.by[path]; by != "" {
		p.add(0, by+": "+msg)
		return
	}
	if path != "" {
		msg = path + ": " + msg
	}
	if line == 0 {
		line = p.src.lineOf(path)
	}
	if line > 0 { // else a default: blaming the file would mislead
		msg = fmt.Sprintf("%s:%d: %s", p.src.file, line, msg)
	}
	p.add(line, msg)
}
