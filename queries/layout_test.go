package queries

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/layout")

// layouts are the three the golden files pin: one node, a cluster of plain
// MergeTree tables, a replicated cluster.
var layouts = map[string]Layout{
	"single":     {},
	"cluster":    {Cluster: "imscope", Database: "imscope"},
	"replicated": {Cluster: "imscope", Replicated: true, Database: "imscope"},
}

// layoutFiles are every statement file that differs by layout: the schema
// migrations and the layoutSQL files.
func layoutFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(Schema(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Schema(), path)
		files["schema/"+path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []layoutSQL{{"migrations_table.sql", sqlMigrationsTable}, sqlPanelUsersDrop, sqlReportRunsDelete} {
		files[s.name] = s.text
	}
	return files
}

// TestLayoutGolden pins the DDL each layout renders. The single-node files
// are the migrations as they were before clusters existed, byte for byte,
// so that a database migrated then sees no changed checksum.
func TestLayoutGolden(t *testing.T) {
	for mode, l := range layouts {
		for name, text := range layoutFiles(t) {
			got, err := RenderSQL(name, text, l)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "layout", mode, name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s rendered for %s differs from %s:\n%s", name, mode, path, got)
			}
		}
	}
}

// TestClusterLayoutShape checks what a golden file cannot say by itself:
// on a cluster every table has a Distributed table in front of a local one,
// every view reads and writes local tables, and every DDL statement runs ON
// CLUSTER; replicated tables take their path and replica from each node's
// macros.
func TestClusterLayoutShape(t *testing.T) {
	createTable := regexp.MustCompile(`CREATE TABLE IF NOT EXISTS (\w+) ON CLUSTER`)
	view := regexp.MustCompile(`(?s)CREATE MATERIALIZED VIEW IF NOT EXISTS \w+ ON CLUSTER ` + "`imscope`" + ` TO (\w+) AS(.*)`)
	from := regexp.MustCompile(`FROM (\w+)`)
	for _, mode := range []string{"cluster", "replicated"} {
		l := layouts[mode]
		for name, text := range layoutFiles(t) {
			stmts, err := renderStatements(name, text, l)
			if err != nil {
				t.Fatal(err)
			}
			locals, distributed := map[string]bool{}, map[string]bool{}
			for _, s := range stmts {
				s = strings.TrimSpace(stripComments(s))
				if ddl := regexp.MustCompile(`^(CREATE|DROP|ALTER|DELETE)`); ddl.MatchString(s) && !strings.Contains(s, " ON CLUSTER `imscope`") {
					t.Errorf("%s (%s): DDL without ON CLUSTER: %s", name, mode, s)
				}
				if m := createTable.FindStringSubmatch(s); m != nil {
					if strings.HasSuffix(m[1], "_local") {
						locals[strings.TrimSuffix(m[1], "_local")] = true
						if l.Replicated && !strings.Contains(s, "ENGINE = Replicated") {
							t.Errorf("%s: %s is not replicated", name, m[1])
						}
					} else if strings.Contains(s, "ENGINE = Distributed('imscope', 'imscope', '"+m[1]+"_local', ") {
						distributed[m[1]] = true
					} else {
						t.Errorf("%s (%s): table %s is neither local nor Distributed over its local table", name, mode, m[1])
					}
				}
				if m := view.FindStringSubmatch(s); m != nil {
					if !strings.HasSuffix(m[1], "_local") {
						t.Errorf("%s (%s): a view writes to %s, not a local table", name, mode, m[1])
					}
					for _, f := range from.FindAllStringSubmatch(m[2], -1) {
						if !strings.HasSuffix(f[1], "_local") {
							t.Errorf("%s (%s): a view reads %s, not a local table", name, mode, f[1])
						}
					}
				}
			}
			for table := range locals {
				if !distributed[table] {
					t.Errorf("%s (%s): %s_local has no Distributed table", name, mode, table)
				}
			}
		}
	}
	if !strings.Contains(mustRender(t, "schema/001_usage.sql", layouts["replicated"]), "ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')") {
		t.Error("replicated usage_samples does not take its path and replica from the macros")
	}
}

func mustRender(t *testing.T, name string, l Layout) string {
	t.Helper()
	out, err := RenderSQL(name, layoutFiles(t)[name], l)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRenderRefusesReplicatingOtherEngines(t *testing.T) {
	_, err := RenderSQL("x.sql", `ENGINE = {{engine "Memory"}}`, Layout{Cluster: "c", Replicated: true})
	if err == nil || !strings.Contains(err.Error(), "only the MergeTree family") {
		t.Fatalf("err = %v", err)
	}
}

func TestDDLOutcome(t *testing.T) {
	status := func(v int64) any { return v }
	for _, tc := range []struct {
		name    string
		answers []map[string]any
		want    string
	}{
		{"all ran", []map[string]any{{"host": "ch1", "port": uint16(9000), "status": status(0)}, {"host": "ch2", "port": uint16(9000), "status": status(0)}}, ""},
		{"no answer rows", nil, ""},
		{"one late", []map[string]any{{"host": "ch1", "port": uint16(9000), "status": status(0)}, {"host": "ch-s2r2", "port": uint16(9000), "status": nil}}, "cluster imscope: ch-s2r2:9000 did not run it within the DDL timeout"},
		{"one refused", []map[string]any{{"host": "ch1", "port": uint16(9000), "status": status(57), "error": "Table already exists"}}, "cluster imscope: refused on ch1:9000 (code 57: Table already exists)"},
	} {
		err := ddlOutcome("imscope", tc.answers)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("%s: err = %v, want %q…", tc.name, err, tc.want)
		}
	}
}
