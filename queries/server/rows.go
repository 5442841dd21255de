package server

import (
	"context"
	"fmt"
	"reflect"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/rowbinary"
)

// rows decodes a clickhouse-go result row by row into the canonical types,
// so that Scan goes through queries.ScanValue exactly as on the embedded
// engine.
type rows struct {
	ctx       context.Context
	r         driver.Rows // nil for a statement without a result set
	cancel    context.CancelFunc
	names     []string
	typeNames []string
	types     []*rowbinary.Type // nil entries: decoded by Go type alone
	scanTypes []reflect.Type    // what clickhouse-go scans each column into
	cur       []any
	err       error
	done      bool
}

var _ queries.Rows = (*rows)(nil)

// newRows wraps r; cancel ends the query's context and is called when the
// rows are done. r may be nil (no result set).
func newRows(ctx context.Context, r driver.Rows, cancel context.CancelFunc) *rows {
	rs := &rows{ctx: ctx, r: r, cancel: cancel}
	if r == nil {
		rs.done = true
		cancel()
		return rs
	}
	cts := r.ColumnTypes()
	n := len(cts)
	rs.names, rs.typeNames = make([]string, n), make([]string, n)
	rs.types, rs.scanTypes = make([]*rowbinary.Type, n), make([]reflect.Type, n)
	rs.cur = make([]any, n)
	for i, ct := range cts {
		rs.names[i] = ct.Name()
		rs.typeNames[i] = ct.DatabaseTypeName()
		if t, err := rowbinary.ParseAny(rs.typeNames[i]); err == nil {
			rs.types[i] = t
		}
		rs.scanTypes[i] = ct.ScanType()
		if rs.scanTypes[i] == nil {
			rs.scanTypes[i] = anyPtrType
		}
	}
	return rs
}

func (rs *rows) Columns() []string     { return rs.names }
func (rs *rows) ColumnTypes() []string { return rs.typeNames }
func (rs *rows) Err() error            { return rs.err }

func (rs *rows) Next() bool {
	if rs.done {
		return false
	}
	if !rs.r.Next() {
		rs.finish(rs.r.Err())
		return false
	}
	// Fresh destinations for every row: decoded values must not share
	// slices or maps with the driver's next Scan.
	dest := make([]any, len(rs.scanTypes))
	for i, st := range rs.scanTypes {
		dest[i] = reflect.New(st).Interface()
	}
	if err := rs.r.Scan(dest...); err != nil {
		rs.finish(fmt.Errorf("server engine: cannot read a row: %w", err))
		return false
	}
	for i, d := range dest {
		rs.cur[i] = decode(rs.types[i], reflect.ValueOf(d).Elem())
	}
	return true
}

func (rs *rows) Scan(dest ...any) error {
	if len(dest) != len(rs.cur) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(rs.cur))
	}
	for i, d := range dest {
		if err := queries.ScanValue(d, rs.cur[i]); err != nil {
			return fmt.Errorf("scan column %s: %w", rs.names[i], err)
		}
	}
	return nil
}

// Close releases the result. Rows not read yet are read and dropped, which
// keeps the connection reusable; cancel the query's context to abandon a
// large result instead.
func (rs *rows) Close() error {
	if rs.done {
		return nil
	}
	rs.finish(nil)
	return rs.err
}

// finish ends the result once: it records err (a server error as
// *queries.Error), gives the connection back and ends the query's context.
func (rs *rows) finish(err error) {
	rs.done = true
	if cerr := rs.r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		rs.err = serverError(rs.ctx, err)
	}
	rs.cancel()
}
