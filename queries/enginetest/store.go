package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// testStoreByKey: a key is stored once, whatever the batches: a file that
// grew stores only its new row; a key stored with another value is handed
// back with the stored value and not written; 1,001 other inserts in between
// (past ClickHouse's insert-deduplication window) change nothing; and the
// rollups the materialized views feed count each key once.
func testStoreByKey(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	s := queries.NewStore(e)
	at := time.Date(2011, 3, 1, 12, 0, 0, 0, time.UTC)
	row := func(network string, value float64) imscope.Sample {
		return imscope.Sample{TS: at, Source: "import", Network: network, Metric: "messages", Value: value}
	}
	counts := func() (raw, daily, monthly uint64, sum float64) {
		scanOne(t, e, "SELECT count(), (SELECT countMerge(samples) FROM usage_daily), (SELECT countMerge(samples) FROM usage_monthly), (SELECT sumMerge(total) FROM usage_daily) FROM usage_samples", nil, &raw, &daily, &monthly, &sum)
		return
	}
	store := func(rows ...imscope.Sample) []queries.Stored[imscope.Sample] {
		t.Helper()
		got, err := s.Samples(ctx, rows)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := store(row("qq", 5), row("msn", 7)); len(got) != 0 {
		t.Fatalf("a first load found %d rows stored", len(got))
	}
	// The file grew by one row: only that row is new.
	got := store(row("qq", 5), row("msn", 7), row("skype", 2))
	if len(got) != 2 || got[0].Row.Value+got[1].Row.Value != 12 {
		t.Fatalf("the grown file: %+v stored before, want qq and msn", got)
	}
	if raw, daily, monthly, sum := counts(); raw != 3 || daily != 3 || monthly != 3 || sum != 14 {
		t.Fatalf("after a grown file: %d rows, %d and %d in the rollups, sum %v; want 3, 3, 3, 14", raw, daily, monthly, sum)
	}
	// Another value for a stored key comes back with the stored one.
	got = store(row("qq", 6))
	if len(got) != 1 || got[0].Index != 0 || got[0].Row.Value != 5 || got[0].Row.Network != "qq" {
		t.Fatalf("a conflicting value: %+v, want the stored 5", got)
	}
	// 1,001 other inserts (each its own block, as a scrape's would be),
	// then the first file again.
	for i := range 1001 {
		mustExec(t, e, "INSERT INTO usage_samples (ts, source, network, metric, value) SELECT {ts:DateTime64(3, 'UTC')}, 'scrape', 'qq', 'connections', 1",
			queries.Named("ts", at.Add(time.Duration(i+1)*time.Minute)))
	}
	if got := store(row("qq", 5), row("msn", 7)); len(got) != 2 {
		t.Fatalf("the first file after 1,001 inserts: %d found stored, want 2", len(got))
	}
	if raw, daily, _, _ := counts(); raw != 1004 || daily != 1004 {
		t.Fatalf("after 1,001 inserts and a re-import: %d rows, %d in the rollup; want 1,004", raw, daily)
	}
}

// testStoreTables: every keyed table stores by its own key and hands back
// stored figures; published shares that changed replace the stored ones.
func testStoreTables(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	s := queries.NewStore(e)
	at := time.Date(2012, 6, 1, 10, 0, 0, 0, time.UTC)
	count := func(table string) (n uint64) {
		scanOne(t, e, "SELECT count() FROM "+table, nil, &n)
		return
	}

	traffic := imscope.BridgeSample{TS: at, Source: "push", Bridge: "b'1", FromNetwork: "qq", ToNetwork: "msn", Messages: 4, Failures: 1, Bytes: 90, Latency: map[uint64]uint64{5000: 2, imscope.LatencyInf: 1}, LatencySum: 0.25}
	for range 2 {
		if _, err := s.Bridges(ctx, []imscope.BridgeSample{traffic}); err != nil {
			t.Fatal(err)
		}
	}
	changed := traffic
	changed.Messages = 5
	got, err := s.Bridges(ctx, []imscope.BridgeSample{changed})
	if err != nil || len(got) != 1 || !got[0].Row.SameFigures(traffic) {
		t.Fatalf("traffic stored: %+v, %v; want the first figures back", got, err)
	}
	var messages uint64
	scanOne(t, e, "SELECT sum(messages) FROM bridge_traffic_1m", nil, &messages)
	if n := count("bridge_traffic"); n != 1 || messages != 4 {
		t.Fatalf("traffic: %d rows, %d messages in the rollup; want 1 and 4", n, messages)
	}

	period := time.Date(2012, 4, 1, 0, 0, 0, 0, time.UTC)
	panel := []imscope.PanelRecord{{Period: period, UserKey: 1, Network: "qq", ActiveDays: 20, Messages: 300}, {Period: period, UserKey: 1, Network: "msn", ActiveDays: 2, Messages: 4}}
	if _, err := s.Panel(ctx, panel); err != nil {
		t.Fatal(err)
	}
	other := panel[1]
	other.ActiveDays = 3
	got2, err := s.Panel(ctx, []imscope.PanelRecord{panel[0], other, {Period: period, UserKey: 2, Network: "qq", ActiveDays: 1}})
	if err != nil || len(got2) != 2 || got2[1].Index != 1 || got2[1].Row.ActiveDays != 2 {
		t.Fatalf("panel stored: %+v, %v; want rows 0 and 1, row 1 with 2 active days", got2, err)
	}
	if n := count("panel_activity"); n != 3 {
		t.Fatalf("panel: %d rows, want 3", n)
	}

	q3 := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	share := imscope.MarketReport{Period: "2010-Q3", PeriodStart: q3, Publisher: "Analysys", Basis: "users", Network: "qq", Share: 76.37, Bound: imscope.BoundEq}
	small := imscope.MarketReport{Period: "2010-Q3", PeriodStart: q3, Publisher: "Analysys", Basis: "users", Network: "yahoo", Share: 1, Bound: imscope.BoundLt, Note: "under 1%"}
	if _, err := s.Reports(ctx, []imscope.MarketReport{share, small}); err != nil {
		t.Fatal(err)
	}
	corrected := share
	corrected.Share = 76.4
	got3, err := s.Reports(ctx, []imscope.MarketReport{corrected, small})
	if err != nil || len(got3) != 2 || got3[0].Row.Share != 76.37 || !got3[1].Row.SameFigures(small) {
		t.Fatalf("reports stored: %+v, %v; want both, qq at 76.37", got3, err)
	}
	read, err := queries.MarketReports(ctx, e, q3, q3.AddDate(0, 3, 0))
	if err != nil || len(read) != 2 || read[0].Share != 76.4 {
		t.Fatalf("after a correction: %+v, %v; want qq at 76.4", read, err)
	}
	var versions uint64
	scanOne(t, e, "SELECT count() FROM market_reports WHERE network = 'yahoo'", nil, &versions)
	if versions != 1 {
		t.Fatalf("an unchanged share was written %d times", versions)
	}

	state := imscope.BridgeState{TS: at, Source: "push", Bridge: "b", RemoteID: "+86 138", State: "CONNECTED", Up: true}
	for range 2 {
		if _, err := s.States(ctx, []imscope.BridgeState{state}); err != nil {
			t.Fatal(err)
		}
	}
	if n := count("bridge_states"); n != 1 {
		t.Fatalf("states: %d rows, want 1", n)
	}
}

// testStoreRefusedRow: a row refused by its column is reported by index and
// the others are stored.
func testStoreRefusedRow(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	s := queries.NewStore(e)
	q3 := time.Date(2010, 7, 1, 0, 0, 0, 0, time.UTC)
	rows := []imscope.MarketReport{
		{Period: "2010-Q3", PeriodStart: q3, Publisher: "p", Basis: "users", Network: "qq", Share: 76.37, Bound: imscope.BoundEq},
		{Period: "2010-Q3", PeriodStart: q3, Publisher: "p", Basis: "users", Network: "msn", Share: 4, Bound: "about"}, // no such bound
		{Period: "2010-Q3", PeriodStart: q3, Publisher: "p", Basis: "users", Network: "skype", Share: 2.08, Bound: imscope.BoundEq},
	}
	_, err := s.Reports(ctx, rows)
	skipped, ok := err.(*queries.SkippedRowsError)
	if !ok || skipped.Skipped != 1 || len(skipped.Refused) != 1 || skipped.Refused[0].Index != 1 || skipped.Table != "market_reports" {
		t.Fatalf("got %v, want row 1 of market_reports refused", err)
	}
	var n uint64
	scanOne(t, e, "SELECT count() FROM market_reports", nil, &n)
	if n != 2 {
		t.Fatalf("%d rows stored, want the 2 good ones", n)
	}
}

// testStoreStagingDropped: a Store keeps its staging tables between batches;
// when they are dropped behind its back (another process's cleanup of
// day-old staging tables), the next batch creates them again and stores its
// rows, each once.
func testStoreStagingDropped(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	s := queries.NewStore(e)
	ts := time.Date(2012, 3, 1, 0, 0, 0, 0, time.UTC)
	row := func(day int, v float64) imscope.Sample {
		return imscope.Sample{TS: ts.AddDate(0, 0, day), Source: "t", Network: "qq", Metric: "messages", Value: v}
	}
	// A later row first, so that the batch after it reaches back and is
	// staged (testStoreFresh).
	for _, batch := range [][]imscope.Sample{{row(9, 0)}, {row(0, 1), row(1, 2)}} {
		if _, err := s.Samples(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	r, err := e.Query(ctx, "SELECT name FROM system.tables WHERE database = currentDatabase() AND (startsWith(name, 'imscope_stage_') OR startsWith(name, 'imscope_skip_'))")
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var n string
		if err := r.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	r.Close()
	if len(names) != 2 {
		t.Fatalf("staging tables after a batch: %v, want the stage of usage_samples and the skip table", names)
	}
	for _, n := range names {
		if err := e.Exec(ctx, "DROP TABLE "+queries.QuoteIdentifier(n)); err != nil {
			t.Fatal(err)
		}
	}
	found, err := s.Samples(ctx, []imscope.Sample{row(1, 2), row(2, 3)})
	if err != nil {
		t.Fatalf("the batch after its staging tables were dropped: %v", err)
	}
	if len(found) != 1 || found[0].Index != 0 {
		t.Errorf("stored already: %+v, want row 0 (day 1)", found)
	}
	var n uint64
	var sum float64
	scanOne(t, e, "SELECT count(), sum(value) FROM usage_samples", nil, &n, &sum)
	if n != 4 || sum != 6 {
		t.Fatalf("%d rows summing to %v stored, want 4 rows summing to 6", n, sum)
	}
}

// testStoreFresh: rows stamped after the newest row stored from their source
// are written without staging (no staging table is made); a batch reaching
// back is looked up and its stored keys kept out; a new Store (a restart)
// reads the newest stamps from the table, so a repeat after a restart is
// still caught; sources are told apart.
func testStoreFresh(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2012, 3, 1, 0, 0, 0, 0, time.UTC)
	row := func(source string, day int) imscope.Sample {
		return imscope.Sample{TS: ts.AddDate(0, 0, day), Source: source, Network: "qq", Metric: "messages", Value: float64(day)}
	}
	staging := func() int {
		var n uint64
		scanOne(t, e, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'imscope_stage_')", nil, &n)
		return int(n)
	}
	count := func() (n uint64) {
		scanOne(t, e, "SELECT count() FROM usage_samples", nil, &n)
		return n
	}
	s := queries.NewStore(e)
	for _, batch := range [][]imscope.Sample{{row("a", 1), row("a", 2)}, {row("a", 3)}, {row("b", 1)}} {
		if found, err := s.Samples(ctx, batch); err != nil || len(found) != 0 {
			t.Fatalf("fresh batch %v: found %v, %v", batch, found, err)
		}
	}
	if n := staging(); n != 0 {
		t.Errorf("%d staging tables after fresh batches only, want none", n)
	}
	found, err := s.Samples(ctx, []imscope.Sample{row("a", 3), row("a", 4)})
	if err != nil || len(found) != 1 || found[0].Index != 0 {
		t.Fatalf("a batch reaching back: found %+v, %v; want row 0 stored already", found, err)
	}
	if staging() != 1 {
		t.Errorf("a batch reaching back was not staged")
	}
	restarted := queries.NewStore(e)
	found, err = restarted.Samples(ctx, []imscope.Sample{row("a", 4), row("b", 1), row("b", 2)})
	if err != nil || len(found) != 2 || found[0].Index != 0 || found[1].Index != 1 {
		t.Fatalf("after a restart: found %+v, %v; want rows 0 and 1 stored already", found, err)
	}
	if n := count(); n != 6 {
		t.Fatalf("%d rows stored, want 6 (a: days 1-4, b: days 1-2)", n)
	}
}
