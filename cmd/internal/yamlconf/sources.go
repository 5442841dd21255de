package yamlconf

import (
	"fmt"
	"strings"
)

// Sources remembers where each key path ("engine.data",
// "networks[2].color") got its value: a line of the file, or the
// environment variable or flag that set it last. Keep one beside the
// configuration it describes (in an unexported field, which the decoder
// never sees as a key), so that validation after loading can still blame
// the right line.
type Sources struct {
	file  string
	lines map[string]int
	by    map[string]string
}

func (s *Sources) setLine(path string, line int) {
	if s.lines == nil {
		s.lines = map[string]int{}
	}
	s.lines[path] = line
}

func (s *Sources) setBy(path, source string) {
	if s.by == nil {
		s.by = map[string]string{}
	}
	s.by[path] = source
}

// lineOf is the line of path or of its nearest ancestor, so a missing
// key ("networks[1].name.en") points at the entry that lacks it.
func (s *Sources) lineOf(path string) int {
	for path != "" {
		if l, ok := s.lines[path]; ok {
			return l
		}
		path = path[:max(strings.LastIndexAny(path, ".["), 0)]
	}
	return 0
}

// LineNote is " (line N)" for the line path's value came from, or "" when
// it came from no line of the file: for messages that point at a second
// place ("already the id of networks[0] (line 2)").
func (s *Sources) LineNote(path string) string {
	if l := s.lineOf(path); l > 0 {
		return fmt.Sprintf(" (line %d)", l)
	}
	return ""
}

// Where names where path's value came from, for errors found after loading
// (a file that is missing, a variable that is not set): the variable or flag
// that set it last ("IMSCOPE_LIBCHDB", "--libchdb"), else "FILE:LINE" of
// the value or of its nearest ancestor, else "" for a default.
func (s *Sources) Where(path string) string {
	if by := s.by[path]; by != "" {
		return by
	}
	if l := s.lineOf(path); l > 0 {
		return fmt.Sprintf("%s:%d", s.file, l)
	}
	return ""
}
