package embedded_test

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
)

// TestReaderGoesBeforeQueuedLoads queues background statements behind one
// running, then asks an interactive one: it runs before any of the queued
// background statements, which then run in the order they came. Each
// statement appends its name to a Memory table, which keeps blocks in the
// order they were inserted, so the order read back is the engine's, not the
// callers'. The test first waits for the engine to be idle, and then for
// "running" to hold it with nothing queued: it used to take any busy gate
// for "running" (a statement an earlier test gave up on may still be
// finishing), and then the order came out scrambled — 2 runs in 15 failed,
// more on a loaded machine; 40 of 40 passed after, 20 of them loaded.
func TestReaderGoesBeforeQueuedLoads(t *testing.T) {
	e := open(t, "lanes")
	defer e.Close()
	ctx := context.Background()
	if err := e.Exec(ctx, "CREATE OR REPLACE TABLE lane_log (name String) ENGINE = Memory"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := func(ctx context.Context, name string, rows int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := e.Exec(ctx, "INSERT INTO lane_log SELECT {name:String} FROM (SELECT count() FROM numbers({rows:UInt64}) WHERE sipHash64(number) % 7 = 1)",
				queries.Named("name", name), queries.Named("rows", rows))
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}()
	}
	// The running statement: long enough that the others queue behind it.
	idle := func() bool { i, b := embedded.Queued(e); return i == 0 && b == 0 }
	waitFor(t, "the engine to be idle", func() bool { return !embedded.Busy(e) && idle() })
	start(ctx, "running", 30_000_000)
	waitFor(t, "the first statement to run", func() bool { return embedded.Busy(e) && idle() })
	for k, name := range []string{"load 1", "load 2", "load 3"} {
		start(ctx, name, 1000)
		waitFor(t, name+" to queue", func() bool { i, b := embedded.Queued(e); return i == 0 && b == k+1 })
	}
	start(queries.Interactive(ctx), "reader", 1000)
	waitFor(t, "the reader to queue", func() bool { i, b := embedded.Queued(e); return i == 1 && b == 3 })
	wg.Wait()

	r, err := e.Query(ctx, "SELECT name FROM lane_log SETTINGS max_threads = 1")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var order []string
	for r.Next() {
		var n string
		if err := r.Scan(&n); err != nil {
			t.Fatal(err)
		}
		order = append(order, n)
	}
	if want := []string{"running", "reader", "load 1", "load 2", "load 3"}; !slices.Equal(order, want) {
		t.Fatalf("statements ran in the order %v, want %v", order, want)
	}
}

// waitFor waits until ok, which watches the gate.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
		runtime.Gosched()
	}
}
