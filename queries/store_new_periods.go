package queries

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"time"
)

// newPeriods spares a large panel import most of its key lookups. Every
// batch used to look its keys up in the periods it touched, so each batch
// read again the keys the batches before it had written, and a file's cost
// grew with the square of its size (issue 14: a 10 M-row file stored at a
// quarter of the engine's insert rate).
//
// A period whose stored rows are all rows this Store wrote — it held none
// when the Store first met it, and its count of rows is still the count the
// Store wrote — can hold only keys the Store remembers. They are remembered
// in a Bloom filter: a row of such a period whose key the filter has never
// seen cannot be stored yet and is written as it is. The others (rows the
// filter may have seen, about one in 20,000 at 10 M keys, and every row of
// a period written by anyone else) are looked up as before. The counts are
// read at each batch from the period's digest (a projection kept by
// ClickHouse), so another writer, a deletion or a failed batch that wrote
// part of its rows makes the period ordinary again.
type newPeriods struct {
	// ours counts the rows this Store wrote into each period it tracks;
	// a period absent was never met, or is ordinary.
	ours     map[time.Time]uint64
	ordinary map[time.Time]bool
	keys     *bloom
	seed     maphash.Seed
}

var sqlPanelPeriodRows = mustSQL("store/panel_period_rows.sql")

func newNewPeriods() *newPeriods {
	return &newPeriods{ours: map[time.Time]uint64{}, ordinary: map[time.Time]bool{}, seed: maphash.MakeSeed()}
}

// check reads the stored row counts of the batch's periods and returns the
// periods whose rows are all this Store's.
func (n *newPeriods) check(ctx context.Context, e Engine, periods map[time.Time]bool) (map[time.Time]bool, error) {
	var ask []time.Time
	for p := range periods {
		if !n.ordinary[p] {
			ask = append(ask, p)
		}
	}
	if len(ask) == 0 {
		return nil, nil
	}
	stored := map[time.Time]uint64{}
	r, err := e.Query(ctx, sqlPanelPeriodRows, Named("periods", ask))
	if err != nil {
		return nil, fmt.Errorf("cannot count the stored rows of panel periods: %w", err)
	}
	defer r.Close()
	for r.Next() {
		var p time.Time
		var count uint64
		if err := r.Scan(&p, &count); err != nil {
			return nil, fmt.Errorf("cannot count the stored rows of panel periods: %w", err)
		}
		stored[p.UTC()] = count
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("cannot count the stored rows of panel periods: %w", err)
	}
	ours := map[time.Time]bool{}
	for _, p := range ask {
		if stored[p] == n.ours[p] {
			ours[p] = true
			continue
		}
		n.ordinary[p] = true
		delete(n.ours, p)
	}
	return ours, nil
}

// forget makes periods ordinary: a batch that failed may have written part
// of its rows into them.
func (n *newPeriods) forget(periods map[time.Time]bool) {
	for p := range periods {
		n.ordinary[p] = true
		delete(n.ours, p)
	}
}

// wrote notes rows written into a period that is all ours.
func (n *newPeriods) wrote(p time.Time, hash uint64) {
	if n.keys == nil {
		n.keys = newBloom()
	}
	n.keys.add(hash)
	n.ours[p]++
}

// splitByKnown parts a batch of rows in periods: the rows whose key cannot
// be stored yet (fresh), and the ones to look up (check), as indices.
func splitByKnown[T any](n *newPeriods, k *keyed[T], rows []T, ours map[time.Time]bool) (fresh, check []int) {
	for i := range rows {
		p, h := k.periodOf(&rows[i]), k.hashKey(n.seed, &rows[i])
		if ours[p] && (n.keys == nil || !n.keys.has(h)) {
			fresh = append(fresh, i)
		} else {
			check = append(check, i)
		}
	}
	return fresh, check
}

// storeInPeriods stores a batch of a table kept by period (panel activity):
// the rows of periods that are all this Store's and whose key it never
// wrote are written as they are, the others through the lookup.
func storeInPeriods[T any](ctx context.Context, s *Store, k *keyed[T], rows []T, stage, skip Param) ([]Stored[T], error) {
	periods := map[time.Time]bool{}
	for i := range rows {
		if p := k.periodOf(&rows[i]); !p.IsZero() {
			periods[p] = true
		}
	}
	ours, err := s.periods.check(ctx, s.e, periods)
	if err != nil {
		return nil, err
	}
	fresh, check := splitByKnown(s.periods, k, rows, ours)
	direct := send(ctx, s.e, k.table, k.columns, len(fresh), func(i int) []any { return k.values(&rows[fresh[i]]) })
	var directSkipped *SkippedRowsError
	switch {
	case direct == nil:
		for _, i := range fresh {
			s.periods.wrote(k.periodOf(&rows[i]), k.hashKey(s.periods.seed, &rows[i]))
		}
	case errors.As(direct, &directSkipped):
		// Which rows were written is known only for the refusals listed:
		// the periods become ordinary, and no key needs remembering.
		s.periods.forget(periods)
		remapRefused(directSkipped, fresh)
	default:
		s.periods.forget(periods) // part of the rows may be written
		return nil, direct
	}
	sub := make([]T, len(check))
	for j, i := range check {
		sub[j] = rows[i]
	}
	found, err := storeChecked(ctx, s, k, sub, stage, skip)
	for j := range found {
		found[j].Index = check[found[j].Index]
	}
	var skipped *SkippedRowsError
	switch {
	case err == nil && directSkipped == nil:
		notePeriodRows(s.periods, k, rows, check, found, ours)
	case err == nil || errors.As(err, &skipped):
		s.periods.forget(periods)
		if skipped != nil {
			remapRefused(skipped, check)
		}
		err = joinSkipped(k.table, directSkipped, skipped, len(fresh))
	default:
		s.periods.forget(periods)
	}
	return found, err
}

// notePeriodRows remembers the looked-up rows of periods that are all ours
// which were written: those not found stored.
func notePeriodRows[T any](n *newPeriods, k *keyed[T], rows []T, check []int, found []Stored[T], ours map[time.Time]bool) {
	stored := map[int]bool{}
	for _, f := range found {
		stored[f.Index] = true
	}
	for _, i := range check {
		if p := k.periodOf(&rows[i]); ours[p] && !stored[i] {
			n.wrote(p, k.hashKey(n.seed, &rows[i]))
		}
	}
}

// remapRefused turns the refused rows' indices among a part of the batch
// into indices among the whole batch.
func remapRefused(e *SkippedRowsError, part []int) {
	for j := range e.Refused {
		e.Refused[j].Index = part[e.Refused[j].Index]
	}
}

// joinSkipped reports the rows refused by the direct write and by the
// lookup's staging as one error; fresh is how many rows went directly.
func joinSkipped(table string, direct, checked *SkippedRowsError, fresh int) error {
	switch {
	case direct == nil && checked == nil:
		return nil
	case direct == nil:
		checked.Written += fresh
		return checked
	}
	out := &SkippedRowsError{Table: table, Skipped: direct.Skipped, Written: direct.Written, First: direct.First, Refused: direct.Refused}
	if checked != nil {
		out.Skipped += checked.Skipped
		out.Written += checked.Written
		out.Refused = append(out.Refused, checked.Refused...)
		slices.SortFunc(out.Refused, func(a, b RefusedRow) int { return a.Index - b.Index })
		out.Refused = out.Refused[:min(len(out.Refused), maxRefusedListed)]
		if checked.Refused != nil && out.Refused[0].Index == checked.Refused[0].Index {
			out.First = checked.First
		}
	}
	return out
}

// hashKeyOf hashes a key's parts for the Bloom filter.
func hashKeyOf(seed maphash.Seed, day time.Time, n uint64, parts ...string) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(day.Unix()))
	binary.LittleEndian.PutUint64(b[8:], n)
	_, _ = h.Write(b[:])
	for _, p := range parts {
		_, _ = h.WriteString(p)
		_ = h.WriteByte(0)
	}
	return h.Sum64()
}
