package queries

import (
	"errors"
	"hash/maphash"
	"testing"
	"time"
)

// TestBloom: a hash added is always found; of hashes never added, at 1 M
// keys about one in a few million is a false "maybe" — far below the one in
// a thousand that would send a 100,000-row batch's rows to the lookup.
func TestBloom(t *testing.T) {
	b := newBloom()
	seed := maphash.MakeSeed()
	day := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 1_000_000
	for i := range uint64(n) {
		b.add(hashKeyOf(seed, day, i, "qq", "office"))
	}
	for i := range uint64(n) {
		if !b.has(hashKeyOf(seed, day, i, "qq", "office")) {
			t.Fatalf("key %d added but not found", i)
		}
	}
	maybe := 0
	for i := range uint64(n) {
		if b.has(hashKeyOf(seed, day, i, "msn", "office")) || b.has(hashKeyOf(seed, day.AddDate(0, 3, 0), i, "qq", "office")) {
			maybe++
		}
	}
	if maybe > 20 {
		t.Fatalf("%d of %d keys never added found maybe", maybe, 2*n)
	}
}

// TestJoinSkipped: rows refused by the direct write and by the lookup's
// staging are reported as one error, by their index in the whole batch.
func TestJoinSkipped(t *testing.T) {
	first, second := errors.New("row 3"), errors.New("row 1")
	direct := &SkippedRowsError{Skipped: 1, Written: 5, First: first, Refused: []RefusedRow{{Index: 3, Err: first}}}
	checked := &SkippedRowsError{Skipped: 1, Written: 2, First: second, Refused: []RefusedRow{{Index: 1, Err: second}}}
	err := joinSkipped("panel_activity", direct, checked, 6)
	var got *SkippedRowsError
	if !errors.As(err, &got) || got.Skipped != 2 || got.Written != 7 || got.First != second || len(got.Refused) != 2 || got.Refused[0].Index != 1 || got.Table != "panel_activity" {
		t.Fatalf("joined %+v", err)
	}
	if err := joinSkipped("t", nil, &SkippedRowsError{Skipped: 1, Written: 2}, 6); err.(*SkippedRowsError).Written != 8 {
		t.Fatalf("the rows written directly are not counted: %+v", err)
	}
	if err := joinSkipped("t", nil, nil, 6); err != nil {
		t.Fatal(err)
	}
}
