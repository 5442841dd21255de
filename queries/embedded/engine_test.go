package embedded_test

import (
	"context"
	"maps"
	"os"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
	"github.com/imscope/imscope/queries/enginetest"
)

// dataDir is shared by every test in this process: libchdb allows one data
// directory per process, so tests isolate by database instead.
var dataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }

// open opens db with the one-shard cluster declared, so that the cluster
// layout can be tested beside the single-node one in this process.
func open(t testing.TB, db string) queries.Engine {
	t.Helper()
	cfg, err := enginetest.OneShardConfig(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := embedded.Open(context.Background(), embedded.Options{DataDir: dataDir, Database: db, ConfigFile: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestConformance(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, db string) queries.Engine { return open(t, db) })
}

// TestConformanceOneShardCluster runs the same suite on the cluster layout
// (queries.Layout): Distributed tables over local ones, views and rollups
// on the local tables, over a one-shard cluster of the embedded engine. The
// engine refuses ON CLUSTER and has no Keeper, so the harness strips ON
// CLUSTER and the tables are not replicated (enginetest.OnOneShard); the
// replicated rendering is pinned by queries' golden files.
func TestConformanceOneShardCluster(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, db string) queries.Engine { return enginetest.OnOneShard(t, open(t, db), db) })
}

// TestOneShardClusterIsDistributed: the cluster layout the suite above runs
// on is the real thing — rows inserted through the Distributed table land
// in the local table, and the rollups fed by the views on the local tables
// count them.
func TestOneShardClusterIsDistributed(t *testing.T) {
	ctx := context.Background()
	e := enginetest.OnOneShard(t, open(t, "one_shard_layout"), "one_shard_layout")
	t.Cleanup(func() { _ = e.Exec(ctx, "DROP DATABASE IF EXISTS one_shard_layout"); _ = e.Close() })
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	engines := map[string]string{}
	rows, err := e.Query(ctx, "SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND name IN ('usage_samples', 'usage_samples_local', 'panel_activity', 'schema_migrations_local')")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, engine string
		if err := rows.Scan(&name, &engine); err != nil {
			t.Fatal(err)
		}
		engines[name] = engine
	}
	rows.Close()
	want := map[string]string{"usage_samples": "Distributed", "usage_samples_local": "MergeTree", "panel_activity": "Distributed", "schema_migrations_local": "ReplacingMergeTree"}
	if !maps.Equal(engines, want) {
		t.Fatalf("tables %v, want %v", engines, want)
	}
	at := time.Date(2011, 1, 1, 12, 0, 0, 0, time.UTC)
	if err := queries.InsertSamples(ctx, e, []imscope.Sample{{TS: at, Source: "t", Network: "qq", Metric: "messages", Value: 3}, {TS: at, Source: "t", Network: "msn", Metric: "messages", Value: 4}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT count() FROM usage_samples_local", "SELECT countMerge(samples) FROM usage_daily_local", "SELECT countMerge(samples) FROM usage_monthly_local"} {
		var n uint64
		r, err := e.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Next() || r.Scan(&n) != nil || n != 2 {
			t.Errorf("%s = %d, want 2", q, n)
		}
		r.Close()
	}
}
