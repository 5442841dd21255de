package queries_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// dataDir is the embedded engine's data directory for this package's tests.
var dataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }

var quarter = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)

// panelRows are n users' rows in quarter, from user first on: one or two
// networks each, in two segments.
func panelRows(first, n int) []imscope.PanelRecord {
	nets := []string{"qq", "msn", "fetion"}
	var out []imscope.PanelRecord
	for u := first; u < first+n; u++ {
		key := uint64(u)*0x9e3779b97f4a7c15 + 1 // spread over the key space, as keyed hashes are
		seg := []string{"students", "office"}[u%2]
		out = append(out, imscope.PanelRecord{Period: quarter, UserKey: key, Network: nets[u%3], Segment: seg, ActiveDays: uint16(u%28 + 1), Messages: uint64(u % 500)})
		if u%4 == 0 {
			out = append(out, imscope.PanelRecord{Period: quarter, UserKey: key, Network: nets[(u+1)%3], Segment: seg, ActiveDays: 1, Messages: 3})
		}
	}
	return out
}

func panelCount(t *testing.T, e queries.Engine) (rows, keys uint64) {
	t.Helper()
	r, err := e.Query(context.Background(), "SELECT count(), uniqExact(period, user_key, network, segment) FROM panel_activity")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Next() {
		t.Fatal(r.Err())
	}
	if err := r.Scan(&rows, &keys); err != nil {
		t.Fatal(err)
	}
	return rows, keys
}

// TestStoreCopiesInChunks stores batches through copies of 1,000 staged rows
// at a time: every key lands once; a batch whose copy fails after two chunks
// is an error, not stored, and storing it again lands the rest, each key
// once, and reports the two chunks' rows as stored already.
func TestStoreCopiesInChunks(t *testing.T) {
	ctx := context.Background()
	e := enginetest.Migrated(t, dataDir, "store_chunks")
	s := queries.NewStore(e)
	queries.SetCopyPace(s, "panel_activity", queries.NewPace(time.Hour, 1000, 1000, 1000))
	var chunks int
	defer queries.OnCopiedChunk(func() { chunks++ })()

	first := panelRows(0, 4000) // 5,000 rows
	if found, err := s.Panel(ctx, first); err != nil || len(found) != 0 {
		t.Fatalf("first batch: %d found stored, err %v", len(found), err)
	}
	if chunks != 5 {
		t.Errorf("copied the 5,000 rows in %d chunks, want 5", chunks)
	}
	if rows, keys := panelCount(t, e); rows != 5000 || keys != 5000 {
		t.Fatalf("%d rows, %d keys stored; want 5,000 of each", rows, keys)
	}

	// The next batch adds 2,500 rows and repeats the first batch's; its
	// copy fails after two chunks.
	second := append(panelRows(4000, 2000), panelRows(0, 4000)...)
	cctx, cancel := context.WithCancel(ctx)
	chunks = 0
	restore := queries.OnCopiedChunk(func() {
		if chunks++; chunks == 2 {
			cancel()
		}
	})
	_, err := s.Panel(cctx, second)
	restore()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a batch whose copy was cut short returned %v, want context.Canceled", err)
	}
	rows, _ := panelCount(t, e)
	if rows <= 5000 || rows >= 7500 {
		t.Fatalf("%d rows stored after the cut; the test wants the batch part-stored (5,000 < rows < 7,500)", rows)
	}
	partly := int(rows - 5000)

	found, err := s.Panel(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if want := 5000 + partly; len(found) != want {
		t.Errorf("the batch again: %d rows found stored, want %d (the first batch and the chunks copied before the cut)", len(found), want)
	}
	if rows, keys := panelCount(t, e); rows != 7500 || keys != 7500 {
		t.Fatalf("%d rows, %d keys stored; want 7,500 of each", rows, keys)
	}
}

// TestPanelRebuildIsAtomicForReaders rebuilds a period slice by slice and
// reads it as readers do after every slice: they see the old build whole
// until the new one is recorded, then the new one whole.
func TestPanelRebuildIsAtomicForReaders(t *testing.T) {
	ctx := context.Background()
	e := enginetest.Migrated(t, dataDir, "panel_slices")
	if err := queries.InsertPanel(ctx, e, panelRows(0, 3000)); err != nil {
		t.Fatal(err)
	}
	if _, err := queries.RefreshPanel(ctx, e, quarter); err != nil {
		t.Fatal(err)
	}
	old, err := queries.PanelUsersVisible(ctx, e, quarter)
	if err != nil || old != 3000 {
		t.Fatalf("the first build shows %d users (err %v), want 3,000", old, err)
	}

	if err := queries.InsertPanel(ctx, e, panelRows(3000, 1000)); err != nil {
		t.Fatal(err)
	}
	var slices int
	var seen []uint64
	defer queries.SlicePanelBuilds(queries.NewPace(time.Hour, 200, 200, 200), func() {
		slices++
		n, err := queries.PanelUsersVisible(ctx, e, quarter)
		if err != nil {
			t.Error(err)
		}
		seen = append(seen, n)
	})()
	done, err := queries.RefreshPanel(ctx, e, quarter)
	if err != nil || len(done) != 1 || !done[0].Rebuilt {
		t.Fatalf("the rebuild: %+v, err %v", done, err)
	}
	if slices < 20 {
		t.Fatalf("the rebuild ran %d slices, want at least 20 (5,000 rows, 200 a slice, two passes)", slices)
	}
	for i, n := range seen {
		if n != old {
			t.Fatalf("after slice %d of %d a reader saw %d users, want the old build's %d", i+1, slices, n, old)
		}
	}
	if n, err := queries.PanelUsersVisible(ctx, e, quarter); err != nil || n != 4000 {
		t.Fatalf("after the rebuild a reader sees %d users (err %v), want 4,000", n, err)
	}
}
