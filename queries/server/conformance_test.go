package server

import (
	"context"
	"os"
	"testing"

	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

// TestConformance runs the suite both engines pass against the server in
// IMSCOPE_TEST_CLICKHOUSE; with IMSCOPE_TEST_CLUSTER, laid out over that
// cluster of the server (IMSCOPE_TEST_REPLICATED=1: replicated tables), as
// .github/workflows/docker.yml runs it against compose.cluster.yaml.
func TestConformance(t *testing.T) {
	url := os.Getenv("IMSCOPE_TEST_CLICKHOUSE")
	if url == "" {
		t.Skip("IMSCOPE_TEST_CLICKHOUSE is not set: the conformance suite runs on the embedded engine only; set it to a clickhouse:// URL (server 23.8 or newer) to run it on a server too")
	}
	enginetest.Run(t, func(t *testing.T, db string) queries.Engine {
		e, err := Open(context.Background(), Options{URL: url, Database: db,
			Cluster: os.Getenv("IMSCOPE_TEST_CLUSTER"), Replicated: os.Getenv("IMSCOPE_TEST_REPLICATED") == "1"})
		if err != nil {
			t.Fatal(err)
		}
		return e
	})
}
