package queries

import (
	"fmt"
	"strings"
)

// SplitStatements splits a migration file into statements at semicolons that
// are outside quotes and comments. The native protocol takes one statement per
// query, so both engines run migrations statement by statement.
func SplitStatements(text string) ([]string, error) {
	var out []string
	start := 0
	emit := func(end int) {
		if s := strings.TrimSpace(stripComments(text[start:end])); s != "" {
			out = append(out, strings.TrimSpace(text[start:end]))
		}
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\'' || c == '"' || c == '`':
			end := closingQuote(text, i)
			if end < 0 {
				return nil, fmt.Errorf("unterminated %c quote at line %d", c, lineOf(text, i))
			}
			i = end
		case c == '-' && strings.HasPrefix(text[i:], "--"), c == '#' && strings.HasPrefix(text[i:], "#!"):
			if nl := strings.IndexByte(text[i:], '\n'); nl >= 0 {
				i += nl
			} else {
				i = len(text)
			}
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("unterminated comment at line %d", lineOf(text, i))
			}
			i += end + 3
		case c == ';':
			emit(i)
			start = i + 1
		}
	}
	emit(len(text))
	return out, nil
}

// closingQuote returns the index of the quote closing the one at open.
func closingQuote(text string, open int) int {
	q := text[open]
	for i := open + 1; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case q:
			if i+1 < len(text) && text[i+1] == q { // doubled quote
				i++
				continue
			}
			return i
		}
	}
	return -1
}

// stripComments removes whole-line -- comments, to tell an empty piece.
func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func lineOf(text string, i int) int { return strings.Count(text[:i], "\n") + 1 }
