package enginetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/imscope/imscope/queries"
)

// Opener opens the engine under test on database db, creating it.
type Opener func(t *testing.T, db string) queries.Engine

// Run runs every conformance test against the engine open opens.
func Run(t *testing.T, open Opener) {
	fresh := func(t *testing.T) queries.Engine {
		t.Helper()
		var b [6]byte
		_, _ = rand.Read(b[:])
		e := open(t, "t_"+hex.EncodeToString(b[:]))
		t.Cleanup(func() {
			_ = e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier(databaseOf(t, e))+queries.LayoutOf(e).OnCluster())
			_ = e.Close()
		})
		return e
	}
	t.Run("DDL", func(t *testing.T) { testDDL(t, fresh(t)) })
	t.Run("TypedReads", func(t *testing.T) { testTypedReads(t, fresh(t)) })
	t.Run("HostileValues", func(t *testing.T) { testHostileValues(t, fresh(t)) })
	t.Run("QueryError", func(t *testing.T) { testQueryError(t, fresh(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, fresh(t)) })
	t.Run("ContextCancel", func(t *testing.T) { testContextCancel(t, fresh(t)) })
	t.Run("Migrations", func(t *testing.T) { testMigrations(t, fresh(t)) })
	t.Run("BrokenMigration", func(t *testing.T) { testBrokenMigration(t, fresh(t)) })
	t.Run("MonthlyBackfill", func(t *testing.T) { testMonthlyBackfill(t, fresh(t)) })
	t.Run("NetworkRowsBackfill", func(t *testing.T) { testNetworkRowsBackfill(t, fresh(t)) })
	t.Run("InsertMillion", func(t *testing.T) { testInsertMillion(t, fresh(t)) })
	t.Run("InsertRejectsBadRow", func(t *testing.T) { testInsertRejectsBadRow(t, fresh(t)) })
	t.Run("RollupMatchesRaw", func(t *testing.T) { testRollupMatchesRaw(t, fresh(t)) })
	t.Run("StoreByKey", func(t *testing.T) { testStoreByKey(t, fresh(t)) })
	t.Run("StoreTables", func(t *testing.T) { testStoreTables(t, fresh(t)) })
	t.Run("StoreRefusedRow", func(t *testing.T) { testStoreRefusedRow(t, fresh(t)) })
	t.Run("StoreStagingDropped", func(t *testing.T) { testStoreStagingDropped(t, fresh(t)) })
	t.Run("StoreFresh", func(t *testing.T) { testStoreFresh(t, fresh(t)) })
	t.Run("FarBounds", func(t *testing.T) { testFarBounds(t, fresh(t)) })
	t.Run("BridgeLatencyExact", func(t *testing.T) { testBridgeLatencyExact(t, fresh(t)) })
	t.Run("MarketReports", func(t *testing.T) { testMarketReports(t, fresh(t)) })
	t.Run("PanelDerived", func(t *testing.T) { testPanelDerived(t, fresh(t)) })
	t.Run("PanelManyNetworks", func(t *testing.T) { testPanelManyNetworks(t, fresh(t)) })
}

// databaseOf asks the engine which database it is bound to.
func databaseOf(t *testing.T, e queries.Engine) string {
	t.Helper()
	var db string
	scanOne(t, e, "SELECT currentDatabase()", nil, &db)
	return db
}

// scanOne runs a query expected to return one row and scans it.
func scanOne(t *testing.T, e queries.Engine, query string, params []queries.Param, dest ...any) {
	t.Helper()
	rows, err := e.Query(context.Background(), query, params...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("%s: no row (err %v)", query, rows.Err())
	}
	if err := rows.Scan(dest...); err != nil {
		t.Fatalf("%s: scan: %v", query, err)
	}
	if rows.Next() {
		t.Fatalf("%s: more than one row", query)
	}
}

func mustExec(t *testing.T, e queries.Engine, query string, params ...queries.Param) {
	t.Helper()
	if err := e.Exec(context.Background(), query, params...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
