package embedded_test

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
)

// TestInsertChunksByTime inserts one batch through a pace that keeps chunks
// at 1,000 rows: every row lands once, in as many statements as chunks.
func TestInsertChunksByTime(t *testing.T) {
	e := open(t, "chunks")
	defer e.Close()
	ctx := context.Background()
	if err := e.Exec(ctx, "CREATE OR REPLACE TABLE chunked (n UInt64) ENGINE = MergeTree ORDER BY n"); err != nil {
		t.Fatal(err)
	}
	embedded.SetPace(e, "chunked", queries.NewPace(time.Hour, 1000, 1000, 1000))
	const rows = 10_500
	b, err := e.Insert(ctx, "chunked", "n")
	if err != nil {
		t.Fatal(err)
	}
	before := embedded.Loads(e)
	for i := range rows {
		if err := b.Append(uint64(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
	if loads := embedded.Loads(e) - before; loads != 11 {
		t.Errorf("loaded %d chunks, want 11 of at most 1,000 rows", loads)
	}
	r, err := e.Query(ctx, "SELECT count(), uniqExact(n), sum(n) FROM chunked")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n, uniq, sum uint64
	if !r.Next() {
		t.Fatal(r.Err())
	}
	if err := r.Scan(&n, &uniq, &sum); err != nil {
		t.Fatal(err)
	}
	if n != rows || uniq != rows || sum != rows*(rows-1)/2 {
		t.Fatalf("counted %d rows, %d distinct, sum %d back; want %d, %d, %d", n, uniq, sum, rows, rows, rows*(rows-1)/2)
	}
}
