package embedded_test

import (
	"context"
	"os"
	"testing"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/embedded"
	"github.com/imscope/imscope/queries/enginetest"
)

// dataDir is shared by every test in this process: libchdb allows one data
// directory per process, so tests isolate by database instead.
var dataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }

func open(t testing.TB, db string) queries.Engine {
	t.Helper()
	e, err := embedded.Open(context.Background(), embedded.Options{DataDir: dataDir, Database: db})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestConformance(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, db string) queries.Engine { return open(t, db) })
}
