package queries

import (
	"fmt"
	"strings"
	"text/template"
	"time"
)

// Layout is how imscope's tables are laid out: on one node (the zero
// Layout), or over a ClickHouse cluster. On a cluster every table is a local
// table on each node (NAME_local) with a Distributed table NAME in front of
// it, so that every query and insert keeps naming NAME; materialized views
// and rollups are built on the local tables, so an insert feeds each shard's
// rollups where its rows land (the views never see the Distributed table:
// ClickHouse#80189), and DDL runs ON CLUSTER. The same .sql files render
// every layout (RenderSQL); queries/testdata/layout pins each rendering.
type Layout struct {
	// Cluster is the cluster's name in the servers' remote_servers; "" is
	// one node.
	Cluster string
	// Replicated makes the local tables ReplicatedMergeTree and friends,
	// kept in Keeper under /clickhouse/tables/{shard}/{database}/{table}
	// with replica '{replica}': each node's own macros, never one value
	// shared by every node.
	Replicated bool
	// Database is the database the Distributed tables point into.
	Database string
}

// Clustered reports whether the layout spans a cluster.
func (l Layout) Clustered() bool { return l.Cluster != "" }

// layoutEngine is an engine whose database spans a cluster.
type layoutEngine interface{ Layout() Layout }

// LayoutOf is e's layout: one node unless e says otherwise.
func LayoutOf(e Engine) Layout {
	if le, ok := e.(layoutEngine); ok {
		return le.Layout()
	}
	return Layout{}
}

// RenderSQL renders a statement file for l. The files are Go templates
// whose actions render, on one node, exactly the text the file held before
// clusters existed, so that migrations applied then keep their checksums:
//
//	{{local "t"}}        t, or t_local on a cluster
//	{{on_cluster}}       nothing, or " ON CLUSTER `c`"
//	{{engine "E(args)"}} E(args), or ReplicatedE(path, replica, args)
//	{{dedup_window}}     the table setting of insert deduplication's window
//	{{distributed "t" "key"}} nothing, or a Distributed t over t_local
//	{{drop "t"}}         DROP TABLE IF EXISTS t (and t_local)
//	{{alter "t" "…"}}    ALTER TABLE t … (on t_local and t)
func RenderSQL(name, text string, l Layout) (string, error) {
	t, err := template.New(name).Option("missingkey=error").Funcs(l.funcs()).Parse(text)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, nil); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return b.String(), nil
}

func (l Layout) funcs() template.FuncMap {
	return template.FuncMap{
		"local":        l.Local,
		"on_cluster":   l.OnCluster,
		"engine":       l.engine,
		"dedup_window": l.dedupWindow,
		"distributed":  l.distributed,
		"drop":         l.drop,
		"alter":        l.alter,
	}
}

// Local names the table that holds table's rows on each node: table
// itself on one node, table_local on a cluster. A mutation, OPTIMIZE or
// partition change names this table, ON CLUSTER.
func (l Layout) Local(table string) string {
	if !l.Clustered() {
		return table
	}
	return table + "_local"
}

// OnCluster is the clause that runs a DDL statement on every node: nothing
// on one node.
func (l Layout) OnCluster() string {
	if !l.Clustered() {
		return ""
	}
	return " ON CLUSTER " + QuoteIdentifier(l.Cluster)
}

// replicaPath is where a replicated table keeps its parts' log in Keeper:
// per shard, database and table, expanded by each node from its own macros.
const replicaPath = `'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'`

func (l Layout) engine(spec string) (string, error) {
	if !l.Replicated {
		return spec, nil
	}
	name, args, _ := strings.Cut(spec, "(")
	if !strings.HasSuffix(name, "MergeTree") || strings.HasPrefix(name, "Replicated") {
		return "", fmt.Errorf("engine %q: only the MergeTree family can be replicated", spec)
	}
	args = strings.TrimSuffix(args, ")")
	if args != "" {
		args = ", " + args
	}
	return "Replicated" + name + "(" + replicaPath + args + ")", nil
}

func (l Layout) dedupWindow() string {
	if l.Replicated {
		return "replicated_deduplication_window"
	}
	return "non_replicated_deduplication_window"
}

// distributed renders, after the statement creating table's local table,
// the Distributed table in front of it; the text starts with the blank line
// that separates it from that statement, so one node renders nothing.
func (l Layout) distributed(table, shardingKey string) string {
	if !l.Clustered() {
		return ""
	}
	return fmt.Sprintf("\n\nCREATE TABLE IF NOT EXISTS %s%s AS %s\nENGINE = Distributed(%s, %s, %s, %s);",
		table, l.OnCluster(), l.Local(table), quoteLiteral(l.Cluster), quoteLiteral(l.Database), quoteLiteral(l.Local(table)), shardingKey)
}

// drop drops a table and, on a cluster, its local tables. The local tables
// are dropped SYNC: a replicated table's Keeper path is freed at once, so a
// migration creating the table again can follow. The Distributed table has
// no data and no Keeper path to wait for.
func (l Layout) drop(table string) string {
	if !l.Clustered() {
		return "DROP TABLE IF EXISTS " + table
	}
	return fmt.Sprintf("DROP TABLE IF EXISTS %s%s;\nDROP TABLE IF EXISTS %s%s SYNC", table, l.OnCluster(), l.Local(table), l.OnCluster())
}

// alter changes a table's columns; on a cluster the local tables first and
// then the Distributed table, whose columns must match theirs.
func (l Layout) alter(table, clause string) string {
	if !l.Clustered() {
		return "ALTER TABLE " + table + " " + clause
	}
	return fmt.Sprintf("ALTER TABLE %s%s %s;\nALTER TABLE %s%s %s", l.Local(table), l.OnCluster(), clause, table, l.OnCluster(), clause)
}

func quoteLiteral(s string) string {
	var b strings.Builder
	writeQuoted(&b, s)
	return b.String()
}

// ClusterSettings are the session settings imscope runs with on a cluster:
//   - distributed_foreground_insert: an insert into a Distributed table
//     returns once every shard stored its rows, so a reported success means
//     stored (a background insert succeeds into a local queue, and rows
//     stuck there after schema drift are lost to readers);
//   - parallel_distributed_insert_select = 2: INSERT … SELECT between two
//     Distributed tables (a panel build, a backfill) runs on each shard
//     into its local table, so per-user work never crosses the network;
//   - optimize_distributed_group_by_sharding_key: a GROUP BY on the
//     sharding key (user_key) is finished on each shard;
//   - the DDL queue's wait: each ON CLUSTER statement waits up to
//     ddlTimeout for every node and answers a row per node (execDDL).
func ClusterSettings(ddlTimeout time.Duration) map[string]any {
	return map[string]any{
		"distributed_foreground_insert":              1,
		"parallel_distributed_insert_select":         2,
		"optimize_distributed_group_by_sharding_key": 1,
		"distributed_ddl_task_timeout":               int64(ddlTimeout.Seconds()),
		"distributed_ddl_output_mode":                "null_status_on_timeout",
	}
}
