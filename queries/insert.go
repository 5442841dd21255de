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

// send appends n rows with row(i) and sends them as one batch. A row with a
// value that does not fit is skipped and reported in a *SkippedRowsError
// after the good rows are written: one bad row never costs the others.
func send(ctx context.Context, e Engine, table string, columns []string, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	b, err := e.Insert(ctx, table, columns...)
	if err != nil {
		return err
	}
	defer b.Close()
	var skipped *SkippedRowsError
	for i := range n {
		if err := b.Append(row(i)...); err != nil {
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
	return send(ctx, e, "usage_samples", []string{"ts", "source", "network", "metric", "segment", "value"}, len(s), func(i int) []any {
		return []any{s[i].TS, s[i].Source, s[i].Network, s[i].Metric, s[i].Segment, s[i].Value}
	})
}

// InsertBridgeSamples writes interop traffic in one batch.
func InsertBridgeSamples(ctx context.Context, e Engine, s []imscope.BridgeSample) error {
	cols := []string{"ts", "source", "bridge", "from_network", "to_network", "messages", "failures", "bytes", "latency", "latency_sum"}
	return send(ctx, e, "bridge_traffic", cols, len(s), func(i int) []any {
		b := s[i]
		lat := b.Latency
		if lat == nil {
			lat = map[uint64]uint64{}
		}
		return []any{b.TS, b.Source, b.Bridge, b.FromNetwork, b.ToNetwork, b.Messages, b.Failures, b.Bytes, lat, b.LatencySum}
	})
}

// InsertPanel writes panel activity in one batch.
func InsertPanel(ctx context.Context, e Engine, p []imscope.PanelRecord) error {
	cols := []string{"period", "user_key", "network", "segment", "active_days", "messages"}
	return send(ctx, e, "panel_activity", cols, len(p), func(i int) []any {
		r := p[i]
		return []any{r.Period, r.UserKey, r.Network, r.Segment, r.ActiveDays, r.Messages}
	})
}

// InsertMarketReports writes published shares in one batch.
func InsertMarketReports(ctx context.Context, e Engine, r []imscope.MarketReport) error {
	cols := []string{"period", "period_start", "publisher", "basis", "network", "share", "bound", "note"}
	return send(ctx, e, "market_reports", cols, len(r), func(i int) []any {
		m := r[i]
		var note *string
		if m.Note != "" {
			note = &m.Note
		}
		return []any{m.Period, m.PeriodStart, m.Publisher, m.Basis, m.Network, m.Share, string(m.Bound), note}
	})
}

// InsertBridgeStates writes bridge state events in one batch.
func InsertBridgeStates(ctx context.Context, e Engine, st []imscope.BridgeState) error {
	cols := []string{"ts", "source", "bridge", "remote_id", "state", "up", "error", "message"}
	return send(ctx, e, "bridge_states", cols, len(st), func(i int) []any {
		s := st[i]
		return []any{s.TS, s.Source, s.Bridge, s.RemoteID, s.State, s.Up, s.Error, s.Message}
	})
}
