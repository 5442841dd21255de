package enginetest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
)

// RunWithDataDir runs a test binary's tests with *dir set to a fresh
// temporary directory for the embedded engine, and removes it afterwards.
// libchdb allows one data directory per process, so every test of a binary
// shares it and isolates itself by database name instead. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }
func RunWithDataDir(m *testing.M, dir *string) int {
	d, err := os.MkdirTemp("", "imscope-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot create a data directory:", err)
		return 1
	}
	*dir = d
	defer os.RemoveAll(d)
	return m.Run()
}

// Migrated opens the embedded engine in dir on database db with the schema
// migrated, and drops the database and closes the engine when t ends: what
// a package's tests need to work on real rows. The process's engine starts
// with the one-shard cluster declared (OneShardConfig), whichever test opens
// it first, so that a test can lay a database out as on a cluster.
func Migrated(t testing.TB, dir, db string) queries.Engine {
	t.Helper()
	ctx := context.Background()
	cfg, err := OneShardConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := embedded.Open(ctx, embedded.Options{DataDir: dir, Database: db, ConfigFile: cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = e.Exec(context.Background(), "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier(db))
		e.Close()
	})
	if _, err := queries.Migrate(ctx, e, queries.Schema(), nil); err != nil {
		t.Fatal(err)
	}
	return e
}
