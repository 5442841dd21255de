package embedded

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/rowbinary"
)

// column is one table column as the batch writer needs it.
type column struct {
	name string
	typ  *rowbinary.Type
}

// flushAt is how much encoded data a batch keeps in memory before writing it
// to its file, so that a 10 M-row batch needs megabytes, not gigabytes.
const flushAt = 4 << 20

// Insert implements queries.Engine. Rows are encoded as RowBinary into a file
// and loaded by one INSERT ... SELECT FROM file(): the path that keeps ingest
// at ClickHouse's own file-loading rate. (Inline RowBinary sent with the query
// text silently lost rows on large batches in libchdb 26.5; files do not.)
func (e *Engine) Insert(ctx context.Context, table string, columns ...string) (queries.Batch, error) {
	if e.closed.Load() {
		return nil, queries.ErrClosed
	}
	cols, err := e.columns(ctx, table, columns)
	if err != nil {
		return nil, err
	}
	p := e.pace(table)
	return &batch{e: e, ctx: ctx, table: table, cols: cols, buf: make([]byte, 0, 64<<10), pace: p, limit: p.Next()}, nil
}

// columns resolves the named columns of table (all insertable ones when none
// are named) with their types. Types are cached per table and read again
// once when a named column is missing, so a migration that adds a column is
// picked up without a restart.
func (e *Engine) columns(ctx context.Context, table string, names []string) ([]column, error) {
	all, err := e.tableColumns(ctx, table, false)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return all, nil
	}
	out := make([]column, len(names))
	for i, n := range names {
		c, ok := findColumn(all, n)
		if !ok {
			if all, err = e.tableColumns(ctx, table, true); err != nil {
				return nil, err
			}
			if c, ok = findColumn(all, n); !ok {
				return nil, fmt.Errorf("cannot insert into %s: no column %q", table, n)
			}
		}
		out[i] = c
	}
	return out, nil
}

func findColumn(cols []column, name string) (column, bool) {
	for _, c := range cols {
		if c.name == name {
			return c, true
		}
	}
	return column{}, false
}

func (e *Engine) tableColumns(ctx context.Context, table string, refresh bool) ([]column, error) {
	e.typesMu.Lock()
	all, ok := e.types[table]
	e.typesMu.Unlock()
	if ok && !refresh {
		return all, nil
	}
	cols, err := queries.InsertableColumns(ctx, e, e.db, table)
	if err != nil {
		return nil, err
	}
	all = make([]column, len(cols))
	for i, c := range cols {
		t, err := rowbinary.Parse(c.Type)
		if err != nil {
			return nil, fmt.Errorf("table %s column %s: %w", table, c.Name, err)
		}
		all[i] = column{name: c.Name, typ: t}
	}
	e.typesMu.Lock()
	e.types[table] = all
	e.typesMu.Unlock()
	return all, nil
}

// A batch larger than one chunk is loaded chunk by chunk, and the next chunk
// is encoded while ClickHouse loads the previous one, so ingest runs at the
// speed of the slower of the two rather than their sum. (ClickHouse splits a
// large insert into several parts anyway, so one large file would be no
// more atomic.) A chunk's size is set by time, not rows: each INSERT aims to
// hold the engine for queries.DefaultStatementTarget, because libchdb runs
// one statement at a time and a reader that arrives meanwhile waits for it
// (gate.go). The rate is learned per table (Engine.pace), from the chunks'
// running time, and kept between batches. A chunk is never smaller than
// minChunkRows: an insert has a fixed cost — a part per partition in the
// table and in each materialized view fed by it, merged later — that fewer
// rows do not shorten (1,024 usage rows took 40–360 ms on a loaded 2-core
// machine, about what 16,384 took), so smaller chunks only slowed loads.
// The first chunk into a table is small: a wide row (bridge traffic's
// latency map) made a first chunk of 65,536 rows hold the engine 1.1 s.
const (
	firstChunkRows = 1 << 14
	minChunkRows   = 1 << 13
	maxChunkRows   = 1 << 20
)

// pace is the chunk sizing of inserts into table.
func (e *Engine) pace(table string) *queries.Pace {
	e.pacesMu.Lock()
	defer e.pacesMu.Unlock()
	p := e.paces[table]
	if p == nil {
		p = queries.NewPace(queries.DefaultStatementTarget, firstChunkRows, minChunkRows, maxChunkRows)
		e.paces[table] = p
	}
	return p
}

type batch struct {
	e     *Engine
	ctx   context.Context
	table string
	cols  []column
	buf   []byte
	file  *os.File // the chunk being written
	rows  int      // rows appended in all
	chunk int      // rows in the current chunk
	limit int      // rows the current chunk is to hold (pace)
	pace  *queries.Pace
	sent  bool

	// One chunk at a time loads in the background; its result arrives here.
	loading chan error
}

func (b *batch) Len() int { return b.rows }

func (b *batch) Append(values ...any) error {
	if b.sent {
		return fmt.Errorf("batch for %s was already sent", b.table)
	}
	if len(values) != len(b.cols) {
		return fmt.Errorf("batch for %s: %d values for %d columns (%w)", b.table, len(values), len(b.cols), queries.ErrBadValue)
	}
	mark := len(b.buf)
	var err error
	for i, v := range values {
		if b.buf, err = b.cols[i].typ.Encode(b.buf, v); err != nil {
			b.buf = b.buf[:mark] // the row is all or nothing
			return fmt.Errorf("batch for %s, row %d, column %s: %w (%w)", b.table, b.rows+1, b.cols[i].name, err, queries.ErrBadValue)
		}
	}
	b.rows++
	b.chunk++
	if b.chunk >= b.limit {
		return b.startLoad()
	}
	if len(b.buf) >= flushAt {
		return b.flush()
	}
	return nil
}

// flush writes the encoded rows to the chunk's file.
func (b *batch) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	if b.file == nil {
		var id [8]byte
		_, _ = rand.Read(id[:])
		f, err := os.OpenFile(filepath.Join(b.e.tempDir, b.table+"-"+hex.EncodeToString(id[:])+".rowbinary"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("batch for %s: cannot create batch file: %w", b.table, err)
		}
		b.file = f
	}
	if _, err := b.file.Write(b.buf); err != nil {
		return fmt.Errorf("batch for %s: cannot write batch file: %w", b.table, err)
	}
	b.buf = b.buf[:0]
	return nil
}

// startLoad closes the current chunk and loads it in the background, after
// the previous chunk (if any) has loaded.
func (b *batch) startLoad() error {
	if err := b.wait(); err != nil {
		return err
	}
	if err := b.flush(); err != nil {
		return err
	}
	f, rows := b.file, b.chunk
	b.file, b.chunk = nil, 0
	if f == nil {
		return nil
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("batch for %s: cannot close batch file: %w", b.table, err)
	}
	b.loading = make(chan error, 1)
	go func(done chan<- error) {
		took, err := b.load(f.Name(), rows)
		_ = os.Remove(f.Name())
		if err == nil {
			b.pace.Observe(rows, took)
		}
		done <- err
	}(b.loading)
	b.limit = b.pace.Next()
	return nil
}

// wait waits for the chunk loading in the background, if any.
func (b *batch) wait() error {
	if b.loading == nil {
		return nil
	}
	err := <-b.loading
	b.loading = nil
	return err
}

// load runs the INSERT for one chunk file. ClickHouse takes no parameters in
// an INSERT's column list, so the column names (read from system.columns,
// not from users) are quoted identifiers; the path and structure are
// parameters. The structure declares LowCardinality columns as the type they
// wrap (rowbinary.Type.FileName): reading them so is ~15× faster. It returns
// the statement's running time.
func (b *batch) load(path string, rows int) (time.Duration, error) {
	var cols, structure strings.Builder
	for i, c := range b.cols {
		if i > 0 {
			cols.WriteString(", ")
			structure.WriteString(", ")
		}
		cols.WriteString(queries.QuoteIdentifier(c.name))
		structure.WriteString("c" + strconv.Itoa(i) + " " + c.typ.FileName())
	}
	params := []queries.Param{queries.Named("path", path), queries.Named("structure", structure.String())}
	stmt := "INSERT INTO " + queries.QuoteIdentifier(b.table) + " (" + cols.String() + ") SELECT * FROM file({path:String}, 'RowBinary', {structure:String})"
	b.e.loads.Add(1)
	res, err := b.e.c.run(b.ctx, b.e.db, stmt, "Null", params)
	b.e.noteSlow(stmt, res.took)
	if err != nil {
		return 0, fmt.Errorf("cannot insert %d rows into %s: %w", rows, b.table, err)
	}
	return res.took, nil
}

// Send loads what is left and waits for every chunk.
func (b *batch) Send() error {
	if b.sent {
		return fmt.Errorf("batch for %s was already sent", b.table)
	}
	defer b.Close()
	if err := b.startLoad(); err != nil {
		return err
	}
	b.sent = true
	return b.wait()
}

// Close waits for a chunk in flight and removes the unsent chunk's file; it
// is safe after Send and on error paths.
func (b *batch) Close() error {
	b.sent = true
	_ = b.wait()
	b.buf = nil
	if b.file != nil {
		_ = b.file.Close()
		_ = os.Remove(b.file.Name())
		b.file = nil
	}
	return nil
}
