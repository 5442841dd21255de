package csvimport

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// maxRecordBytes bounds one CSV record. Without it a quote left open near
// the start of a 5 GB file would make the CSV reader gather the rest of the
// file into one field in memory.
const maxRecordBytes = 16 << 20

var errRecordTooLong = errors.New("record too long")

// strictListed is how many problems a StrictError lists.
const strictListed = 10

// mapper maps one record of a kind onto a domain row, appending it to the
// batch when every cell is good and recording the bad cells in r otherwise.
type mapper interface {
	add(r *row, b *collector.Batch)
}

// importFrom streams the input through emit.
func (s *Source) importFrom(ctx context.Context, open opener, emit collector.Emit) (Summary, error) {
	sum, _, err := s.scan(ctx, open, emit)
	return sum, err
}

// importStrict checks the whole input first and emits only when every row is
// good. Checking runs the same parsing without keeping rows (and without
// hashing panel ids), so memory stays bounded; the price is reading the
// input twice. A URL is downloaded to a temporary file first, so that the
// rows emitted are the rows checked.
func (s *Source) importStrict(ctx context.Context, emit collector.Emit) (Summary, error) {
	open := s.open
	if s.cfg.URL != "" {
		staged, cleanup, err := s.stage(ctx)
		defer cleanup()
		if err != nil {
			return Summary{}, err
		}
		open = staged
	}
	sum, first, err := s.scan(ctx, open, nil)
	if err != nil {
		return sum, err
	}
	if sum.Rejected > 0 {
		return sum, &StrictError{Where: s.where, Records: sum.Records, Rejected: sum.Rejected, First: first}
	}
	return s.importFrom(ctx, open, emit)
}

// StrictError is a strict import that loaded nothing because some rows are
// bad. It lists the first problems found.
type StrictError struct {
	Where    string
	Records  int64 // data records in the file
	Rejected int64 // bad ones
	First    []collector.Problem
}

func (e *StrictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: strict import loaded nothing: %d of %d rows are bad", e.Where, e.Rejected, e.Records)
	for _, p := range e.First {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	if more := e.Rejected - int64(len(e.First)); more > 0 && len(e.First) == strictListed {
		fmt.Fprintf(&b, "\n  (and more: fix these and run again, or import without strict to load the good rows)")
	}
	return b.String()
}

// scanner is the state of one pass over the input.
type scanner struct {
	s      *Source
	emit   collector.Emit // nil: only check, keep nothing
	chunk  int
	batch  collector.Batch
	sum    Summary
	listed int64 // bad rows listed as Problems so far
	first  []collector.Problem
	header []string // the header row as read
	// big is set once a chunk has filled: the next batches are allocated
	// at full size at once instead of growing row by row.
	big bool
}

// scan reads the input once. With a nil emit it only checks, and returns
// the first problems for a StrictError.
func (s *Source) scan(ctx context.Context, open opener, emit collector.Emit) (Summary, []collector.Problem, error) {
	in, err := open(ctx)
	if err != nil {
		return Summary{}, nil, err
	}
	defer in.r.Close()
	label := s.where
	if emit == nil {
		label = "checking " + s.where
	}
	prog := newProgress(s.opts.Progress, s.opts.ProgressIsTerminal, label, in.size)
	if f := s.opts.OnProgress; f != nil {
		prog.onTick = func(read, rows int64) { f(read, rows, emit == nil) }
	}
	sc := &scanner{s: s, emit: emit, chunk: s.cfg.chunkRows()}
	err = sc.run(ctx, in.r, prog)
	sc.sum.Bytes = prog.read
	prog.done(sc.sum.Records)
	return sc.sum, sc.first, err
}

func (sc *scanner) run(ctx context.Context, raw io.Reader, prog *progress) error {
	s := sc.s
	r, err := gunzipIf(s.input, prog.counter(raw))
	if err != nil {
		return err
	}
	text, err := textReader(r, s.enc)
	if err != nil {
		return fmt.Errorf("%s %w", s.where, err)
	}
	g := &guard{r: text}
	cr := csv.NewReader(bufio.NewReaderSize(g, 64<<10))
	cr.FieldsPerRecord = -1 // field counts are checked here, to report them as Problems
	cr.ReuseRecord = true

	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return invalid("header", fmt.Sprintf("%s is empty: a %s file starts with a header row (%s)", s.where, s.cfg.Kind, columnList(kindColumns[s.cfg.Kind])))
	case errors.Is(err, errRecordTooLong):
		return fmt.Errorf("%s: the header row is longer than %d MiB; is this a CSV file?", s.where, maxRecordBytes>>20)
	case err != nil:
		return fmt.Errorf("cannot read the header of %s: %w", s.where, err)
	}
	headerLine, _ := cr.FieldPos(0)
	if s.opts.OnHeader != nil {
		s.opts.OnHeader(header)
	}
	l, extra, err := mapHeader(s.cfg.Kind, header)
	if err != nil {
		return fmt.Errorf("%s: %w", s.where, err)
	}
	sc.header = slices.Clone(header) // the reader reuses the record
	if len(extra) > 0 {
		sc.batch.Problems = append(sc.batch.Problems, collector.Problem{
			Where:   fmt.Sprintf("%s:%d", s.where, headerLine),
			Line:    headerLine,
			Message: fmt.Sprintf("ignored %s: a %s file has the columns %s", strings.Join(extra, ", "), s.cfg.Kind, columnList(l.cols)),
		})
	}
	g.mark = cr.InputOffset()

	m := s.mapper(sc.emit == nil)
	rw := &row{l: &l}
	lastLine := headerLine
	for {
		if sc.sum.Records%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			prog.tick(sc.sum.Records)
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			switch {
			case errors.As(err, &pe):
				// The reader skips the rest of the bad record and goes on.
				// Column is a character position here, not a field's, so
				// only Where has it.
				sc.sum.Records++
				sc.bad(pe.StartLine, rec, []collector.Problem{{
					Where:   fmt.Sprintf("%s:%d:%d", s.where, pe.Line, pe.Column),
					Message: "malformed CSV: " + pe.Err.Error(),
					Line:    pe.Line,
				}})
				lastLine = pe.Line
				g.mark = cr.InputOffset()
				if err := sc.flushIfFull(ctx); err != nil {
					return err
				}
				continue
			case errors.Is(err, errRecordTooLong):
				return fmt.Errorf("%s: the record after line %d is longer than %d MiB; is a quote left open?", s.where, lastLine, maxRecordBytes>>20)
			}
			return fmt.Errorf("cannot read %s: %w", s.where, err)
		}
		g.mark = cr.InputOffset()
		sc.sum.Records++
		lastLine, _ = cr.FieldPos(0)
		switch {
		case blank(rec):
			sc.sum.Blank++
		case len(rec) != l.fields:
			// Point at the first field too many, or just past the last one.
			field := min(len(rec), l.fields+1) - 1
			line, _ := cr.FieldPos(field)
			col := l.fields + 1
			if len(rec) < l.fields {
				col = len(rec) + 1
			}
			sc.bad(lastLine, rec, []collector.Problem{{
				Where:   fmt.Sprintf("%s:%d:%d", s.where, line, col),
				Message: fmt.Sprintf("the row has %d fields, the header %d", len(rec), l.fields),
				Line:    line, Column: col, Field: sc.fieldName(col - 1),
			}})
		default:
			rw.reset(rec, lastLine)
			before := sc.batch.Rows()
			m.add(rw, &sc.batch)
			if sc.batch.Rows() > before {
				sc.batch.Lines = append(sc.batch.Lines, lastLine)
			}
			if len(rw.errs) > 0 {
				slices.SortStableFunc(rw.errs, func(a, b cellError) int { return a.field - b.field })
				probs := make([]collector.Problem, len(rw.errs))
				for i, e := range rw.errs {
					line, _ := cr.FieldPos(e.field)
					probs[i] = collector.Problem{Where: fmt.Sprintf("%s:%d:%d", s.where, line, e.field+1), Message: e.msg,
						Line: line, Column: e.field + 1, Field: sc.fieldName(e.field)}
				}
				sc.bad(lastLine, rec, probs)
			}
		}
		if err := sc.flushIfFull(ctx); err != nil {
			return err
		}
	}
	if f, ok := m.(interface {
		finish(where string) []collector.Problem
	}); ok {
		sc.batch.Problems = append(sc.batch.Problems, f.finish(s.where)...)
	}
	if unlisted := sc.sum.Rejected - sc.listed; unlisted > 0 {
		sc.batch.Problems = append(sc.batch.Problems, collector.Problem{
			Where:   s.where,
			Message: fmt.Sprintf("%d more bad rows not listed (the first %d are)", unlisted, sc.listed),
		})
	}
	return sc.flush(ctx)
}

// mapper returns the kind's mapper; checkOnly skips work whose result is
// thrown away (hashing).
func (s *Source) mapper(checkOnly bool) mapper {
	switch s.cfg.Kind {
	case KindReports:
		return &reportMapper{periods: periodCache{}, labels: interner{}}
	case KindPanel:
		m := &panelMapper{periods: periodCache{}, labels: interner{}}
		if !checkOnly {
			m.hasher, _ = NewUserHasher(s.key) // the key's length was checked by New
		}
		return m
	case KindEvents:
		return &eventMapper{}
	default:
		return &usageMapper{source: s.label, labels: interner{}}
	}
}

// fieldName is the header's name of the record's field i, as the file
// spells it; "" past the header's end.
func (sc *scanner) fieldName(i int) string {
	if i < 0 || i >= len(sc.header) {
		return ""
	}
	return strings.TrimSpace(sc.header[i])
}

// bad records a rejected record — its first line, its cells as read — and
// its problems, listing them while under the limit.
func (sc *scanner) bad(line int, rec []string, probs []collector.Problem) {
	sc.sum.Rejected++
	if f := sc.s.opts.OnRejected; f != nil {
		f(line, rec, probs)
	}
	if len(sc.first) < strictListed {
		sc.first = append(sc.first, probs[:min(len(probs), strictListed-len(sc.first))]...)
	}
	if max := sc.s.opts.MaxProblems; max > 0 && sc.listed >= int64(max) {
		return
	}
	sc.listed++
	sc.batch.Problems = append(sc.batch.Problems, probs...)
}

func (sc *scanner) flushIfFull(ctx context.Context) error {
	if sc.batch.Rows()+len(sc.batch.Problems) < sc.chunk {
		return nil
	}
	sc.big = true
	return sc.flush(ctx)
}

// flush hands the chunk to emit and starts a new one. The batch's slices
// belong to the pipeline from then on, so they are never reused; when only
// checking they are.
func (sc *scanner) flush(ctx context.Context) error {
	b := sc.batch
	if sc.emit == nil {
		sc.batch = collector.Batch{Samples: b.Samples[:0], Panel: b.Panel[:0], Reports: b.Reports[:0], Events: b.Events[:0], Problems: b.Problems[:0], Lines: b.Lines[:0]}
		return nil
	}
	if b.Rows()+len(b.Problems) == 0 {
		return nil
	}
	b.Where = sc.s.where
	sc.batch = collector.Batch{}
	if sc.big {
		switch sc.s.cfg.Kind {
		case KindPanel:
			sc.batch.Panel = make([]imscope.PanelRecord, 0, sc.chunk)
		case KindUsage:
			sc.batch.Samples = make([]imscope.Sample, 0, sc.chunk)
		}
		sc.batch.Lines = make([]int, 0, sc.chunk)
	}
	if err := sc.emit(ctx, b); err != nil {
		return fmt.Errorf("%s: cannot hand rows on: %w", sc.s.where, err)
	}
	sc.sum.Landed += int64(b.Rows())
	return nil
}

// blank reports whether every cell is empty or spaces, as the trailing
// ",,,,," rows spreadsheets export are.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// guard fails a read once the CSV reader has taken maxRecordBytes beyond the
// end of the last complete record (mark, in the reader's input offsets).
type guard struct {
	r       io.Reader
	n, mark int64
}

func (g *guard) Read(p []byte) (int, error) {
	if g.n-g.mark > maxRecordBytes {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}
