package enginetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

func testMigrations(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	all, err := queries.LoadMigrations(queries.Schema())
	if err != nil {
		t.Fatal(err)
	}
	ran, err := queries.Migrate(ctx, e, queries.Schema(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ran) != len(all) || len(all) == 0 {
		t.Fatalf("fresh database: applied %v, want all %d migrations", ran, len(all))
	}
	for _, table := range []string{"usage_samples", "usage_daily", "usage_daily_mv", "bridge_traffic", "bridge_traffic_1m", "bridge_traffic_1m_mv", "usage_monthly", "usage_monthly_mv", "panel_activity", "panel_users", "panel_users_builds", "market_reports", "collector_runs", "schema_migrations"} {
		var n uint64
		scanOne(t, e, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = {t:String}", []queries.Param{queries.Named("t", table)}, &n)
		if n != 1 {
			t.Errorf("table %s missing after migrations", table)
		}
	}
	again, err := queries.Migrate(ctx, e, queries.Schema(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("re-run applied %v, want nothing", again)
	}
	var recorded uint64
	scanOne(t, e, "SELECT uniqExact(version) FROM schema_migrations", nil, &recorded)
	if recorded != uint64(len(all)) {
		t.Fatalf("%d migrations recorded, want %d", recorded, len(all))
	}
}

func testBrokenMigration(t *testing.T, e queries.Engine) {
	fsys := fstest.MapFS{
		"001_good.sql":   {Data: []byte("CREATE TABLE IF NOT EXISTS good (a UInt8) ENGINE = MergeTree ORDER BY a;\n-- trailing comment; with a semicolon\n")},
		"002_broken.sql": {Data: []byte("CREATE TABLE IF NOT EXISTS fine (a UInt8) ENGINE = MergeTree ORDER BY a;\nCREATE TABLE oops (a NoSuchType) ENGINE = MergeTree ORDER BY a;")},
		"003_later.sql":  {Data: []byte("CREATE TABLE IF NOT EXISTS later (a UInt8) ENGINE = MergeTree ORDER BY a")},
	}
	ran, err := queries.Migrate(context.Background(), e, fsys, nil)
	if err == nil {
		t.Fatal("a broken migration was applied without error")
	}
	if !strings.Contains(err.Error(), "002_broken.sql") || !strings.Contains(err.Error(), "statement 2") {
		t.Fatalf("error %q does not name the file and statement", err)
	}
	if len(ran) != 1 || ran[0] != "001_good.sql" {
		t.Fatalf("applied %v before the failure, want [001_good.sql]", ran)
	}
	var later uint64
	scanOne(t, e, "SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = 'later'", nil, &later)
	if later != 0 {
		t.Fatal("a migration after the broken one ran")
	}
	// Fixed, the same set runs from where it stopped; statement 1 of 002 is
	// safe to run again because it says IF NOT EXISTS.
	fsys["002_broken.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE IF NOT EXISTS fine (a UInt8) ENGINE = MergeTree ORDER BY a;\nCREATE TABLE IF NOT EXISTS oops (a UInt8) ENGINE = MergeTree ORDER BY a;")}
	ran, err = queries.Migrate(context.Background(), e, fsys, nil)
	if err != nil || len(ran) != 2 {
		t.Fatalf("after the fix: applied %v, err %v; want 002 and 003", ran, err)
	}
}

// before is the shipped migrations numbered below version, as Migrate takes
// them: a database as an older imscope left it.
func before(t *testing.T, version uint32) fstest.MapFS {
	t.Helper()
	all, err := queries.LoadMigrations(queries.Schema())
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	for _, m := range all {
		if m.Version < version {
			out[m.Name] = &fstest.MapFile{Data: []byte(m.SQL)}
		}
	}
	return out
}

// testMonthlyBackfill: usage stored before the monthly rollup existed is in
// it once 007 has run, and running 007 again after an interruption (every
// statement done, the record not written) counts nothing twice.
func testMonthlyBackfill(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, before(t, 7), nil); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2010, 11, 28, 0, 0, 0, 0, time.UTC)
	var samples []imscope.Sample
	for d := range 70 {
		for i, nw := range networks[:3] {
			samples = append(samples, imscope.Sample{TS: start.AddDate(0, 0, d).Add(time.Duration(i) * time.Hour), Source: "t", Network: nw, Metric: "messages", Value: float64(d*3 + i + 1)})
		}
	}
	if err := queries.InsertSamples(ctx, e, samples); err != nil {
		t.Fatal(err)
	}
	all, err := queries.LoadMigrations(queries.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var m007 queries.Migration
	for _, m := range all {
		if m.Version == 7 {
			m007 = m
		}
	}
	stmts, err := m007.Statements(queries.LayoutOf(e))
	if err != nil || len(stmts) == 0 {
		t.Fatalf("007: %d statements, %v", len(stmts), err)
	}
	for _, s := range stmts {
		mustExec(t, e, s)
	}
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	var monthly uint64
	scanOne(t, e, "SELECT countMerge(samples) FROM usage_monthly", nil, &monthly)
	if monthly != uint64(len(samples)) {
		t.Fatalf("usage_monthly counts %d samples, want %d", monthly, len(samples))
	}
	f := imscope.Filter{From: time.Date(2010, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2011, 3, 1, 0, 0, 0, 0, time.UTC), Granularity: imscope.Month, Metric: "messages"}
	got, err := queries.UsageTotals(ctx, e, f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := queries.UsageTotalsRaw(ctx, e, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4*3 || !reflect.DeepEqual(got, want) {
		t.Fatalf("monthly totals after the backfill\n%+v\nraw\n%+v", got, want)
	}
}

// testNetworkRowsBackfill: rows stored before migration 028 are counted in
// network_seen once it has run (with their own timestamps as first and
// last seen, and their sources), rows stored after it by its views (seen
// now), and running it again (interrupted before its record) counts
// nothing twice.
func testNetworkRowsBackfill(t *testing.T, e queries.Engine) {
	ctx := context.Background()
	if _, err := queries.Migrate(ctx, e, before(t, 28), nil); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	later := at.Add(time.Hour)
	if err := queries.InsertSamples(ctx, e, []imscope.Sample{{TS: at, Source: "t", Network: "icq", Metric: "messages", Value: 1}, {TS: at, Source: "t", Network: "qq", Metric: "messages", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := queries.InsertBridgeSamples(ctx, e, []imscope.BridgeSample{{TS: later, Source: "gw", Bridge: "b", FromNetwork: "icq", ToNetwork: "aim", Messages: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	all, err := queries.LoadMigrations(queries.Schema())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Version == 28 { // again, as after an interruption
			stmts, err := m.Statements(queries.LayoutOf(e))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range stmts {
				mustExec(t, e, s)
			}
		}
	}
	stored := time.Now().UTC().Add(-time.Minute)
	if _, err := queries.NewStore(e).Panel(ctx, []imscope.PanelRecord{{Period: at, UserKey: 1, Network: "aim", ActiveDays: 1}}); err != nil {
		t.Fatal(err)
	}
	got, err := queries.UnknownNetworks(ctx, e, []string{"qq"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("unknown networks %+v, want aim and icq", got)
	}
	aim, icq := got[0], got[1]
	if aim.Network != "aim" || aim.Rows != 2 || !aim.FirstSeen.Equal(later) || aim.LastSeen.Before(stored) || fmt.Sprint(aim.Sources) != "[gw]" {
		t.Errorf("aim = %+v, want 2 rows (a bridge end before the migration, seen at its ts, and a panel row stored now, which names no source), from gw", aim)
	}
	if icq.Network != "icq" || icq.Rows != 2 || !icq.FirstSeen.Equal(at) || !icq.LastSeen.Equal(later) || fmt.Sprint(icq.Sources) != "[gw t]" {
		t.Errorf("icq = %+v, want 2 rows (one usage row, one bridge end) seen %s to %s from gw and t", icq, at, later)
	}
}
