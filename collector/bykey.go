package collector

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// keyedRows is how the writer stores one table's rows by key: the key and
// figures of a row (imscope's Key and SameFigures methods), how to say the
// figures to people, and the queries.Store method that writes them.
type keyedRows[T any, K comparable] struct {
	table   string
	key     func(T) K
	same    func(a, b T) bool
	figures func(T) string
	store   func(*queries.Store, context.Context, []T) ([]queries.Stored[T], error)
	// replaces is set for published shares: a different figure for a
	// stored key is a correction that replaces it, not a conflict.
	replaces bool
}

var (
	samplesByKey = keyedRows[imscope.Sample, imscope.SampleKey]{
		table: "usage_samples", key: imscope.Sample.Key, same: imscope.Sample.SameFigures, store: (*queries.Store).Samples,
		figures: func(s imscope.Sample) string { return "value " + strconv.FormatFloat(s.Value, 'g', -1, 64) },
	}
	bridgesByKey = keyedRows[imscope.BridgeSample, imscope.BridgeKey]{
		table: "bridge_traffic", key: imscope.BridgeSample.Key, same: imscope.BridgeSample.SameFigures, store: (*queries.Store).Bridges,
		figures: func(b imscope.BridgeSample) string {
			return fmt.Sprintf("%d messages, %d failures, %d bytes, latency sum %.6f s", b.Messages, b.Failures, b.Bytes, b.LatencySum)
		},
	}
	panelByKey = keyedRows[imscope.PanelRecord, imscope.PanelKey]{
		table: "panel_activity", key: imscope.PanelRecord.Key, same: imscope.PanelRecord.SameFigures, store: (*queries.Store).Panel,
		figures: func(p imscope.PanelRecord) string {
			return fmt.Sprintf("%d active days, %d messages", p.ActiveDays, p.Messages)
		},
	}
	reportsByKey = keyedRows[imscope.MarketReport, imscope.ReportKey]{
		table: "market_reports", key: imscope.MarketReport.Key, same: imscope.MarketReport.SameFigures, store: (*queries.Store).Reports,
		figures: shareFigure, replaces: true,
	}
	statesByKey = keyedRows[imscope.BridgeState, imscope.StateKey]{
		table: "bridge_states", key: imscope.BridgeState.Key, same: imscope.BridgeState.SameFigures, store: (*queries.Store).States,
		figures: func(s imscope.BridgeState) string {
			if s.Up {
				return "state " + s.State + " (up)"
			}
			return "state " + s.State + " (down)"
		},
	}
)

func shareFigure(m imscope.MarketReport) string {
	s := strconv.FormatFloat(m.Share, 'f', -1, 64) + "%"
	switch m.Bound {
	case imscope.BoundLt:
		s = "< " + s
	case imscope.BoundGt:
		s = "> " + s
	}
	if m.Note != "" {
		s += " (" + m.Note + ")"
	}
	return s
}

// storeByKey stores rows into k's table exactly once by key, counting each
// row into o: a key repeated within rows is stored once (a warning when the
// figures agree, a conflict when they do not), a key stored already is not
// stored again (a conflict when the figures differ, except for published
// shares, which are replaced). at says where rows were read, for problems.
// fresh, if not nil, is called with each row stored. On an error nothing is
// counted.
func storeByKey[T any, K comparable](ctx context.Context, s *queries.Store, k *keyedRows[T, K], rows []T, at origins, o *Outcome, fresh func(T)) error {
	if len(rows) == 0 {
		return nil
	}
	var out Outcome
	// Keys are unique in what reaches the Store; repeats are judged here.
	uniq, pos := rows, []int(nil) // pos[i]: uniq[i]'s index in rows
	if len(rows) > 1 {
		first := make(map[K]int, len(rows))
		uniq, pos = make([]T, 0, len(rows)), make([]int, 0, len(rows))
		for i, r := range rows {
			key := k.key(r)
			j, seen := first[key]
			if !seen {
				first[key] = i
				uniq, pos = append(uniq, r), append(pos, i)
				continue
			}
			if k.same(rows[j], r) {
				out.Repeated++
				out.problem(Problem{Where: at.where(i), Message: fmt.Sprintf("repeats %s (%v, same figures): stored once", at.earlier(j), key), Warning: true})
				continue
			}
			out.Conflicts++
			out.problem(Problem{Where: at.where(i), Message: fmt.Sprintf("%v was given with %s %s; this row has %s: not stored", key, k.figures(rows[j]), at.earlier(j), k.figures(r))})
		}
	}
	where := func(i int) string { // for uniq[i]
		if pos != nil {
			i = pos[i]
		}
		return at.where(i)
	}

	stored, err := k.store(s, ctx, uniq)
	refused := map[int]bool{}
	var skipped *queries.SkippedRowsError
	if errors.As(err, &skipped) {
		out.Refused += skipped.Skipped
		for _, r := range skipped.Refused {
			refused[r.Index] = true
			out.problem(Problem{Where: where(r.Index), Message: fmt.Sprintf("not stored: %v", r.Err)})
		}
		if unlisted := skipped.Skipped - len(skipped.Refused); unlisted > 0 {
			out.problem(Problem{Where: at.file, Message: fmt.Sprintf("%d more rows refused by their columns (the first %d are listed)", unlisted, len(skipped.Refused))})
		}
	} else if err != nil {
		return err
	}
	old := make(map[int]bool, len(stored))
	for _, st := range stored {
		old[st.Index] = true
		r := uniq[st.Index]
		switch {
		case k.same(st.Row, r):
			out.Existing++
		case k.replaces:
			out.Replaced++
			out.problem(Problem{Where: where(st.Index), Message: fmt.Sprintf("%v was %s; now %s (replaced)", k.key(r), k.figures(st.Row), k.figures(r)), Warning: true})
			if fresh != nil {
				fresh(r)
			}
		default:
			out.Conflicts++
			out.problem(Problem{Where: where(st.Index), Message: fmt.Sprintf("%v is stored with %s; this row has %s: not stored", k.key(r), k.figures(st.Row), k.figures(r))})
		}
	}
	out.New = len(uniq) - len(stored) - out.Refused
	if fresh != nil {
		for i, r := range uniq {
			if !old[i] && !refused[i] {
				fresh(r)
			}
		}
	}
	o.Add(out)
	return nil
}

// origins says where the rows of one table in a batch were read: the file
// and, when known, the line of each (Batch.Lines from off on).
type origins struct {
	file  string
	lines []int
	off   int
}

func (o origins) line(i int) int {
	if i >= 0 && o.off+i < len(o.lines) {
		return o.lines[o.off+i]
	}
	return 0
}

// where names row i for a Problem: file:line, or the file.
func (o origins) where(i int) string {
	if n := o.line(i); n > 0 {
		return o.file + ":" + strconv.Itoa(n)
	}
	return o.file
}

// earlier names row j from another row of the same batch: "line 2", or
// "earlier in the batch" when lines are not known.
func (o origins) earlier(j int) string {
	if n := o.line(j); n > 0 {
		return "line " + strconv.Itoa(n)
	}
	return "earlier in the batch"
}
