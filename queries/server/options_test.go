package server

import (
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/imscope/imscope/queries"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		check func(t *testing.T, c *config)
	}{
		{"defaults", Options{URL: "clickhouse://alice:s3cret@db.example:9000/analytics"}, checkResolvedDefaults},
		{"database option overrides the URL's", Options{URL: "clickhouse://h:9000/fromurl", Database: "fromopts"}, func(t *testing.T, c *config) {
			if c.db != "fromopts" || c.ch.Auth.Database != "fromopts" {
				t.Errorf("database %q", c.db)
			}
		}},
		{"no database anywhere", Options{URL: "clickhouse://h:9000"}, func(t *testing.T, c *config) {
			if c.db != "default" {
				t.Errorf("database %q, want default", c.db)
			}
		}},
		{"database in the query string", Options{URL: "clickhouse://h:9000?database=q_db"}, func(t *testing.T, c *config) {
			if c.db != "q_db" {
				t.Errorf("database %q", c.db)
			}
		}},
		{"tcp scheme, several hosts", Options{URL: "tcp://h1:9000,h2:9001/db"}, func(t *testing.T, c *config) {
			if c.addr != "h1:9000,h2:9001" {
				t.Errorf("addr %q", c.addr)
			}
		}},
		{"one node", Options{URL: "clickhouse://h:9000/db"}, func(t *testing.T, c *config) {
			if c.layout.Clustered() || c.ch.Settings["distributed_foreground_insert"] != nil {
				t.Errorf("layout %+v, settings %v", c.layout, c.ch.Settings)
			}
		}},
		{"cluster", Options{URL: "clickhouse://h1:9000,h2:9000/db?distributed_ddl_task_timeout=30", Cluster: "prod", Replicated: true}, checkResolvedCluster},
		{"URL settings are kept", Options{URL: "clickhouse://h:9000/db?dial_timeout=3s&compress=zstd&max_open_conns=3&max_execution_time=60&secure=true"}, checkResolvedURLSettings},
		{"options override URL timeouts", Options{URL: "clickhouse://h:9000?dial_timeout=3s", DialTimeout: time.Second, QueryTimeout: time.Minute}, func(t *testing.T, c *config) {
			if c.ch.DialTimeout != time.Second || c.queryTimeout != time.Minute {
				t.Errorf("timeouts %v %v", c.ch.DialTimeout, c.queryTimeout)
			}
		}},
		{"negative query timeout is none", Options{URL: "clickhouse://h:9000", QueryTimeout: -1}, func(t *testing.T, c *config) {
			if c.queryTimeout != 0 {
				t.Errorf("query timeout %v, want none", c.queryTimeout)
			}
		}},
		{"longest database name", Options{URL: "clickhouse://h:9000", Database: "_" + strings.Repeat("a", 63)}, func(t *testing.T, c *config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := resolve(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// checkResolvedDefaults checks everything resolve fills in for a URL that
// sets nothing but the address, credentials and database. It is a named
// function rather than a literal in TestResolve's table because it is long
// enough to bury the table.
func checkResolvedDefaults(t *testing.T, c *config) {
	if c.db != "analytics" || c.ch.Auth.Database != "analytics" {
		t.Errorf("database %q / %q", c.db, c.ch.Auth.Database)
	}
	if c.ch.Auth.Username != "alice" || c.ch.Auth.Password != "s3cret" {
		t.Errorf("auth %q %q", c.ch.Auth.Username, c.ch.Auth.Password)
	}
	if c.addr != "db.example:9000" || len(c.ch.Addr) != 1 {
		t.Errorf("addr %q %v", c.addr, c.ch.Addr)
	}
	if c.ch.Protocol != clickhouse.Native || c.ch.TLS != nil {
		t.Errorf("protocol %v TLS %v", c.ch.Protocol, c.ch.TLS)
	}
	if c.ch.Compression == nil || c.ch.Compression.Method != clickhouse.CompressionLZ4 {
		t.Errorf("compression %+v, want LZ4", c.ch.Compression)
	}
	if c.ch.MaxOpenConns != 10 || c.ch.MaxIdleConns != 5 {
		t.Errorf("pool %d/%d, want 10/5", c.ch.MaxOpenConns, c.ch.MaxIdleConns)
	}
	if c.ch.DialTimeout != DefaultDialTimeout || c.queryTimeout != DefaultQueryTimeout {
		t.Errorf("timeouts %v %v", c.ch.DialTimeout, c.queryTimeout)
	}
	if c.ch.Logger == nil || c.log == nil {
		t.Error("no logger")
	}
}

// checkResolvedURLSettings checks that settings given in the URL win over
// resolve's defaults. Named for the same reason as checkResolvedDefaults.
func checkResolvedURLSettings(t *testing.T, c *config) {
	if c.ch.DialTimeout != 3*time.Second {
		t.Errorf("dial timeout %v, want the URL's 3s", c.ch.DialTimeout)
	}
	if c.ch.Compression.Method != clickhouse.CompressionZSTD {
		t.Errorf("compression %v, want the URL's zstd", c.ch.Compression.Method)
	}
	if c.ch.MaxOpenConns != 3 || c.ch.MaxIdleConns != 3 {
		t.Errorf("pool %d/%d, want 3/3", c.ch.MaxOpenConns, c.ch.MaxIdleConns)
	}
	if c.ch.Settings["max_execution_time"] != 60 {
		t.Errorf("settings %v", c.ch.Settings)
	}
	if c.ch.TLS == nil {
		t.Error("secure=true gave no TLS")
	}
}

// checkResolvedCluster: a cluster's layout and session settings, with the
// URL's own setting kept.
func checkResolvedCluster(t *testing.T, c *config) {
	if c.layout != (queries.Layout{Cluster: "prod", Replicated: true, Database: "db"}) {
		t.Errorf("layout %+v", c.layout)
	}
	if c.ch.Settings["distributed_foreground_insert"] != 1 || c.ch.Settings["parallel_distributed_insert_select"] != 2 || c.ch.Settings["distributed_ddl_output_mode"] != "null_status_on_timeout" {
		t.Errorf("settings %v", c.ch.Settings)
	}
	if c.ch.Settings["distributed_ddl_task_timeout"] != 30 {
		t.Errorf("DDL timeout %v, want the URL's 30", c.ch.Settings["distributed_ddl_task_timeout"])
	}
	if c.ch.ConnOpenStrategy != clickhouse.ConnOpenInOrder {
		t.Errorf("connection strategy %v: a batch's staging table lives on one node", c.ch.ConnOpenStrategy)
	}
}

func TestResolveRefuses(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no URL", Options{}, "a ClickHouse URL is required"},
		{"blank URL", Options{URL: "  "}, "a ClickHouse URL is required"},
		{"no scheme", Options{URL: "h:9000"}, "must look like clickhouse://"},
		{"HTTP", Options{URL: "http://bob:hunter2@h:8123"}, "a http:// URL is not supported; the server engine speaks ClickHouse's native protocol"},
		{"HTTPS", Options{URL: "https://h:8443?secure=true"}, "a https:// URL is not supported"},
		{"no host", Options{URL: "clickhouse://bob:hunter2@/db"}, "cannot parse the ClickHouse URL"},
		{"bad port", Options{URL: "clickhouse://bob:hunter2@h:port/db"}, "cannot parse the ClickHouse URL"},
		{"bad database", Options{URL: "clickhouse://h:9000/my-db"}, `database name "my-db" must be letters, digits and _`},
		{"database starting with a digit", Options{URL: "clickhouse://h:9000", Database: "1db"}, `database name "1db"`},
		{"database with a backquote", Options{URL: "clickhouse://h:9000", Database: "a`b"}, "must be letters, digits and _"},
		{"database too long", Options{URL: "clickhouse://h:9000", Database: strings.Repeat("a", 65)}, "must be letters"},
		{"bad DSN option", Options{URL: "clickhouse://h:9000?dial_timeout=soon"}, "cannot parse the ClickHouse URL"},
		{"replicated without a cluster", Options{URL: "clickhouse://h:9000", Replicated: true}, "replicated tables need a cluster (engine.cluster)"},
		{"bad cluster name", Options{URL: "clickhouse://h:9000", Cluster: "a` ON CLUSTER b"}, "cluster name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := resolve(tt.opts)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), "server engine: ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error %q shows the password", err)
			}
		})
	}
}
