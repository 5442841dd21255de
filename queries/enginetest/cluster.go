package enginetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/imscope/imscope/queries"
)

// ClusterName is the one-shard cluster OneShardConfig declares.
const ClusterName = "imscope"

// oneShardConfig makes the embedded engine a cluster of one shard and one
// replica, itself: ClickHouse treats a replica as local when its host is
// this machine and its port the server's tcp_port (the engine listens on
// none). A replica with <default_database> is never local, so none is set.
const oneShardConfig = `<clickhouse>
    <tcp_port>9000</tcp_port>
    <remote_servers>
        <` + ClusterName + `>
            <shard>
                <internal_replication>true</internal_replication>
                <replica><host>localhost</host><port>9000</port></replica>
            </shard>
        </` + ClusterName + `>
    </remote_servers>
</clickhouse>
`

// OneShardConfig writes the one-shard cluster's config into dir and returns
// its path, for embedded.Options.ConfigFile.
func OneShardConfig(dir string) (string, error) {
	path := filepath.Join(dir, "one-shard-cluster.xml")
	if err := os.WriteFile(path, []byte(oneShardConfig), 0o600); err != nil {
		return "", fmt.Errorf("cannot write the one-shard cluster config: %w", err)
	}
	return path, nil
}

// OnOneShard lays database db of the embedded engine e out as on a cluster
// (queries.Layout: local tables, Distributed tables over them, views on the
// local tables) over the one-shard cluster of OneShardConfig. What the
// embedded engine cannot run is left out, and only that: it refuses ON
// CLUSTER ("Replicated DDL queries are disabled"), so statements run here
// without it, and it has no Keeper, so the tables are not replicated.
// And it never finishes a DROP … SYNC (measured: the statement hangs, on a
// MergeTree and on a Distributed table alike), so drops run without SYNC.
// Everything else — the Distributed tables, inserts through them, reads,
// rollups fed on the local tables — is the cluster layout as rendered.
//
// The session runs with queries.ClusterSettings, as the server engine's
// does on a cluster; libchdb keeps a SET for the rest of the process, which
// the single-node layout, having no Distributed table, never notices.
func OnOneShard(t testing.TB, e queries.Engine, db string) queries.Engine {
	t.Helper()
	for name, value := range queries.ClusterSettings(time.Minute) {
		v := fmt.Sprint(value)
		if _, text := value.(string); text {
			v = "'" + v + "'" // the settings' own constants: no quote to escape
		}
		if err := e.Exec(context.Background(), "SET "+name+" = "+v); err != nil {
			t.Fatalf("SET %s: %v", name, err)
		}
	}
	return oneShard{Engine: e, layout: queries.Layout{Cluster: ClusterName, Database: db}}
}

type oneShard struct {
	queries.Engine
	layout queries.Layout
}

// unsupported is what OnOneShard leaves out of a statement.
var unsupported = regexp.MustCompile(" ON CLUSTER `" + ClusterName + "`| SYNC$")

func (o oneShard) Layout() queries.Layout { return o.layout }

func (o oneShard) Exec(ctx context.Context, query string, params ...queries.Param) error {
	return o.Engine.Exec(ctx, unsupported.ReplaceAllString(query, ""), params...)
}

func (o oneShard) Query(ctx context.Context, query string, params ...queries.Param) (queries.Rows, error) {
	return o.Engine.Query(ctx, unsupported.ReplaceAllString(query, ""), params...)
}
