package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/rowbinary"
)

// Insert implements queries.Engine with a clickhouse-go batch: rows are
// converted and buffered column by column in memory (about the data's
// binary size; the embedded engine spools to a file instead) and written by
// Send as one LZ4-compressed native block of one INSERT, which ClickHouse
// applies atomically per partition. Without columns, every insertable
// column of the table is filled, in table order.
//
// The batch is prepared with WithReleaseConnection: PrepareBatch learns the
// columns' types from the server and gives the connection back at once, and
// Send takes one again. No connection is held while rows are appended.
func (e *Engine) Insert(ctx context.Context, table string, columns ...string) (queries.Batch, error) {
	if e.closed.Load() {
		return nil, queries.ErrClosed
	}
	bctx := newBatchContext(ctx, e.cfg.queryTimeout)
	b, err := e.prepare(bctx, table, columns)
	if err != nil {
		bctx.release()
		return nil, err
	}
	return b, nil
}

func (e *Engine) prepare(ctx *batchContext, table string, columns []string) (*batch, error) {
	disarm := ctx.arm()
	defer disarm()
	if len(columns) == 0 {
		all, err := queries.InsertableColumns(ctx, e, e.cfg.db, table)
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			columns = append(columns, c.Name)
		}
	}
	// ClickHouse takes no parameters in an INSERT's table name or column
	// list, so both are quoted identifiers.
	var q strings.Builder
	q.WriteString("INSERT INTO " + queries.QuoteIdentifier(table) + " (")
	for i, c := range columns {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(queries.QuoteIdentifier(c))
	}
	q.WriteString(")")
	cb, err := e.conn.PrepareBatch(ctx, q.String(), driver.WithReleaseConnection())
	if err != nil {
		return nil, fmt.Errorf("cannot insert into %s: %w", table, serverError(ctx, err))
	}
	chCols := cb.Columns()
	if len(chCols) != len(columns) {
		_ = cb.Close()
		return nil, fmt.Errorf("cannot insert into %s: the server expects %d columns for %d named", table, len(chCols), len(columns))
	}
	b := &batch{ctx: ctx, b: cb, table: table, cols: columns, types: make([]*rowbinary.Type, len(columns)), row: make([]any, len(columns))}
	for i, c := range chCols {
		if b.types[i], err = rowbinary.ParseAny(string(c.Type())); err != nil {
			_ = cb.Close()
			return nil, fmt.Errorf("cannot insert into %s, column %s: %w", table, columns[i], err)
		}
	}
	return b, nil
}

type batch struct {
	ctx   *batchContext
	b     driver.Batch
	table string
	cols  []string
	types []*rowbinary.Type
	row   []any // the converted row being appended
	rows  int
	sent  bool // Send or Close was called
}

var _ queries.Batch = (*batch)(nil)

func (b *batch) Len() int { return b.rows }

// Append converts a row for its columns and buffers it. A row that does not
// convert is refused whole and the batch stays usable.
func (b *batch) Append(values ...any) error {
	if b.sent {
		return fmt.Errorf("batch for %s was already sent", b.table)
	}
	if len(values) != len(b.cols) {
		return fmt.Errorf("batch for %s: %d values for %d columns (%w)", b.table, len(values), len(b.cols), queries.ErrBadValue)
	}
	for i, v := range values {
		cv, err := convert(b.types[i], v)
		if err != nil {
			return fmt.Errorf("batch for %s, row %d, column %s: %w (%w)", b.table, b.rows+1, b.cols[i], err, queries.ErrBadValue)
		}
		b.row[i] = cv
	}
	// Converted values are ones clickhouse-go accepts; should it refuse one
	// all the same, it marks the whole batch failed and Send reports it.
	if err := b.b.Append(b.row...); err != nil {
		return fmt.Errorf("batch for %s, row %d: %w (%w)", b.table, b.rows+1, err, queries.ErrBadValue)
	}
	b.rows++
	return nil
}

// Send writes every appended row in one INSERT, or none.
func (b *batch) Send() error {
	if b.sent {
		return fmt.Errorf("batch for %s was already sent", b.table)
	}
	defer b.Close()
	b.sent = true
	if b.rows == 0 {
		return nil
	}
	disarm := b.ctx.arm()
	defer disarm()
	if err := b.b.Send(); err != nil {
		return fmt.Errorf("cannot insert %d rows into %s: %w", b.rows, b.table, serverError(b.ctx, err))
	}
	return nil
}

// Close drops rows not sent. It is safe after Send and more than once.
func (b *batch) Close() error {
	b.sent = true
	if b.b != nil {
		// The connection went back to the pool at PrepareBatch or Send;
		// this only marks clickhouse-go's batch finished.
		_ = b.b.Close()
		b.b = nil
		b.row = nil
		b.ctx.release()
	}
	return nil
}
