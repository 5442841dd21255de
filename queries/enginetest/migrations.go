package enginetest

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

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
	for _, table := range []string{"usage_samples", "usage_daily", "usage_daily_mv", "bridge_traffic", "bridge_traffic_1m", "bridge_traffic_1m_mv", "panel_activity", "market_reports", "collector_runs", "schema_migrations"} {
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
