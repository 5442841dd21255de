package csvimport

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// row is one CSV record being mapped, and the problems found in its cells.
// A mapper reads every cell it needs, so that one pass over a file reports
// every bad cell of a row, not only the first.
type row struct {
	rec  []string
	l    *layout
	errs []cellError
	// secret is text no message may repeat: the row's raw panel user id.
	secret string
	line   int // the record's first line in the file
}

// cellError is a bad cell: the record index of its field and what is wrong.
type cellError struct {
	field int
	msg   string
}

func (r *row) reset(rec []string, line int) {
	r.rec, r.errs, r.secret, r.line = rec, r.errs[:0], "", line
}

// cell returns the text of column id c, "" when the file lacks the column.
func (r *row) cell(c int) string {
	if i := r.l.at[c]; i >= 0 {
		return r.rec[i]
	}
	return ""
}

// fail records a problem with column id c's cell, prefixed with the column.
func (r *row) fail(c int, format string, args ...any) {
	r.errs = append(r.errs, cellError{field: r.l.at[c], msg: r.l.cols[c].name + ": " + fmt.Sprintf(format, args...)})
}

// show quotes a cell's text for a message: escaped (so NUL, newlines and
// markup cannot garble a log line or a page), cut to a readable length, and
// withheld when it holds the row's user id.
func (r *row) show(v string) string {
	if r.secret != "" && strings.Contains(v, r.secret) {
		return "(a value holding the user id, not shown)"
	}
	return quote(v)
}

// quote is strconv.Quote of at most the first 64 bytes of s.
func quote(s string) string {
	const max = 64
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// label returns a text cell exactly as written. Blank is a problem when the
// column is required; invalid UTF-8 always is, because it almost always
// means a GBK file read as UTF-8.
func (r *row) label(c int, required bool) string {
	v := r.cell(c)
	if required && strings.TrimSpace(v) == "" {
		r.fail(c, "empty")
		return ""
	}
	if !utf8.ValidString(v) {
		r.fail(c, "%s is not UTF-8 text; if the file is GBK, set encoding: gbk", r.show(v))
		return ""
	}
	return v
}

// whole reads a cell as a whole number of at most max.
func (r *row) whole(c int, max uint64) uint64 {
	raw := r.cell(c)
	v := strings.TrimSpace(raw)
	if v == "" {
		r.fail(c, "empty")
		return 0
	}
	n, err := strconv.ParseUint(v, 10, 64)
	switch {
	case err != nil && err.(*strconv.NumError).Err == strconv.ErrRange:
		r.fail(c, "%s is too large", r.show(raw))
	case err != nil:
		r.fail(c, "%s is not a whole number", r.show(raw))
	case n > max:
		r.fail(c, "%d is more than %d", n, max)
	default:
		return n
	}
	return 0
}

// number reads a cell as a finite, non-negative decimal number. A trailing
// "%" is allowed when percent is set, since shares are often typed that way.
func (r *row) number(c int, percent bool) float64 {
	raw := r.cell(c)
	v := strings.TrimSpace(raw)
	if percent {
		v = strings.TrimSpace(strings.TrimSuffix(v, "%"))
	}
	if v == "" {
		r.fail(c, "empty")
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	switch {
	case err != nil && err.(*strconv.NumError).Err == strconv.ErrRange:
		r.fail(c, "%s is out of range", r.show(raw))
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		r.fail(c, "%s is not a number", r.show(raw))
	case f < 0:
		r.fail(c, "%s is negative", r.show(raw))
	default:
		return f
	}
	return 0
}

// interner shares one copy of each label string: a file repeats a handful of
// networks and segments millions of times, and a label kept as a substring
// of the CSV line would pin the whole line (a panel user id among it) in
// memory for as long as the row lives.
type interner map[string]string

func (in interner) get(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	v := strings.Clone(s)
	if len(in) < 4096 {
		in[v] = v
	}
	return v
}
