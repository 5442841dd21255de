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

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "imscope-embedded-test-")
	if err != nil {
		panic(err)
	}
	dataDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

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
