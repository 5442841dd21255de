package server

import (
	"context"
	"os"
	"testing"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// TestConformance runs the suite both engines pass against the server in
// IMSCOPE_TEST_CLICKHOUSE.
func TestConformance(t *testing.T) {
	url := os.Getenv("IMSCOPE_TEST_CLICKHOUSE")
	if url == "" {
		t.Skip("IMSCOPE_TEST_CLICKHOUSE is not set: the conformance suite runs on the embedded engine only; set it to a clickhouse:// URL (server 23.8 or newer) to run it on a server too")
	}
	enginetest.Run(t, func(t *testing.T, db string) queries.Engine {
		e, err := Open(context.Background(), Options{URL: url, Database: db})
		if err != nil {
			t.Fatal(err)
		}
		return e
	})
}
