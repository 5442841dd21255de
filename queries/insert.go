package queries

import (
	"context"
	"errors"
	"fmt"

	"github.com/imscope/imscope"
)

// SkippedRowsError reports rows a batch refused (a value that does not fit
// its column) while the other rows of the batch were written.
type SkippedRowsError struct {
	Table   string
	Skipped int
	Written int
	First   error // the first refusal, naming row and column
	// Refused are the first maxRefusedListed refused rows, by their index
	// in the rows given, with why.
	Refused []RefusedRow
}

// RefusedRow is a row a batch refused: its index among the rows given, and why.
type RefusedRow struct {
	Index int
	Err   error
}

// maxRefusedListed bounds SkippedRowsError.Refused: a file of a million bad
// rows is reported by count past this.
const maxRefusedListed = 1000

func (e *SkippedRowsError) Error() string {
	return fmt.Sprintf("%s: skipped %d rows that do not fit (wrote %d); first: %v", e.Table, e.Skipped, e.Written, e.First)
}

func (e *SkippedRowsError) Unwrap() error { return ErrBadValue }

// send appends n rows and sends them as one batch: row appends row i's
// values to dst (a slice send reuses) and returns it. A value may be a
// pointer to a row's field (rowbinary's Encode): the batch reads it at
// once, and a string or a time boxed in an interface instead would cost an
// allocation per value, half of a large insert's Go time. A row with a
// value that does not fit is skipped and reported in a *SkippedRowsError
// after the good rows are written: one bad row never costs the others.
func send(ctx context.Context, e Engine, table string, columns []string, n int, row func(dst []any, i int) []any) error {
	if n == 0 {
		return nil
	}
	b, err := e.Insert(ctx, table, columns...)
	if err != nil {
		return err
	}
	defer b.Close()
	var skipped *SkippedRowsError
	values := make([]any, 0, len(columns))
	for i := range n {
		values = row(values[:0], i)
		if err := b.Append(values...); err != nil {
			if !errors.Is(err, ErrBadValue) {
				return err
			}
			if skipped == nil {
				skipped = &SkippedRowsError{Table: table, First: err}
			}
			skipped.Skipped++
			if len(skipped.Refused) < maxRefusedListed {
				skipped.Refused = append(skipped.Refused, RefusedRow{Index: i, Err: err})
			}
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("cannot write %d rows to %s: %w", b.Len(), table, err)
	}
	if skipped != nil {
		skipped.Written = b.Len()
		return skipped
	}
	return nil
}

// InsertSamples writes usage samples in one batch.
func InsertSamples(ctx context.Context, e Engine, s []imscope.Sample) error {
	return insertAll(ctx, e, &samplesKeyed, s)
}

// InsertBridgeSamples writes interop traffic in one batch.
func InsertBridgeSamples(ctx context.Context, e Engine, s []imscope.BridgeSample) error {
	return insertAll(ctx, e, &bridgesKeyed, s)
}

// InsertPanel writes panel activity in one batch.
func InsertPanel(ctx context.Context, e Engine, p []imscope.PanelRecord) error {
	return insertAll(ctx, e, &panelKeyed, p)
}

// InsertMarketReports writes published shares in one batch.
func InsertMarketReports(ctx context.Context, e Engine, r []imscope.MarketReport) error {
	return insertAll(ctx, e, &reportsKeyed, r)
}

// InsertBridgeStates writes bridge state events in one batch.
func InsertBridgeStates(ctx context.Context, e Engine, st []imscope.BridgeState) error {
	return insertAll(ctx, e, &statesKeyed, st)
}

// insertAll writes rows into k's table as they are, in one batch, without
// looking their keys up.
func insertAll[T any](ctx context.Context, e Engine, k *keyed[T], rows []T) error {
	return send(ctx, e, k.table, k.columns, len(rows), func(dst []any, i int) []any { return k.values(dst, &rows[i]) })
}
